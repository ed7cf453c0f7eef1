"""The account screen: settings saved with a sentence saying what they mean, receipts page by page,
the data export, and deleting the account only with the password."""

import json

import pytest

from mobile.driver.state.account import PAGE, AccountState
from shared.schemas.account import DriverExport
from tests.mobile.conftest import EMAIL, PASSWORD
from tests.mobile.fakes import FakeDriverApi


async def loaded(api: FakeDriverApi) -> AccountState:
    account = AccountState(api)
    await account.load()
    return account


async def test_loading_shows_the_saved_settings(api: FakeDriverApi) -> None:
    account = await loaded(api)

    assert account.profile is not None
    assert (account.profile.email, account.profile.auto_pay, account.profile.reminder_minutes) == (
        EMAIL,
        True,
        10,
    )
    assert not account.loading
    assert account.error is None


async def test_loading_without_network_says_so(api: FakeDriverApi) -> None:
    api.fail("profile")

    account = await loaded(api)

    assert account.profile is None
    assert account.error is not None
    assert "connection" in account.error
    assert not account.loading


@pytest.mark.parametrize(
    ("on", "says"),
    [
        (False, "Auto-pay is off: pay stays in the app before you leave."),
        (True, "Auto-pay is on: stays are charged to your default card when you leave."),
    ],
)
async def test_turning_auto_pay_on_or_off_is_saved_and_explained(
    api: FakeDriverApi, on: bool, says: str
) -> None:
    account = await loaded(api)

    await account.set_auto_pay(on)

    assert account.profile is not None
    assert account.profile.auto_pay is on
    assert (await api.profile()).auto_pay is on
    assert account.notice == says
    assert not account.saving


@pytest.mark.parametrize(
    ("minutes", "says"),
    [(15, "Reminders 15 min before your parking ends."), (0, "Reminders are off.")],
)
async def test_the_reminder_lead_time_is_saved_and_explained(
    api: FakeDriverApi, minutes: int, says: str
) -> None:
    account = await loaded(api)

    await account.set_reminder(minutes)

    assert (await api.profile()).reminder_minutes == minutes
    assert account.notice == says


async def test_a_refused_setting_keeps_the_old_one_and_says_why(api: FakeDriverApi) -> None:
    account = await loaded(api)

    await account.set_reminder(500)

    assert account.error is not None
    assert "reminder_minutes" in account.error
    assert account.notice is None
    assert account.profile is not None
    assert account.profile.reminder_minutes == 10


async def test_saving_without_network_keeps_what_was_shown(api: FakeDriverApi) -> None:
    account = await loaded(api)
    api.fail("update_profile")

    await account.set_auto_pay(False)

    assert account.profile is not None
    assert account.profile.auto_pay is True
    assert account.error is not None
    assert account.notice is None
    assert not account.saving


async def test_receipts_come_page_by_page_until_the_last(api: FakeDriverApi) -> None:
    api.make_receipts(PAGE * 2 + 5)
    account = AccountState(api)

    await account.load_receipts()
    assert (len(account.receipts), account.next_offset) == (PAGE, PAGE)
    await account.load_receipts(more=True)
    await account.load_receipts(more=True)

    assert len(account.receipts) == PAGE * 2 + 5
    assert len({r.id for r in account.receipts}) == PAGE * 2 + 5
    assert account.next_offset is None
    assert [r.id for r in account.receipts] == [r.id for r in api.receipt_list]


async def test_reloading_receipts_starts_again_from_the_newest(api: FakeDriverApi) -> None:
    api.make_receipts(PAGE + 1)
    account = AccountState(api)
    await account.load_receipts()
    await account.load_receipts(more=True)

    await account.load_receipts()

    assert len(account.receipts) == PAGE
    assert account.next_offset == PAGE


async def test_asking_for_more_after_the_last_page_adds_nothing(api: FakeDriverApi) -> None:
    api.make_receipts(3)
    account = AccountState(api)
    await account.load_receipts()

    await account.load_receipts(more=True)

    assert len(account.receipts) == 3


async def test_no_receipts_yet_is_an_empty_list_not_an_error(api: FakeDriverApi) -> None:
    account = AccountState(api)

    await account.load_receipts()

    assert account.receipts == []
    assert account.next_offset is None
    assert account.error is None


async def test_the_export_holds_the_drivers_data(ready_api: FakeDriverApi) -> None:
    account = AccountState(ready_api)

    exported = await account.export()

    assert exported is not None
    document = DriverExport.model_validate(json.loads(exported))
    assert document.profile.email == EMAIL
    assert [v.license_plate for v in document.vehicles] == ["ABC-123"]
    assert [c.last4 for c in document.payment_methods] == ["4242"]


async def test_a_failed_export_says_why(api: FakeDriverApi) -> None:
    account = AccountState(api)
    api.fail("export_data")

    assert await account.export() is None
    assert account.error is not None


async def test_deleting_needs_the_password_before_anything_is_sent(api: FakeDriverApi) -> None:
    account = AccountState(api)

    assert not await account.delete("")

    assert account.error == "Type your password to confirm."
    assert api.calls["delete_account"] == 0
    assert not account.deleted


async def test_a_wrong_password_deletes_nothing(api: FakeDriverApi) -> None:
    account = AccountState(api)

    assert not await account.delete("not my password")

    assert account.error == "That is not your password."
    assert not account.deleted
    assert not account.saving
    assert EMAIL in api.users


async def test_deleting_the_account_signs_out_for_good(api: FakeDriverApi) -> None:
    account = AccountState(api)

    assert await account.delete(PASSWORD)

    assert account.deleted
    assert account.error is None
    assert not api.signed_in
    assert EMAIL not in api.users
