"""Where the apps find the backend. Read when an app starts, never at import."""

import os
from dataclasses import dataclass

DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_APP_URL = "http://127.0.0.1:8550/driver"


@dataclass(frozen=True)
class AppConfig:
    """`PARKFLOW_API_URL`: the backend the app talks to (the phone build bakes it in at build time).
    `PARKFLOW_PUBLIC_APP_URL`: where the web app is published; sign QR codes are links under it, and a
    link opened here is sent back whole to `/qr/resolve` to be verified."""

    api_url: str = DEFAULT_API_URL
    public_app_url: str = DEFAULT_APP_URL

    @classmethod
    def from_env(cls) -> "AppConfig":
        return cls(
            api_url=os.environ.get("PARKFLOW_API_URL", DEFAULT_API_URL).rstrip("/"),
            public_app_url=os.environ.get("PARKFLOW_PUBLIC_APP_URL", DEFAULT_APP_URL).rstrip("/"),
        )
