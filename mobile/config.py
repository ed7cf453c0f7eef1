"""Where the apps find the backend. Read when an app starts, never at import."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

# Bundled with phone builds: set the production backend here before `flet build` (environment variables
# win where the platform has them: desktop, web, tests).
BUILD_CONFIG = Path(__file__).with_name("app_config.json")

DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_APP_URL = "http://127.0.0.1:8550/driver"


@dataclass(frozen=True)
class AppConfig:
    """`PARKFLOW_API_URL`: the backend the app talks to (the phone build bakes it in at build time).
    `PARKFLOW_PUBLIC_APP_URL`: where the web app is published; sign QR codes are links under it, and a
    link opened here is sent back whole to `/qr/resolve` to be verified."""

    api_url: str = DEFAULT_API_URL
    public_app_url: str = DEFAULT_APP_URL
    # Geofence detection timing (PARKFLOW_GEOFENCE_ENTRY_DWELL_S, ..._EXIT_DWELL_S, ..._NEAR_INTERVAL_S):
    # the defaults suit real parking; demos and browser tests shorten them.
    geofence_entry_dwell_s: float = 60.0
    geofence_exit_dwell_s: float = 45.0
    geofence_near_interval_s: float = 5.0

    @classmethod
    def from_env(cls, build_config: Path = BUILD_CONFIG) -> "AppConfig":
        built = json.loads(build_config.read_text(encoding="utf-8")) if build_config.is_file() else {}
        api_url = os.environ.get("PARKFLOW_API_URL") or built.get("api_url") or DEFAULT_API_URL
        app_url = os.environ.get("PARKFLOW_PUBLIC_APP_URL") or built.get("public_app_url") or DEFAULT_APP_URL
        timing = {
            "geofence_entry_dwell_s": "PARKFLOW_GEOFENCE_ENTRY_DWELL_S",
            "geofence_exit_dwell_s": "PARKFLOW_GEOFENCE_EXIT_DWELL_S",
            "geofence_near_interval_s": "PARKFLOW_GEOFENCE_NEAR_INTERVAL_S",
        }
        tuned = {name: float(os.environ[env]) for name, env in timing.items() if os.environ.get(env)}
        return cls(api_url=api_url.rstrip("/"), public_app_url=app_url.rstrip("/"), **tuned)
