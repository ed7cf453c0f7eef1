"""Everything the request handlers need that is built once, in the lifespan, and injected."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from backend.auth.passwords import PasswordHasher
from backend.auth.ratelimit import LoginRateLimiter
from backend.auth.tokens import TokenSigner
from backend.config import Settings
from backend.kit.secrets import SecretBox
from backend.worker.runner import JobRunner


@dataclass
class AppServices:
    settings: Settings
    passwords: PasswordHasher
    tokens: TokenSigner
    login_limiter: LoginRateLimiter
    secret_box: SecretBox
    jobs: JobRunner
    # Filled by the domains that own them (payments registry, facility index, ...).
    extras: dict[str, Any] = field(default_factory=dict)
    # What to close when the app (or worker) stops: HTTP pools, clients. Run newest first.
    shutdown_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def on_shutdown(self, hook: Callable[[], Awaitable[None]]) -> None:
        self.shutdown_hooks.append(hook)

    async def shutdown(self) -> None:
        """Run every shutdown hook once (newest first); one failing does not stop the others."""
        while self.shutdown_hooks:
            hook = self.shutdown_hooks.pop()
            try:
                await hook()
            except Exception:
                logging.getLogger("parkflow").exception("a shutdown hook failed")


def build_services(settings: Settings) -> AppServices:
    secret = settings.secret_key.get_secret_value()
    return AppServices(
        settings=settings,
        passwords=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            concurrency=settings.password_hash_concurrency,
        ),
        tokens=TokenSigner(secret),
        login_limiter=LoginRateLimiter(settings.login_attempts_per_minute),
        secret_box=SecretBox(secret),
        jobs=JobRunner(),
    )


async def get_services(request: Request) -> AppServices:
    return request.app.state.services


Services = Annotated[AppServices, Depends(get_services)]
