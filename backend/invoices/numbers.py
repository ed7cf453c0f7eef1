"""How invoice numbers are shown: the tenant's running number, zero-padded (`INV-000042`)."""

PREFIX = "INV-"


def invoice_number(sequence: int) -> str:
    return f"{PREFIX}{sequence:06d}"
