"""A driver's own account (`/api/v1/me/...`): profile and settings, vehicles, payment methods, receipts."""
