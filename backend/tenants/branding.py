"""An operator's branding with the defaults filled in, for the admin app to colour itself."""

from typing import Any

from pydantic import ValidationError

from backend.models import Tenant
from shared.schemas.admin import Branding

PLATFORM_BRANDING = Branding(display_name="Parkflow", logo_text="P")


def branding_of(tenant: Tenant | None) -> Branding:
    """The tenant's branding (Parkflow's own for none); `display_name` defaults to its name."""
    if tenant is None:
        return PLATFORM_BRANDING
    try:
        branding = Branding.model_validate(tenant.branding or {})
    except ValidationError:
        # Written outside the API in some older shape: show the defaults rather than fail every screen.
        branding = Branding()
    if branding.display_name is None:
        branding = branding.model_copy(update={"display_name": tenant.name})
    return branding


def stored_branding(branding: Branding | None) -> dict[str, Any]:
    """What is stored: only the fields the admin set, so the others follow the defaults."""
    if branding is None:
        return {}
    return branding.model_dump(mode="json", exclude_unset=True, exclude_none=True)
