"""The admin views' text fields keeping what the user typed (`typed_field` and `keep` in
mobile/admin/views/common.py), checked on the controls they build, without a browser."""

from types import SimpleNamespace

from mobile.admin.views.common import follow, keep, typed_field


def typing(text: str | None) -> SimpleNamespace:
    """The change event Flet hands the handler: the field, with what the browser holds now."""
    return SimpleNamespace(control=SimpleNamespace(value=text))


def test_the_field_shows_what_was_typed_under_its_label_key_and_width() -> None:
    typed = {"actor": "ops@alpha.test", "to_day": ""}

    field = typed_field(typed, "actor", "Done by (e-mail or 'system')", key="a3", width=260)

    assert field.label == "Done by (e-mail or 'system')"
    assert field.value == "ops@alpha.test"
    assert field.key == "a3"
    assert field.width == 260
    assert field.dense is True


def test_without_a_key_or_width_the_field_has_none() -> None:
    field = typed_field({"name": "Central"}, "name", "Name")

    assert field.key is None
    assert field.width is None


def test_typing_stores_the_text_under_the_name() -> None:
    typed = {"actor": "", "to_day": "2025-01-31"}
    field = typed_field(typed, "actor", "Done by")
    assert field.on_change is not None

    field.on_change(typing("system"))
    assert typed == {"actor": "system", "to_day": "2025-01-31"}

    field.on_change(typing(None))  # an emptied field
    assert typed == {"actor": "", "to_day": "2025-01-31"}


def test_on_submit_and_the_fields_own_options_pass_through() -> None:
    async def apply(_=None) -> None:
        return None

    field = typed_field(
        {"password": ""},
        "password",
        "First password",
        on_submit=apply,
        password=True,
        can_reveal_password=True,
        read_only=True,
        hint_text="at least 12 characters",
        multiline=False,
    )

    assert field.on_submit is apply
    assert field.password is True
    assert field.can_reveal_password is True
    assert field.read_only is True
    assert field.hint_text == "at least 12 characters"
    assert field.multiline is False
    assert typed_field({"x": ""}, "x", "X").on_submit is None


def test_then_sees_the_text_once_it_is_stored() -> None:
    typed = {"primary_color": "#000000"}
    seen: list[tuple[str, str]] = []

    def preview(text: str) -> None:
        seen.append((text, typed["primary_color"]))

    field = typed_field(typed, "primary_color", "Primary colour", then=preview)
    assert field.on_change is not None

    field.on_change(typing("#12ab34"))

    assert seen == [("#12ab34", "#12ab34")]


def test_keep_alone_is_the_same_handler_for_a_field_spelled_out() -> None:
    typed = {"query": "ABC"}
    on_change = keep(typed, "query")

    on_change(typing("ABC-123"))

    assert typed == {"query": "ABC-123"}


def test_follow_keeps_what_was_typed_until_the_state_changes_it() -> None:
    typed: dict[str, str] = {}
    assert follow(typed, "plate", "ABC-123")["plate"] == "ABC-123"  # first render: the state's text
    typed["plate"] = "ABC-1234"  # the user types on
    assert follow(typed, "plate", "ABC-123")["plate"] == "ABC-1234"  # a re-render keeps it
    assert follow(typed, "plate", "")["plate"] == ""  # the filters were cleared: the field follows
    typed["plate"] = "XYZ"
    assert follow(typed, "plate", "")["plate"] == "XYZ"
