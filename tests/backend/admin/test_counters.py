"""Invoice and ticket numbers: consecutive per operator, never handed out twice, even concurrently."""

import asyncio

from tortoise.transactions import in_transaction

from backend.tenants.counters import next_number
from tests.backend.helpers import make_tenant


async def test_numbers_count_up_per_tenant_and_kind(client) -> None:
    alpha, bravo = await make_tenant("alpha"), await make_tenant("bravo")
    assert [await next_number(alpha.id, "invoice") for _ in range(3)] == [1, 2, 3]
    assert await next_number(bravo.id, "invoice") == 1
    assert await next_number(alpha.id, "ticket") == 1


async def test_concurrent_callers_never_share_a_number(client) -> None:
    tenant = await make_tenant("alpha")

    async def take() -> int:
        async with in_transaction():
            return await next_number(tenant.id, "ticket")

    numbers = await asyncio.gather(*(take() for _ in range(20)))
    assert sorted(numbers) == list(range(1, 21))


async def test_a_number_taken_in_a_rolled_back_transaction_is_given_again(client) -> None:
    tenant = await make_tenant("alpha")
    assert await next_number(tenant.id, "invoice") == 1
    try:
        async with in_transaction():
            assert await next_number(tenant.id, "invoice") == 2
            raise RuntimeError("the invoice could not be saved")
    except RuntimeError:
        pass
    assert await next_number(tenant.id, "invoice") == 2
