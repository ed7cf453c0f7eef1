"""Settings from PARKFLOW_* environment variables and a .env file; read when asked, never at import."""

import hashlib
import hmac
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.qr import normalize_app_url, parse_key_list

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
    # Where the driver web app lives. Sign QR codes point here (`{public_app_url}/s/<facility>?...`), so a
    # phone's own camera opens the app; a scanned sign pointing anywhere else is refused.
    public_app_url: str = "http://127.0.0.1:8550/driver"
    # Keys that sign the sign QR codes: "kid:secret,kid2:secret2". The first signs new signs; all are
    # accepted, so printed signs keep working through a rotation. Unset: one key derived from secret_key
    # (id "k0"), so the demo works with nothing configured, but changing secret_key voids printed signs.
    qr_signing_keys: SecretStr | None = None
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
    # Payments. The sandbox stays the default. A Stripe secret key (sk_test_..., sk_live_... or a
    # restricted rk_...) registers the Stripe gateway; `payment_gateway` picks the processor new
    # payment methods go to when their token's shape does not say (pm_... Stripe's, tok_... the sandbox's).
    payment_gateway: Literal["sandbox", "stripe"] = "sandbox"
    stripe_secret_key: SecretStr | None = None
    # Where the Stripe SDK sends requests (default: Stripe's own API); tests point it at a loopback server.
    stripe_api_base: str | None = None
    stripe_timeout_seconds: float = 20.0
    # The SDK retries connection errors, 409s and 5xx with backoff, under the same idempotency key.
    stripe_max_network_retries: int = Field(default=2, ge=0, le=5)
    # Parking providers (CONTRACT §6): a timeout on every call, a few retries with backoff on technical
    # failures only, and never a wait longer than `provider_retry_after_max_seconds` for a 429.
    provider_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    provider_connect_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    provider_max_attempts: int = Field(default=3, ge=1, le=10)
    provider_backoff_seconds: float = Field(default=0.2, ge=0, le=30)
    provider_retry_after_max_seconds: float = Field(default=5.0, ge=0, le=120)
    # Prepaid sessions: a quote holds its price this long; provider sessions are polled this often
    # (nothing is pushed back); a session left pending by a crash is reconciled after this delay.
    quote_valid_minutes: int = Field(default=5, ge=1, le=60)
    session_poll_seconds: float = Field(default=60.0, ge=5, le=3600)
    session_reconcile_seconds: float = Field(default=120.0, ge=10, le=3600)
    # An OAuth2 token is fetched again this long before it expires (at most a tenth of its lifetime).
    provider_token_leeway_seconds: float = Field(default=30.0, ge=0, le=600)
    # The INRIX/ParkMe-style parking data API merged into /facilities/nearby; unset = not used.
    # The sandbox serves one at http://127.0.0.1:9100/data/v1 (key data_demo_key_0123456789).
    parking_data_url: str | None = None
    parking_data_key: SecretStr | None = None
    parking_data_timeout_seconds: float = Field(default=1.0, gt=0, le=30)
    parking_data_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # Geofence events from drivers' phones (`POST /api/v1/geofence/events`), refused unless plausible:
    # the fix at most `geofence_max_accuracy_m` uncertain, and no farther outside the lot's outline than
    # its own accuracy plus `geofence_position_margin_m` (a fix on the lot's edge wobbles by a few metres)
    # for an entry, and no farther than `geofence_exit_radius_m` for an exit (the car is driving away
    # by the time the phone is sure it left);
    # the event no more than `geofence_max_clock_skew_seconds` ahead of our clock (phone clocks drift)
    # and no older than `geofence_max_event_age_minutes` (a late report must not move a stay's times).
    geofence_max_accuracy_m: float = Field(default=100.0, gt=0, le=5000)
    geofence_position_margin_m: float = Field(default=10.0, ge=0, le=500)
    geofence_exit_radius_m: float = Field(default=1500.0, ge=0, le=20000)
    geofence_max_clock_skew_seconds: float = Field(default=60.0, ge=0, le=3600)
    geofence_max_event_age_minutes: float = Field(default=10.0, gt=0, le=1440)
    # Support SLA: a ticket's first answer is on time within this many minutes (the SLA figures' target).
    support_first_response_target_minutes: int = Field(default=240, ge=1, le=10080)

    @field_validator(
        "stripe_secret_key",
        "stripe_api_base",
        "parking_data_url",
        "parking_data_key",
        "qr_signing_keys",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_app_url")
    @classmethod
    def _app_url(cls, value: str) -> str:
        return normalize_app_url(value)

    @field_validator("qr_signing_keys")
    @classmethod
    def _qr_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_key_list(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _gateway_is_configured(self) -> "Settings":
        if self.payment_gateway == "stripe" and self.stripe_secret_key is None:
            raise ValueError("PARKFLOW_PAYMENT_GATEWAY=stripe needs PARKFLOW_STRIPE_SECRET_KEY to be set.")
        return self

    @property
    def qr_keys(self) -> dict[str, bytes]:
        """Sign QR keys by id, the signing one first."""
        if self.qr_signing_keys is not None:
            return parse_key_list(self.qr_signing_keys.get_secret_value())
        secret = self.secret_key.get_secret_value().encode("utf-8")
        return {"k0": hmac.new(secret, b"parkflow sign qr key", hashlib.sha256).digest()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
