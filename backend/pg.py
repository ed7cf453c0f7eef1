"""PostgreSQL connection tuning (asyncpg)."""

import asyncpg


class NoResetConnection(asyncpg.Connection):
    """Pooled connections skip asyncpg's reset query on release (`RESET ALL; UNLISTEN *; ...`).

    That query is a round trip on every request, and resets state this application never leaves
    on a pooled connection: its advisory locks are transaction-scoped (`pg_advisory_xact_lock`),
    LISTEN uses a dedicated connection (notifications/broker.py), and it sets no session
    variables. asyncpg still rolls back any open transaction on release.
    """

    def get_reset_query(self) -> str:
        return ""
