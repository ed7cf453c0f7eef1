"""Settings from PARKFLOW_* environment variables and a .env file; read when asked, never at import."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARKFLOW_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite://{DEFAULT_DATA_DIR}/parkflow.sqlite3",
        description="sqlite://path or postgres://user:pass@host:5432/db",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-insecure-secret-change-me-0123456789"),
        description="Signs tokens and encrypts stored provider secrets. Set it in production.",
    )
    environment: str = "development"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    login_attempts_per_minute: int = 5
    operator_token_hours: int = 12
    password_hash_concurrency: int = 4
    # argon2id cost; the defaults are OWASP's. Tests lower them (hashing is ~120 ms at the default).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    data_dir: Path = DEFAULT_DATA_DIR
    public_base_url: str = "http://127.0.0.1:8000"
    nearby_max_radius_m: int = 50_000
    # Run background jobs (charging exits, receipts) inside the API process. Turn off when
    # `parkflow worker` processes do it instead.
    run_jobs_in_process: bool = True
    # Receipts: smtp://user:pass@host:587 (STARTTLS when offered), smtp+starttls:// (STARTTLS required),
    # smtps://host:465 (TLS from the start). Unset: each message is written as an .eml file into
    # <data_dir>/outbox/ (the demo's local outbox).
    smtp_url: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "Parkflow <receipts@parkflow.test>"
    # Tell the driver this many minutes before an open stay's free period ends.
    free_period_reminder_minutes: int = 5
    # How often each process looks for driver events written by other processes (worker, workers).
    events_poll_seconds: float = 1.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
