"""The admin tests' two operators (`tenant_a`, `tenant_b`, `super_admin`), made through the admin API."""

from tests.backend.admin.conftest import super_admin, tenant_a, tenant_b

__all__ = ["super_admin", "tenant_a", "tenant_b"]
