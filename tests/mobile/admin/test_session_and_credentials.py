"""Sign-in, the sections per role, the super admin's switch and preview, and keys & tokens."""

from mobile.admin.state.credentials import CredentialsState
from mobile.admin.state.session import AdminSession, Section
from tests.mobile.admin.conftest import admin_api


async def test_wrong_password_is_refused_with_a_sentence(client, alpha) -> None:
    session = AdminSession(admin_api(client))
    assert not await session.sign_in("tenant-admin@alpha.example.test", "not the password")
    assert not session.signed_in
    assert session.error
    assert "password" in session.error.lower()


async def test_each_role_sees_its_sections(alpha_admin, alpha_operator, client) -> None:
    from tests.mobile.admin.conftest import signed_in

    enforcement = await signed_in(client, "enforcement@alpha.example.test")
    assert enforcement.sections == [Section.plate_check]
    assert Section.credentials not in alpha_operator.sections
    assert Section.dashboard in alpha_operator.sections
    assert {Section.credentials, Section.users, Section.audit} <= set(alpha_admin.sections)
    assert alpha_admin.tenant_name == "Alpha Parking Ltd"
    assert alpha_admin.can_edit()
    assert not alpha_operator.can_edit()


async def test_super_admin_picks_and_previews_an_operator(platform_admin) -> None:
    session = platform_admin
    assert session.sections == []  # an operator is chosen first
    assert {t.slug for t in session.tenants} >= {"alpha", "bravo"}

    await session.switch("bravo", preview=True)
    assert session.acting == "bravo"
    assert session.preview
    assert session.tenant_name == "Bravo Parking Ltd"
    assert not session.can_edit()

    credentials = CredentialsState(session.api)
    await credentials.create_token("side gate")
    assert credentials.revealed is None
    assert credentials.error  # the preview refuses every change
    await credentials.load()
    assert [t.name for t in credentials.tokens] == ["gates"]  # bravo's, not alpha's

    await session.switch("bravo", preview=False)
    await credentials.create_token("side gate")
    assert credentials.revealed is not None
    assert credentials.error is None
    assert sorted(t.name for t in credentials.tokens) == ["gates", "side gate"]


async def test_rotating_a_token_shows_the_new_secret_once_and_the_old_one_stops_working(
    alpha_admin, client
) -> None:
    credentials = CredentialsState(alpha_admin.api)
    await credentials.create_token("north gate")
    old = credentials.revealed.secret
    token = next(t for t in credentials.tokens if t.name == "north gate")

    await credentials.rotate_token(token)
    new = credentials.revealed.secret
    assert new != old
    credentials.hide_secret()
    assert credentials.revealed is None

    event = {"garbage": True}
    refused = await client.post("/webhook", json=event, headers={"Authorization": f"Bearer {old}"})
    assert refused.status_code == 401
    accepted = await client.post("/webhook", json=event, headers={"Authorization": f"Bearer {new}"})
    assert accepted.status_code != 401
