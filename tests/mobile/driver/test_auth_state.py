"""Signing up, in and out: what the form says, and the sign-in kept across app starts."""

from mobile.driver.state.auth import AuthState, AuthStatus
from mobile.services.errors import network_error
from tests.mobile.conftest import EMAIL, PASSWORD
from tests.mobile.fakes import FakeDriverApi


async def test_signing_up_signs_the_driver_in_with_their_name() -> None:
    api = FakeDriverApi()
    auth = AuthState(api)

    assert await auth.register("  new@example.test ", "a long enough password", " Mikko ")

    assert auth.status is AuthStatus.signed_in
    assert auth.signed_in
    assert (auth.email, auth.name) == ("new@example.test", "Mikko")
    assert auth.error is None
    assert not auth.busy
    assert api.signed_in


async def test_a_weak_password_is_refused_before_anything_is_sent() -> None:
    api = FakeDriverApi()
    auth = AuthState(api)

    assert not await auth.register("new@example.test", "short", "Mikko")

    assert auth.error is not None
    assert "at least 10 characters" in auth.error
    assert api.calls["register"] == 0
    assert not auth.signed_in


async def test_an_email_without_at_sign_is_refused_before_anything_is_sent() -> None:
    api = FakeDriverApi()
    auth = AuthState(api)

    assert not await auth.register("new.example.test", "a long enough password", "")

    assert auth.error == "Enter a valid email address."
    assert api.calls["register"] == 0


async def test_signing_up_with_a_taken_email_shows_the_backends_sentence(api: FakeDriverApi) -> None:
    await api.sign_out()
    auth = AuthState(api, status=AuthStatus.signed_out)

    assert not await auth.register(EMAIL, "another long password", "Aino")

    assert auth.error is not None
    assert "already exists" in auth.error
    assert auth.status is AuthStatus.signed_out
    assert not auth.busy


async def test_an_empty_sign_in_form_asks_for_both_fields() -> None:
    api = FakeDriverApi()
    auth = AuthState(api)

    assert not await auth.sign_in("   ", "whatever")
    assert auth.error == "Enter your email and password."
    assert not await auth.sign_in(EMAIL, "")
    assert api.calls["sign_in"] == 0


async def test_a_wrong_password_shows_why_and_stays_signed_out(api: FakeDriverApi) -> None:
    await api.sign_out()
    auth = AuthState(api, status=AuthStatus.signed_out)

    assert not await auth.sign_in(EMAIL, "not my password")

    assert auth.error == "Wrong email or password."
    assert auth.status is AuthStatus.signed_out
    assert not auth.busy


async def test_the_form_is_busy_while_signing_in_and_the_error_clears_on_success(api: FakeDriverApi) -> None:
    await api.sign_out()
    auth = AuthState(api, status=AuthStatus.signed_out, error="Wrong email or password.")
    seen_busy: list[bool] = []
    real_sign_in = api.sign_in

    async def watching(email: str, password: str) -> None:
        seen_busy.append(auth.busy)
        await real_sign_in(email, password)

    api.sign_in = watching  # type: ignore[method-assign]

    assert await auth.sign_in(f" {EMAIL} ", PASSWORD)

    assert seen_busy == [True]
    assert auth.error is None
    assert not auth.busy
    assert auth.signed_in
    assert auth.email == EMAIL


async def test_a_network_failure_while_signing_in_says_so(api: FakeDriverApi) -> None:
    await api.sign_out()
    api.fail("sign_in")
    auth = AuthState(api, status=AuthStatus.signed_out)

    assert not await auth.sign_in(EMAIL, PASSWORD)

    assert auth.error is not None
    assert "connection" in auth.error
    assert not auth.busy


async def test_app_start_with_a_stored_sign_in_opens_signed_in(api: FakeDriverApi) -> None:
    api.current = None  # the app was closed; the token store still holds the refresh token
    auth = AuthState(api)
    assert auth.status is AuthStatus.checking

    await auth.start()

    assert auth.signed_in
    assert (auth.email, auth.name) == (EMAIL, "Aino Virtanen")


async def test_app_start_without_a_stored_sign_in_shows_the_welcome_screen() -> None:
    auth = AuthState(FakeDriverApi())

    await auth.start()

    assert auth.status is AuthStatus.signed_out
    assert auth.error is None


async def test_app_start_without_network_shows_the_welcome_screen_not_a_spinner(api: FakeDriverApi) -> None:
    api.current = None
    api.fail("restore", network_error())
    auth = AuthState(api)

    await auth.start()

    assert auth.status is AuthStatus.signed_out


async def test_app_start_does_not_hang_when_the_profile_cannot_be_read(api: FakeDriverApi) -> None:
    api.current = None
    api.fail("me", network_error())
    auth = AuthState(api)

    await auth.start()

    assert auth.status is not AuthStatus.checking  # the app would show its spinner for ever


async def test_signing_out_forgets_the_driver(api: FakeDriverApi) -> None:
    auth = AuthState(api)
    await auth.start()

    await auth.sign_out()

    assert auth.status is AuthStatus.signed_out
    assert (auth.email, auth.name, auth.error) == ("", "", None)
    assert not api.signed_in
    assert api.stored_refresh is None
    await auth.start()  # the next app start does not sign in again
    assert auth.status is AuthStatus.signed_out


async def test_an_expired_sign_in_goes_back_to_the_form_with_a_reason(api: FakeDriverApi) -> None:
    auth = AuthState(api)
    await auth.start()

    auth.expired()

    assert auth.status is AuthStatus.signed_out
    assert auth.error == "Your sign-in has expired. Please sign in again."
