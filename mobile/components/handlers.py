"""Event handlers both apps build their buttons with."""

import inspect
from collections.abc import Awaitable, Callable
from typing import Any


def act(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[Any], Awaitable[None]]:
    """An event handler calling `fn(*args)` and awaiting it when it is a coroutine. Flet awaits only
    handlers that are coroutine functions: `lambda _: state.save()` would make the coroutine and drop
    it, and the click would do nothing (tests/mobile/test_event_handlers.py checks the views)."""

    async def handler(_: Any = None) -> None:
        result = fn(*args, **kwargs)
        if inspect.isawaitable(result):
            await result

    return handler
