"""The closed days' cache: kept until its time is up, per key, bounded in size."""

from backend.operations.closed_days import ClosedDays


async def test_kept_per_key_until_expiry_and_bounded() -> None:
    clock = [0.0]
    loads: list[str] = []
    cache = ClosedDays(ttl_seconds=10, max_entries=4, clock=lambda: clock[0])

    async def load(key: str) -> str:
        loads.append(key)
        return f"{key}@{clock[0]:.0f}"

    assert await cache.get("a", lambda: load("a")) == "a@0"
    assert await cache.get("b", lambda: load("b")) == "b@0"
    clock[0] = 9.9
    assert await cache.get("a", lambda: load("a")) == "a@0"
    clock[0] = 10.0
    assert await cache.get("a", lambda: load("a")) == "a@10"
    assert loads == ["a", "b", "a"]

    for key in "cdefgh":
        await cache.get(key, lambda key=key: load(key))
    assert len(cache._entries) <= 4
    assert await cache.get("h", lambda: load("h")) == "h@10"  # the newest is kept
    assert loads.count("h") == 1
