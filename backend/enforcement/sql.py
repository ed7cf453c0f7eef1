"""Hand-written SQL on tortoise's connection, written once for both engines.

Statements use `:name` parameters; `compile_sql` turns them into the dialect's numbered
placeholders (`$1` on PostgreSQL, `?1` on SQLite) and remembers the result. Timestamps compare as
stored: PostgreSQL `timestamptz`, SQLite ISO text in UTC (tortoise writes
`YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`, which sorts in time order) — so every datetime passed here
must be in UTC, and `timestamp()` parses what SQLite hands back.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

_PARAM = re.compile(r":([a-z_0-9]+)")
_compiled: dict[tuple[str, str], tuple[str, list[str]]] = {}


def compile_sql(sql: str, dialect: str) -> tuple[str, list[str]]:
    """`:name` parameters -> numbered placeholders of the dialect, and the names in number order."""
    found = _compiled.get((sql, dialect))
    if found is None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            index = names.index(match.group(1)) + 1
            return f"${index}" if dialect == "postgres" else f"?{index}"

        found = _compiled[(sql, dialect)] = (_PARAM.sub(number, sql), names)
    return found


def _prepared(sql: str, params: dict[str, Any]) -> tuple[Any, str, list[Any]]:
    conn = connections.get("default")
    text, names = compile_sql(sql, conn.capabilities.dialect)
    return conn, text, [params[name] for name in names]


async def fetch_dicts(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    conn, text, values = _prepared(sql, params)
    return await conn.execute_query_dict(text, values)


async def fetch_rows(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Rows as tuples: for big answers, where building a dict per row costs more than the query."""
    conn, text, values = _prepared(sql, params)
    return (await conn.execute_query(text, values))[1]


async def execute(sql: str, params: dict[str, Any]) -> None:
    conn, text, values = _prepared(sql, params)
    await conn.execute_query(text, values)


def timestamp(value: Any) -> datetime | None:
    """SQLite hands back text; PostgreSQL aware datetimes."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
