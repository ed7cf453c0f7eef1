"""The sandbox's memory: sessions, issued tokens, faults, counters and a shiftable clock.

Everything is mutated from the server's one event loop and never across an `await`, so no locks
are needed (one uvicorn worker; the sandbox is not meant to scale out).
"""

import asyncio
import secrets
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from backend.providers.sandbox.config import ConnectionConfig, SandboxConfig
from backend.providers.sandbox.faults import FaultBook

if TYPE_CHECKING:
    from backend.providers.sandbox.data_api import Lot

# Tokens that expired longer ago than this are forgotten (a 401 then no longer names the connection).
_TOKEN_MEMORY_SECONDS = 3600
# `rights` lists sessions that are active or ended at most this long ago.
RIGHTS_LOOKBACK = timedelta(hours=24)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, whole seconds: 2026-03-30T14:23:00Z."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@dataclass
class Session:
    session_id: str
    connection: str
    zone_number: str
    license_plate: str
    plate_normalized: str
    receipt_email: str | None
    start_time: datetime
    end_time: datetime
    stopped: bool = False

    def status(self, now: datetime) -> str:
        if self.stopped:
            return "stopped"
        return "active" if self.end_time > now else "expired"

    def wire(self, now: datetime) -> dict:
        return {
            "session_id": self.session_id,
            "zone_number": self.zone_number,
            "license_plate": self.license_plate,
            "start_time": iso(self.start_time),
            "end_time": iso(self.end_time),
            "status": self.status(now),
        }


@dataclass
class IssuedToken:
    connection: str
    expires_at: float  # time.monotonic()
    revoked: bool = False


class SandboxState:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.connections: dict[str, ConnectionConfig] = {c.name: c for c in config.connections}
        self.sessions: dict[str, Session] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.faults = FaultBook()
        self.stats: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.total: Counter[str] = Counter()
        self.clock_offset = timedelta()
        self.stalled = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lots: list[Lot] = []  # the data API's lots, loaded by the app factory
        self._release = asyncio.Event()
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start-up state: no sessions, tokens or counts; the config file's faults."""
        self.sessions.clear()
        self.tokens.clear()
        self.stats.clear()
        self.total.clear()
        self.clock_offset = timedelta()
        self.faults.clear()
        for spec in self.config.faults:
            self.faults.add(spec)
        self.release_stalls()

    def now(self) -> datetime:
        """The sandbox clock (UTC, whole seconds): real time plus the offset set via /_sandbox/clock."""
        return (datetime.now(UTC) + self.clock_offset).replace(microsecond=0)

    # -- counters ----------------------------------------------------------------------------------

    def count(self, connection: str | None, counter: str) -> None:
        self.total[counter] += 1
        if connection is not None:
            self.stats[connection][counter] += 1

    def stats_snapshot(self) -> dict:
        return {
            "total": dict(self.total),
            "connections": {name: dict(counts) for name, counts in sorted(self.stats.items())},
            "stalled": self.stalled,
        }

    # -- stalls (timeout_after_create) -------------------------------------------------------------

    async def stall(self, seconds: float) -> None:
        release = self._release
        self.stalled += 1
        try:
            await asyncio.wait_for(release.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            self.stalled -= 1

    def release_stalls(self) -> None:
        """Let every stalled request answer now (reset, fault deletion, shutdown)."""
        self._release.set()
        self._release = asyncio.Event()

    # -- tokens ------------------------------------------------------------------------------------

    def issue_token(self, connection: ConnectionConfig) -> str:
        now = time.monotonic()
        forget = now - _TOKEN_MEMORY_SECONDS
        for token in [t for t, issued in self.tokens.items() if issued.expires_at < forget]:
            del self.tokens[token]
        token = "pat_" + secrets.token_urlsafe(24)
        self.tokens[token] = IssuedToken(connection.name, now + connection.token_expires_in)
        return token

    def token_owner(self, token: str) -> tuple[str | None, bool]:
        """(connection name or None when unknown, whether the token is valid now)."""
        issued = self.tokens.get(token)
        if issued is None:
            return None, False
        return issued.connection, not issued.revoked and issued.expires_at > time.monotonic()

    def revoke_tokens(self, connection: str) -> int:
        revoked = 0
        for issued in self.tokens.values():
            if issued.connection == connection and not issued.revoked:
                issued.revoked = True
                revoked += 1
        return revoked

    # -- sessions ----------------------------------------------------------------------------------

    def new_session_id(self, connection: ConnectionConfig) -> str:
        return connection.layout.id_prefix + uuid.uuid4().hex[:20]

    def active_session(self, connection: str, zone_number: str, plate_normalized: str) -> Session | None:
        now = self.now()
        return next(
            (
                s
                for s in self.sessions.values()
                if s.connection == connection
                and s.zone_number == zone_number
                and s.plate_normalized == plate_normalized
                and s.status(now) == "active"
            ),
            None,
        )

    def rights(self, connection: str, plate_normalized: str) -> list[Session]:
        horizon = self.now() - RIGHTS_LOOKBACK
        found = [
            s
            for s in self.sessions.values()
            if s.connection == connection and s.plate_normalized == plate_normalized and s.end_time >= horizon
        ]
        return sorted(found, key=lambda s: (s.start_time, s.session_id))
