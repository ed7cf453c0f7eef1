"""The fakes keep up with the Protocols the state classes depend on: every method, same parameters."""

import inspect

import pytest

from mobile.services.driver_api import DriverApi
from mobile.services.events import EventSource
from mobile.services.location import Locator
from tests.mobile.fakes import FakeDriverApi, FakeEventSource, FakeLocator


def members(protocol: type) -> list[str]:
    return sorted(
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
    )


@pytest.mark.parametrize(
    ("protocol", "fake"),
    [(DriverApi, FakeDriverApi), (EventSource, FakeEventSource), (Locator, FakeLocator)],
)
def test_each_fake_has_every_method_of_its_protocol_with_the_same_parameters(
    protocol: type, fake: type
) -> None:
    for name in members(protocol):
        wanted = inspect.getattr_static(protocol, name)
        got = inspect.getattr_static(fake, name, None)
        assert got is not None, f"{fake.__name__} lacks {name}"
        if isinstance(wanted, property):
            assert isinstance(got, property), name
            continue
        assert inspect.iscoroutinefunction(got) == inspect.iscoroutinefunction(wanted), name
        assert inspect.isasyncgenfunction(got) or not inspect.isasyncgenfunction(wanted), name
        assert list(inspect.signature(got).parameters) == list(inspect.signature(wanted).parameters), name
