"""Password hashing with argon2id (pwdlib), off the event loop and bounded in memory."""

import asyncio

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from shared.errors import ErrorCode, ParkflowError

MIN_PASSWORD_LENGTH = 10
_COMMON = {"password", "parkflow", "qwerty", "letmein", "welcome", "iloveyou", "admin", "123456"}


class WeakPasswordError(ParkflowError):
    code = ErrorCode.weak_password


def check_password_strength(password: str, email: str = "") -> None:
    """Length first (NIST 800-63B), then the obvious: not the e-mail, not one repeated character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    lowered = password.lower()
    local = email.split("@", 1)[0].lower()
    if len(set(password)) < 4 or any(
        # a common word, perhaps repeated ("qwertyqwerty"), plus a trivial suffix
        lowered.startswith(word) and len(set(lowered[len(word) :].replace(word, ""))) < 3
        for word in _COMMON
    ):
        raise WeakPasswordError("The password is too easy to guess: mix words, numbers or symbols.")
    if local and len(local) >= 4 and local in lowered:
        raise WeakPasswordError("The password must not contain your e-mail address.")


class PasswordHasher:
    """argon2 costs ~64 MiB and ~120 ms per hash: run it in threads, at most N at a time."""

    def __init__(self, *, time_cost: int, memory_kib: int, concurrency: int) -> None:
        self._hash = PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib),))
        self._slots = asyncio.Semaphore(concurrency)
        # Verifying against this keeps unknown-user logins as slow as known ones.
        self._dummy = self._hash.hash("parkflow-timing-equaliser")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hash.hash, password)

    async def verify(self, password: str, stored_hash: str | None) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._hash.verify, password, stored_hash or self._dummy) and bool(
                stored_hash
            )
