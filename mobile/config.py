"""Where the apps find the backend. Read when an app starts, never at import."""

import os
from dataclasses import dataclass

DEFAULT_API_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class AppConfig:
    """`PARKFLOW_API_URL`: the backend the app talks to (the phone build bakes it in at build time)."""

    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls) -> "AppConfig":
        return cls(api_url=os.environ.get("PARKFLOW_API_URL", DEFAULT_API_URL).rstrip("/"))
