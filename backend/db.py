"""Tortoise ORM configuration; the API registers it in its lifespan, the CLI uses it for migrations."""

from typing import Any

MODEL_MODULES = ["backend.models"]
MIGRATIONS_MODULE = "backend.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For `tortoise makemigrations` (a developer command); the URL is irrelevant to autodetection.
MIGRATIONS_CONFIG = tortoise_config("sqlite://:memory:")
