"""Passes: drivers buy a pass product of a facility for a plate (`/api/v1/passes`)."""
