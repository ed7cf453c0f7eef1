"""Flet awaits an event handler only when it is a coroutine function: `on_click=lambda _: state.save()`
makes the coroutine and drops it, and the button silently does nothing. No view may pass a lambda
that calls a method some app class defines as `async` (use `act(state.save)` or an `async def`)."""

import ast
from pathlib import Path

MOBILE = Path(__file__).resolve().parents[2] / "mobile"


def _async_method_names() -> set[str]:
    """Methods some class of the apps defines with `async def`."""
    names = set()
    for path in MOBILE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names |= {item.name for item in node.body if isinstance(item, ast.AsyncFunctionDef)}
    return names


def _handler_lambdas():
    for path in MOBILE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and (node.arg or "").startswith("on_")
                and isinstance(node.value, ast.Lambda)
            ):
                yield path, node.value


def test_no_event_handler_drops_a_coroutine() -> None:
    asynchronous = _async_method_names()
    dropped = []
    for path, handler in _handler_lambdas():
        body = handler.body
        if isinstance(body, ast.Call) and isinstance(body.func, ast.Attribute):
            name = body.func.attr
            if name in asynchronous:
                dropped.append(f"{path.relative_to(MOBILE.parent)}:{handler.lineno} calls async {name}()")
    assert not dropped, "lambda handlers whose coroutine Flet never awaits:\n" + "\n".join(dropped)


def test_the_check_sees_handlers_at_all() -> None:
    assert sum(1 for _ in _handler_lambdas()) > 5
    assert "sign_in" in _async_method_names()
