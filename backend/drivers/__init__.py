"""A driver's own profile: vehicles and payment methods (`/api/v1/me/...`)."""
