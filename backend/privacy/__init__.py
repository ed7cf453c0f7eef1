"""A driver's own data: the export (`GET /api/v1/me/export`) and erasure (`DELETE /api/v1/me`)."""
