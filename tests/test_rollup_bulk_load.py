"""A full target roll-up into an empty CommuneTargetDay drops the table's indexes, writes, and
re-creates them in the same transaction (rollups/target_values_pg.py, `_bulk_load_indexes`):
the same indexes and constraints come back, the rows are those of the ordinary path, and a
table holding any row (or one another transaction holds) is never touched that way."""

import datetime as dt
import random

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from rollups.models import CommuneTargetDay
from rollups.target_values import rollup_targets

from .rollup_world import make_world
from .test_rollup_paths import assert_same, python_rows, stored

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = CommuneTargetDay._meta.db_table


def schema():
    """Every index and constraint of the table, as the catalogue and Django describe them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, condeferrable, condeferred, "
            "pg_get_constraintdef(oid), conindid::regclass::text FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY conname",
            [TABLE],
        )
        constraints = cursor.fetchall()
        described = connection.introspection.get_constraints(cursor, TABLE)
    return indexes, constraints, described


def bulk_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "DROP INDEX" in q["sql"] or "DROP CONSTRAINT" in q["sql"]]


def test_into_empty_table_rebuilds_the_same_indexes_and_writes_the_same_rows():
    world = make_world(random.Random(7), days=40)
    before = schema()
    assert len(before[0]) == 3  # the primary key, the unique (unit, target, date), (date, target)
    assert not CommuneTargetDay.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        rollup_targets(world.start, world.end)
    assert bulk_statements(queries.captured_queries), "the bulk path was not taken"
    assert schema() == before
    assert_same(stored(world.plan), python_rows(world.plan, world.start, world.end))
    # Its key columns' statistics are taken at once (the next rebuild is planned from them).
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [TABLE])
        assert {"commune_id", "target_id", "date"} <= {row[0] for row in cursor.fetchall()}
    # The unique constraint is back in force (the next roll-ups' upserts arbitrate on it).
    row = CommuneTargetDay.objects.first()
    with pytest.raises(IntegrityError, match="rollup_commune_target_day_unique"):
        with transaction.atomic():
            CommuneTargetDay.objects.create(target=row.target, commune=row.commune, date=row.date)


def test_a_table_holding_rows_takes_the_ordinary_path():
    world = make_world(random.Random(8), days=40)
    middle = world.start + dt.timedelta(days=20)
    rollup_targets(world.start, middle)  # into the empty table
    before = schema()
    # The plan has no row of the later days, but the table has rows: no index is dropped.
    with CaptureQueriesContext(connection) as queries:
        rollup_targets(middle + dt.timedelta(days=1), world.end)
        rollup_targets(world.start, world.end)  # a rebuild over its own rows
        unit = next(c for c in world.communes if c.is_active_on(world.end))
        rollup_targets(world.end, world.end, commune_ids=[unit.pk])  # after one submission
    assert bulk_statements(queries.captured_queries) == []
    assert schema() == before
    assert_same(stored(world.plan), python_rows(world.plan, world.start, world.end))


def test_a_roll_up_after_one_submission_never_drops_indexes_of_an_empty_table():
    world = make_world(random.Random(9), days=20)
    unit = next(c for c in world.communes if c.is_active_on(world.end))
    with CaptureQueriesContext(connection) as queries:
        rollup_targets(world.end, world.end, commune_ids=[unit.pk])
    assert bulk_statements(queries.captured_queries) == []


def test_a_table_another_transaction_holds_takes_the_ordinary_path():
    world = make_world(random.Random(10), days=20)
    before = schema()
    # Another session reading the (to it, empty) table holds a lock the bulk path cannot take
    # without waiting: the roll-up does not wait, it writes through the indexes.
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT FROM {TABLE} LIMIT 1")
            with CaptureQueriesContext(connection) as queries:
                rollup_targets(world.start, world.end)
    finally:
        other.rollback()
        other.close()
    assert bulk_statements(queries.captured_queries) == []
    assert any("NOWAIT" in q["sql"] for q in queries.captured_queries)
    assert schema() == before
    assert_same(stored(world.plan), python_rows(world.plan, world.start, world.end))
