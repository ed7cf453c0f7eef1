"""Receipts: queued as a job in the transaction that settles a payment, e-mailed after it commits."""

from uuid import UUID

from backend.worker.runner import enqueue

SEND_RECEIPT = "send_receipt"


async def queue_receipt(payment_id: UUID) -> None:
    """Queue the receipt e-mail for a captured payment (once per payment, however often called)."""
    await enqueue(SEND_RECEIPT, {"payment_id": str(payment_id)}, dedupe_key=f"receipt:{payment_id}")
