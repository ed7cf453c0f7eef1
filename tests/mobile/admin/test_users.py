"""Users: the operator's people and roles, adding one, changing a role, deactivating, and the API's
guards (your own account, the last tenant admin) shown as its sentences."""

from mobile.admin.state.users import UsersState, role_label

NEW_PASSWORD = "a long enough pass phrase 42"


def roles(state: UsersState) -> list[tuple[str, str, bool]]:
    return [(u.email, u.role, u.is_active) for u in state.users]


async def test_a_tenant_admin_sees_the_operators_users_and_roles(alpha_admin, bravo) -> None:
    state = UsersState(alpha_admin.api)
    await state.load()
    assert state.error is None
    assert roles(state) == [
        ("enforcement@alpha.example.test", "enforcement", True),
        ("operator@alpha.example.test", "operator", True),
        ("tenant-admin@alpha.example.test", "tenant_admin", True),
    ]  # bravo's users are not listed
    assert role_label("tenant_admin") == "Tenant admin"


async def test_adding_changing_and_deactivating_a_user(alpha_admin, client) -> None:
    state = UsersState(alpha_admin.api)
    await state.load()
    assert not await state.create(email="aino@alpha.example.test", name="Aino", role="operator", password="x")
    assert state.error
    assert "password" in state.error.lower()
    assert not await state.create(email="", name="", role="operator", password="")
    assert state.error == "Enter the new user's work e-mail and a first password."

    assert await state.create(
        email="aino@alpha.example.test", name="Aino", role="operator", password=NEW_PASSWORD
    )
    assert state.notice.startswith("aino@alpha.example.test can now sign in as operator")
    assert ("aino@alpha.example.test", "operator", True) in roles(state)
    aino_session = await signed_in_with(client, "aino@alpha.example.test")
    assert not aino_session.can_edit()

    assert not await state.create(
        email="operator@alpha.example.test", name="", role="operator", password=NEW_PASSWORD
    )
    assert state.error == "A user with this e-mail already exists; use another address."

    aino = next(u for u in state.users if u.email == "aino@alpha.example.test")
    assert await state.change_role(aino, "enforcement")
    assert state.notice == "Aino (aino@alpha.example.test) is now enforcement (from their next click)."
    assert ("aino@alpha.example.test", "enforcement", True) in roles(state)

    assert await state.deactivate(aino)
    assert ("aino@alpha.example.test", "enforcement", False) in roles(state)
    assert not await aino_session_login(client)
    assert await state.reactivate(next(u for u in state.users if u.email == "aino@alpha.example.test"))
    assert await aino_session_login(client)


async def signed_in_with(client, email: str):
    from mobile.admin.state.session import AdminSession
    from tests.mobile.admin.conftest import admin_api

    session = AdminSession(admin_api(client))
    assert await session.sign_in(email, NEW_PASSWORD), session.error
    return session


async def aino_session_login(client) -> bool:
    from mobile.admin.state.session import AdminSession
    from tests.mobile.admin.conftest import admin_api

    return await AdminSession(admin_api(client)).sign_in("aino@alpha.example.test", NEW_PASSWORD)


async def test_the_guards_are_shown_as_sentences(alpha_admin, platform_admin) -> None:
    state = UsersState(alpha_admin.api)
    await state.load()
    me = next(u for u in state.users if u.email == "tenant-admin@alpha.example.test")
    assert not await state.change_role(me, "operator")
    assert state.error == "You cannot change your own role; ask another tenant admin."
    assert not await state.deactivate(me)
    assert state.error == "You cannot deactivate your own account; ask another tenant admin."

    # A super admin acting for the operator may not leave it without a tenant admin either.
    await platform_admin.switch("alpha")
    as_root = UsersState(platform_admin.api)
    await as_root.load()
    admin = next(u for u in as_root.users if u.role == "tenant_admin")
    assert not await as_root.change_role(admin, "operator")
    assert as_root.error == (
        "tenant-admin@alpha.example.test is the operator's only active tenant admin; "
        "make another user tenant admin first."
    )
    operator = next(u for u in as_root.users if u.role == "operator")
    assert await as_root.change_role(operator, "tenant_admin")
    assert await as_root.change_role(admin, "operator")  # now there is another
    assert as_root.error is None


async def test_operators_and_previews_cannot_manage_users(alpha_operator, platform_admin) -> None:
    state = UsersState(alpha_operator.api)
    await state.load()
    assert state.error
    assert state.users == []

    await platform_admin.switch("alpha", preview=True)
    preview = UsersState(platform_admin.api)
    await preview.load()
    assert len(preview.users) == 3  # reading is fine
    assert not await preview.create(
        email="new@alpha.example.test", name="", role="operator", password=NEW_PASSWORD
    )
    assert preview.error
    assert "preview" in preview.error.lower()
    assert not await preview.deactivate(preview.users[0])
    assert len(preview.users) == 3
    assert all(u.is_active for u in preview.users)
