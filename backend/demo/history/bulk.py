"""Rows made in memory, written with one `executemany` per table.

`Model.bulk_create` builds a model instance per row (~50 µs each) and validates every value again;
the history has tens of thousands of rows. Here plain dicts go through the connection's
`execute_many`, in the INSERT tortoise builds for the model, with values converted as its fields
do: UUIDs as text, JSON encoded by the field, the rest (text, numbers, booleans, aware datetimes)
as they are, which both drivers accept. About three times as fast, on SQLite and PostgreSQL alike.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from tortoise import connections, fields
from tortoise.models import Model

BATCH = 2000
_AS_IS = (
    fields.CharField,
    fields.TextField,
    fields.IntField,
    fields.BigIntField,
    fields.SmallIntField,
    fields.BooleanField,
    fields.DatetimeField,
)


def _uuid_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _converter(model: type[Model], field: fields.Field) -> Callable[[Any], Any] | None:
    """None: the value goes as it is."""
    if isinstance(field, fields.UUIDField):
        return _uuid_text
    if isinstance(field, _AS_IS):
        return None
    return lambda value: field.to_db_value(value, model)


class Rows:
    """Rows to insert, per model, in the order the models were first added to (parents first)."""

    def __init__(self) -> None:
        self.by_model: dict[type[Model], list[dict[str, Any]]] = defaultdict(list)

    def add(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        self.by_model[model].append(row)
        return row

    async def write(self, order: Iterable[type[Model]]) -> None:
        for model in order:
            await insert_rows(model, self.by_model.get(model, []))


async def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts keyed by field name, foreign keys as `<name>_id`). Missing fields take
    their default; a generated primary key is left to the database when the rows have none."""
    if not rows:
        return
    db = connections.get("default")
    executor = db.executor_class(model=model, db=db)
    pk = model._meta.pk_attr
    with_pk = pk in rows[0] or not model._meta.fields_map[pk].generated
    columns = executor.regular_columns_all if with_pk else executor.regular_columns
    sql = executor.insert_query_all if with_pk else executor.insert_query
    plan = []
    for name in columns:
        field = model._meta.fields_map[name]
        default = field.default
        if name not in rows[0] and callable(default):
            raise ValueError(f"{model.__name__}.{name}: give a value (its default is computed per row)")
        plan.append((name, default, _converter(model, field)))
    values = []
    for row in rows:
        converted = []
        for name, default, convert in plan:
            value = row.get(name, default)
            converted.append(value if convert is None else convert(value))
        values.append(converted)
    for start in range(0, len(values), BATCH):
        await db.execute_many(sql, values[start : start + BATCH])
