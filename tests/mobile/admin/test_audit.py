"""The audit log screen: the changes made in the other screens, told as sentences with who did them,
filtered by kind of object, by who and by dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mobile.admin.state.audit import AuditState, describe
from mobile.admin.state.facilities import FacilitiesState
from mobile.admin.state.facility_editor import FacilityEditorState
from mobile.admin.state.users import UsersState

ADMIN = "tenant-admin@alpha.example.test"


async def _make_changes(session) -> None:
    editor = FacilityEditorState(session.api)
    assert await editor.open("alpha-p1")
    await editor.save_details(name="Alpha P1", capacity="120", grace_minutes="10", notices="", rules="")
    users = UsersState(session.api)
    assert await users.create(
        email="aino@alpha.example.test", name="Aino", role="operator", password="a long enough pass phrase 42"
    )
    aino = next(u for u in users.users if u.email == "aino@alpha.example.test")
    assert await users.change_role(aino, "enforcement")
    facilities = FacilitiesState(session.api)
    await facilities.load("alpha")
    await facilities.save_branding(session, display_name="", primary_color="#0B5FFF")


def lines(state: AuditState) -> list[tuple[str, str]]:
    return [(e.actor, describe(e, "EUR")) for e in state.entries]


async def test_the_log_tells_who_did_what_newest_first(alpha_admin) -> None:
    await _make_changes(alpha_admin)
    audit = AuditState(alpha_admin.api, timezone="Europe/Helsinki")
    await audit.load()
    assert audit.error is None
    assert lines(audit)[:4] == [
        (ADMIN, "Changed the operator's branding (colour #0B5FFF)"),
        (ADMIN, "Changed user aino@alpha.example.test: role operator → enforcement"),
        (ADMIN, "Added user aino@alpha.example.test as operator"),
        (ADMIN, "Changed facility alpha-p1: grace period 15 → 10 min"),
    ]
    assert (ADMIN, "Created facility Alpha P1 (zone 1234)") in lines(audit)
    assert (ADMIN, "Created API key 'handhelds'") in lines(audit)


async def test_filters_by_object_actor_and_dates(alpha_admin) -> None:
    await _make_changes(alpha_admin)
    audit = AuditState(alpha_admin.api, timezone="Europe/Helsinki")
    await audit.filter(object_type="user")
    assert [d for _, d in lines(audit)] == [
        "Changed user aino@alpha.example.test: role operator → enforcement",
        "Added user aino@alpha.example.test as operator",
    ]
    await audit.filter(object_type="", actor="system")
    assert audit.entries == []
    await audit.filter(actor=ADMIN.upper())
    assert len(audit.entries) == 7  # facility, key and token made by the fixture, then four changes

    today = datetime.now(ZoneInfo("Europe/Helsinki")).date()
    await audit.filter(
        from_day=(today - timedelta(days=1)).isoformat(), to_day=(today + timedelta(days=1)).isoformat()
    )
    assert len(audit.entries) == 7
    await audit.filter(from_day="2020-01-01", to_day="2020-01-31")
    assert audit.entries == []
    await audit.filter(from_day="30.3.2026")
    assert audit.error == "'From' must be a date like 2026-03-30."
    await audit.filter(from_day="2026-03-30", to_day="2026-03-01")
    assert audit.error == "'To' is before 'From'."
    await audit.clear_filters()
    assert audit.error is None
    assert len(audit.entries) == 7


async def test_more_pages_continue_the_log(alpha_admin) -> None:
    await _make_changes(alpha_admin)
    audit = AuditState(alpha_admin.api, page_size=4)
    await audit.load()
    assert len(audit.entries) == 4
    assert audit.next_before_id is not None
    await audit.load(more=True)
    assert len(audit.entries) == 7
    assert audit.next_before_id is None


async def test_only_tenant_admins_read_the_log(alpha_operator, platform_admin) -> None:
    audit = AuditState(alpha_operator.api)
    await audit.load()
    assert audit.error
    assert audit.entries == []

    await platform_admin.switch("alpha", preview=True)
    preview = AuditState(platform_admin.api)
    await preview.load()
    assert preview.error is None
    assert len(preview.entries) == 3
