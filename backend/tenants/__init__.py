"""Operators (tenants): listed, created and configured through the admin API."""
