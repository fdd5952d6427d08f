"""Target roll-ups on PostgreSQL, set-based: the same rows as rollups/target_values.py.

Per plan, one statement computes every unit's value in effect per day with window functions
(running totals of daily counts from 1 January of the plan's year, the latest value of
cumulative counts) and spreads each value over the days it holds with generate_series (a
lateral series per reported value, which plans better than joining a calendar), upserts
CommuneTargetDay with
`INSERT ... SELECT ... ON CONFLICT DO UPDATE`, and returns the province aggregates of every
count per day (sum, count, population-weighted sum, mean of the most recently reported units).
Python then turns those few rows (targets x days) into province values, and status and
projection (`judge_days`, shared with the Python path), and writes TargetDay and PlanDay with one
upsert each. The semantics are those of the docstring of rollups/target_values.py.

Floats on purpose: the Python path computes in floats and stores `Decimal(repr(x))` rounded half
to even, so rates, means and completions are computed here in double precision in the same order
of operations, and rounded half to even (`_half_even`), so both paths write identical rows.
Running totals and cumulative values stay exact numerics (they are sums of 2-decimal values).

After one submission (`commune_ids`), only those units' values are recomputed from their
reports; the other units' values of the days the province figure needs come from their stored
CommuneTargetDay rows, which their own roll-ups keep current.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from targets.models import Plan, Target

from .models import CommuneTargetDay, PlanDay, TargetDay
from .target_days import (
    PLAN_DAY_COLUMNS,
    TARGET_DAY_COLUMNS,
    first_series_day,
    judge_days,
    measurements,
)

# Namespace of the advisory locks that serialise the roll-ups of one plan (issue 10).
PLAN_LOCK = 10

# A unit is in the province figure only on the days it is active (Commune.is_active_on).
_ACTIVE = "{u}.active_from <= {day} AND ({u}.active_until IS NULL OR {day} <= {u}.active_until)"


def _scaled(column: str, places: int) -> str:
    """A float8 column as the exact numeric `_half_even` rounds, times 10^places: cast once per
    row (the cast formats and parses the float, the costly part of rounding)."""
    return f"({column})::numeric * 1e{places}"


def _half_even(scaled: str, places: int) -> str:
    """SQL rounding a `_scaled` column like `Decimal(repr(x)).quantize(...)` (half to even)."""
    return (
        f"(CASE WHEN abs({scaled} - trunc({scaled})) = 0.5 "
        f"THEN (trunc({scaled}) + mod(trunc({scaled}), 2)) / 1e{places} "
        f"ELSE round({scaled}) / 1e{places} END)"
    )


def _completion(value: str) -> str:
    """targets.status.completion in SQL (float8), clamped like rollups.target_days.clamp."""
    sign = "(CASE WHEN t.direction = 'lower' THEN -1.0 ELSE 1.0 END)::float8"
    goal = f"({sign} * t.target_value::float8)"
    start = f"({sign} * COALESCE(t.baseline, 0)::float8)"
    mine = f"({sign} * {value})"
    share = (
        f"CASE WHEN {goal} = {start} THEN CASE WHEN {mine} >= {goal} THEN 1.0 ELSE 0.0 END "
        f"ELSE ({mine} - {start}) / ({goal} - {start}) END"
    )
    return (
        f"CASE WHEN t.aggregation = 'sum' OR {value} IS NULL OR t.target_value IS NULL "
        f"THEN NULL ELSE GREATEST(-99999.0, LEAST(99999.0, {share})) END"
    )


def _statement(incremental: bool, latest: bool = True, fresh: bool = False) -> str:
    ctd, report, value = (
        CommuneTargetDay._meta.db_table, "reports_dailyreport", "reports_reportvalue"
    )
    # Into days the plan has no rows on yet (a new year, a new province), a plain insert: the
    # plan's advisory lock keeps anyone else from writing them meanwhile.
    upsert = "" if fresh else f"""
        ON CONFLICT (commune_id, target_id, date) DO UPDATE
       SET value = EXCLUDED.value, completion = EXCLUDED.completion,
           updated_at = EXCLUDED.updated_at
     -- Unchanged rows were left out above; this only guards the row written in between.
     WHERE ({ctd}.value, {ctd}.completion)
           IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.completion)"""
    # A rebuild mostly computes the rows it finds: one anti-join sets them aside, instead of
    # an upsert that locks each one (a WAL record per row) only to find it unchanged.
    unchanged = "" if fresh else f"""
     WHERE NOT EXISTS (
           -- The recomputed units' stored rows, read unit by unit through the unique index at
           -- national scale (the plan's targets are 1/70 of the table there).
           SELECT FROM units u JOIN {ctd} k ON k.commune_id = u.id
            WHERE k.commune_id = s.commune_id AND k.target_id = s.target_id AND k.date = s.day
              AND k.target_id = ANY(%(reported)s) AND k.date BETWEEN %(start)s AND %(last)s
              AND (k.value, k.completion) IS NOT DISTINCT FROM (s.value, s.completion))"""
    only_units = "AND id = ANY(%(communes)s)" if incremental else ""
    # Other units' counts as their last roll-up stored them (only after one submission), read
    # through the unique index (commune, target, date): the province's units only, the count
    # targets only, the days the province figure needs only.
    # When the last report was: only the "latest" aggregation of a count asks (a lookup).
    as_of = f"""(SELECT MAX(r.date) FROM {report} r
              JOIN {value} v ON v.report_id = r.id AND v.target_id = k.target_id
             WHERE k.target_id = ANY(%(latest)s) AND r.commune_id = k.commune_id
               AND r.date <= k.date AND r.status <> 'returned')""" if latest else "NULL::date"
    kept = f"""
    UNION ALL
    SELECT k.commune_id, k.target_id, k.date, k.value, k.value::float8, {as_of},
           u.population
      FROM communes_commune u
      JOIN {ctd} k ON k.commune_id = u.id
     WHERE u.province_id = %(province)s AND NOT (u.id = ANY(%(communes)s))
       AND k.target_id = ANY(%(counts)s) AND k.date BETWEEN %(first)s AND %(last)s
       AND k.value IS NOT NULL AND {_ACTIVE.format(u="u", day="k.date")}
    """ if incremental else ""
    # The mean of the most recently reported units' values ("latest" aggregation of a count).
    latest_rows = """
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (target_id, day) target_id, day, NULL::float8, NULL::bigint,
               NULL::float8, NULL::bigint, total / units, NULL::bigint
          FROM (SELECT target_id, day, as_of, SUM(fvalue) AS total, COUNT(*) AS units
                  FROM unit_values WHERE target_id = ANY(%(latest)s) AND fvalue IS NOT NULL
                 GROUP BY 1, 2, 3) by_date
         ORDER BY target_id, day, as_of DESC
    ) newest
    """ if latest else ""
    # The comment leads so pg_stat_activity (1 kB of query text) shows what is running.
    return f"""
/* rollups: INSERT INTO {ctd} ... SELECT, set-based target roll-up */
WITH units AS MATERIALIZED (
    -- The units recomputed, and the days of first..last on which each is active.
    SELECT id, population, GREATEST(active_from, %(first)s::date) AS series_from,
           LEAST(COALESCE(active_until, %(last)s::date), %(last)s::date) AS series_to
      FROM communes_commune
     WHERE province_id = %(province)s {only_units}
       AND active_from <= %(last)s AND (active_until IS NULL OR active_until >= %(first)s)
),
source AS (
    -- What moves a unit's counts, one row per report: a daily count's amount; a cumulative
    -- count's change since the unit's previous report (so that a running sum gives the
    -- latest value). Reports before the unit's first day of the series count on that day
    -- (daily counts summed into one row: after one submission, the series is two days).
    SELECT r.commune_id, v.target_id, r.date AS day, v.value AS amount, r.date AS as_of
      FROM units u
      JOIN {report} r ON r.commune_id = u.id
      JOIN {value} v ON v.report_id = r.id
     WHERE v.target_id = ANY(%(running)s) AND r.status <> 'returned'
       AND r.date BETWEEN u.series_from AND u.series_to
    UNION ALL
    SELECT r.commune_id, v.target_id, MIN(u.series_from), SUM(v.value), MAX(r.date)
      FROM units u
      JOIN {report} r ON r.commune_id = u.id
      JOIN {value} v ON v.report_id = r.id
     WHERE v.target_id = ANY(%(running)s) AND r.status <> 'returned'
       AND r.date >= %(year_start)s AND r.date < u.series_from
     GROUP BY r.commune_id, v.target_id
    UNION ALL
    SELECT commune_id, target_id, GREATEST(date, series_from),
           value - COALESCE(LAG(value) OVER (PARTITION BY commune_id, target_id
                                             ORDER BY date), 0),
           date
      FROM (SELECT r.commune_id, v.target_id, r.date, v.value, u.series_from
              FROM units u
              JOIN {report} r ON r.commune_id = u.id
              JOIN {value} v ON v.report_id = r.id
             WHERE v.target_id = ANY(%(cumulative)s) AND r.status <> 'returned'
               AND r.date <= u.series_to) cumulative_values
),
series AS (
    -- Every unit, count and active day (the calendar rows), among the rows that move the
    -- counts: a running sum over both gives each day's value, and the last report's date.
    SELECT commune_id, target_id, day, population, is_day,
           SUM(amount) OVER w AS value, MAX(as_of) OVER w AS as_of
      FROM (
        SELECT commune_id, target_id, day, amount, as_of, NULL::int AS population,
               false AS is_day
          FROM source
        UNION ALL
        SELECT u.id, c.target_id, d.day::date, NULL, NULL, u.population, true
          FROM units u
         CROSS JOIN unnest(%(counts)s::int[]) AS c(target_id)
         CROSS JOIN LATERAL generate_series(u.series_from, u.series_to, interval '1 day')
               AS d(day)
      ) moves
    WINDOW w AS (PARTITION BY commune_id, target_id ORDER BY day)
),
mine AS MATERIALIZED (
    -- The recomputed units' values on their active days (NULL before their first report).
    SELECT commune_id, target_id, day, value, value::float8 AS fvalue, as_of, population
      FROM series WHERE is_day
),
unit_values AS (
    -- Every active unit's values, for the province figure.
    SELECT * FROM mine
    {kept}
),
plan_targets AS (
    SELECT id, aggregation, direction, target_value, baseline, numerator_id,
           denominator_id, id = ANY(%(counts)s) AS counted
      FROM targets_target
     WHERE plan_id = %(plan)s AND source <> 'province'
),
computed AS (
    -- A count of the plan: the unit's own series.
    SELECT m.target_id, m.commune_id, m.day, m.value AS amount, m.fvalue
      FROM mine m JOIN plan_targets t ON t.id = m.target_id
     WHERE t.aggregation <> 'ratio' AND m.day >= %(start)s
    UNION ALL
    -- A rate: the unit's numerator over its denominator, both counted the same days.
    SELECT t.id, n.commune_id, n.day, NULL,
           CASE WHEN n.fvalue IS NULL OR d.fvalue IS NULL OR d.fvalue = 0 THEN NULL
                ELSE n.fvalue / d.fvalue * 100 END
      FROM plan_targets t
      JOIN mine n ON n.target_id = t.numerator_id
      JOIN mine d ON d.target_id = t.denominator_id AND d.commune_id = n.commune_id
                 AND d.day = n.day
     WHERE t.aggregation = 'ratio' AND n.day >= %(start)s
    UNION ALL
    -- Any other commune-reported target (none once targets pass their checks): no value.
    SELECT t.id, u.id, d.day::date, NULL, NULL
      FROM plan_targets t CROSS JOIN units u
     CROSS JOIN LATERAL generate_series(GREATEST(u.series_from, %(start)s::date), u.series_to,
                                        interval '1 day') AS d(day)
     WHERE t.aggregation <> 'ratio' AND NOT t.counted
),
shares AS (
    -- The rows to store, rounded as the Python path rounds (a materialised CTE: the insert and
    -- the count read it).
    SELECT target_id, commune_id, day,
           CASE WHEN aggregation = 'ratio' THEN {_half_even("value_scaled", 4)} ELSE amount END
               AS value,
           {_half_even("share_scaled", 4)} AS completion
      FROM (SELECT c.target_id, c.commune_id, c.day, c.amount, t.aggregation,
                   CASE WHEN t.aggregation = 'ratio' THEN {_scaled("c.fvalue", 4)} END
                       AS value_scaled,
                   {_scaled(_completion("c.fvalue"), 4)} AS share_scaled
              FROM computed c JOIN plan_targets t ON t.id = c.target_id
             -- Not pulled up into the rounding, which would cast each float five times.
            OFFSET 0) scaled
),
written AS (
    INSERT INTO {ctd} (target_id, commune_id, date, value, completion, updated_at)
    SELECT target_id, commune_id, day, value, completion, %(now)s
      FROM shares s
     -- In the order the running sums produced them, which is the unique index's (unit,
     -- target, date): no sort, and neighbouring index pages. No deadlock for want of one
     -- order either: the plan's advisory lock lets one roll-up of a plan write at a time,
     -- and different plans never write the same rows.
    {unchanged}
    {upsert}
),
counted AS (
    SELECT COUNT(*) AS rows FROM shares
)
-- First a row saying how many CommuneTargetDay rows were computed, then the aggregates.
SELECT NULL::int, NULL::date, NULL::float8, NULL::bigint, NULL::float8, NULL::bigint,
       NULL::float8, (SELECT rows FROM counted)
UNION ALL
SELECT target_id, day, SUM(fvalue), COUNT(fvalue),
       SUM(fvalue * population::float8) FILTER (WHERE population > 0),
       SUM(population) FILTER (WHERE population > 0 AND fvalue IS NOT NULL),
       NULL::float8, NULL::bigint
  FROM unit_values
 GROUP BY 1, 2
HAVING COUNT(fvalue) > 0
{latest_rows}
"""


def _province_value(target: Target, aggregates: dict, day: dt.date) -> float | None:
    """The province value of one day, as rollups.target_values._province_value combines it."""
    if target.aggregation == Target.Aggregation.RATIO:
        numerator = aggregates.get((target.numerator_id, day))
        denominator = aggregates.get((target.denominator_id, day))
        num = numerator[0] if numerator else 0
        den = denominator[0] if denominator else 0
        return num / den * 100 if den else None
    found = aggregates.get((target.pk, day))
    if found is None:
        return None
    total, count, weighted, weight, latest = found
    rule = target.aggregation
    if rule == Target.Aggregation.SUM:
        return total
    if rule == Target.Aggregation.MEAN:
        return total / count
    if rule == Target.Aggregation.WEIGHTED_MEAN:
        return weighted / weight if weight else None
    if rule == Target.Aggregation.LATEST:
        return latest
    raise ValueError(f"Aggregation {rule} is computed elsewhere")


def _upsert_days(target_rows: list[tuple], plan_rows: list[tuple]) -> None:
    """TargetDay and PlanDay rows (`judge_days` tuples) written with one set-based upsert each.
    Every row is rewritten, unchanged or not: `updated_at` of TargetDay tells the nightly job
    (`first_stale_day`) that the day's inputs were rolled up."""
    now = timezone.now()
    target_day, plan_day = TargetDay._meta.db_table, PlanDay._meta.db_table
    # In the unique indexes' order (target, date) and (plan, date): neighbouring index pages.
    target_rows.sort(key=lambda row: (row[0], row[1]))
    statuses = PLAN_DAY_COLUMNS[2:]
    with connection.cursor() as cursor:
        # Both in one round trip (the parameters are bound on the client).
        cursor.execute(
            f"""
            INSERT INTO {target_day} ({", ".join(TARGET_DAY_COLUMNS)}, updated_at)
            SELECT *, %s FROM unnest(%s::int[], %s::date[], %s::numeric[], %s::float8[],
                                     %s::numeric[], %s::numeric[], %s::text[])
                ON CONFLICT (target_id, date) DO UPDATE
               SET value = EXCLUDED.value, exact_value = EXCLUDED.exact_value,
                   completion_percent = EXCLUDED.completion_percent,
                   projected_value = EXCLUDED.projected_value, status = EXCLUDED.status,
                   updated_at = EXCLUDED.updated_at;
            INSERT INTO {plan_day} ({", ".join(PLAN_DAY_COLUMNS)}, updated_at)
            SELECT *, %s FROM unnest(%s::int[], %s::date[], {", ".join(["%s::int[]"] * 7)})
                ON CONFLICT (plan_id, date) DO UPDATE
               SET {", ".join(f"{s} = EXCLUDED.{s}" for s in statuses)},
                   updated_at = EXCLUDED.updated_at
            """,
            [now, *_columns(target_rows, len(TARGET_DAY_COLUMNS)),
             now, *_columns(plan_rows, len(PLAN_DAY_COLUMNS))],
        )


def _columns(rows: list[tuple], width: int) -> list[str]:
    """Rows as one array literal per column ('{1,2,NULL}'), which `unnest` turns back into rows.
    psycopg2 would send a list as ARRAY['2026-01-01'::date, ...], one expression per element for
    the server to parse (11,000 rows a year of a province, a quarter of a second); a literal is
    parsed by the array type's input function. Every value is a number, a date, a float (its
    repr reads back exactly), a status code or None: nothing to quote."""
    if not rows:
        return ["{}"] * width
    return [
        "{" + ",".join("NULL" if value is None else str(value) for value in column) + "}"
        for column in zip(*rows, strict=True)
    ]


def _stored_history(
    cursor, target_ids: list[int], first: dt.date, start: dt.date
) -> dict[tuple[int, dt.date], float | None] | None:
    """The province values of first..start-1 as stored (unrounded, `TargetDay.exact_value`),
    or None when a day of a target has no row yet (its first roll-up is a full one)."""
    if start <= first or not target_ids:
        return None
    cursor.execute(
        f"SELECT target_id, date, exact_value FROM {TargetDay._meta.db_table} "
        "WHERE target_id = ANY(%s) AND date BETWEEN %s AND %s",
        [target_ids, first, start - dt.timedelta(days=1)],
    )
    stored = {(target_id, day): value for target_id, day, value in cursor.fetchall()}
    if len(stored) < len(target_ids) * (start - first).days:
        return None
    return stored


def _bulk_load_indexes(cursor, plan_ids: list[int]) -> list[str] | None:
    """When CommuneTargetDay holds no row at all (a first load, a restore, emptied tables): drop
    its indexes and return the statements that re-create them exactly; otherwise None (the
    ordinary path, indexes untouched). Call inside the roll-up's transaction, before it reads
    the table.

    Why: filling an empty table and then building each index once is the classic bulk load
    (pg_restore loads the data before its indexes; DHIS2 builds its analytics tables, then
    indexes them). Maintaining three B-trees row by row cost about 0.5 s each of a 3.9 s
    province year (36 million rows a year nationally, most of the seeding's time); one sorted
    build of each costs a fraction of that.

    The table is locked ACCESS EXCLUSIVE (as DROP INDEX would lock it) until the transaction
    ends, and the indexes come back in the same transaction: no one ever sees the table without
    its indexes, nor writes it meanwhile (readers of the empty table wait for the commit). The
    lock is only tried (NOWAIT): a transaction holding the table (a reader, another plan's
    roll-up that also found it empty) sends this one down the ordinary path, never into a
    deadlock of two lock upgrades. The plans' advisory locks are taken first (`plan_ids`, in the
    order `rollup_plan` takes them): once the table is locked, this transaction waits for no
    one. The definitions are read from the catalogue, not from the
    models, so the indexes come back as they were (names, columns, options, the constraints
    that own them), whatever the migrations made of them."""
    table = CommuneTargetDay._meta.db_table
    emptiness = f"SELECT NOT EXISTS (SELECT FROM {table})"
    cursor.execute(emptiness)
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT pg_advisory_xact_lock(%s, plan) FROM unnest(%s::int[]) AS plan",
                   [PLAN_LOCK, plan_ids])
    try:
        with transaction.atomic():  # a savepoint: a refused lock leaves the transaction usable
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE NOWAIT")
    except OperationalError:
        return None
    # Another transaction may have filled it between the first look and the lock.
    cursor.execute(emptiness)
    if not cursor.fetchone()[0]:
        return None
    # Every index with its definition, and the constraint (primary key, unique) it backs: a
    # constraint's index is re-created first, then attached to the constraint (USING INDEX,
    # which keeps the index's own definition).
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid), c.conname, c.contype,
               c.condeferrable, c.condeferred
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
         WHERE x.indrelid = %s::regclass
         ORDER BY i.relname
        """,
        [table],
    )
    found = cursor.fetchall()
    cursor.execute("SELECT EXISTS (SELECT FROM pg_constraint WHERE confrelid = %s::regclass)",
                   [table])
    if cursor.fetchone()[0] or any(kind not in (None, "p", "u") for *_, kind, _, _ in found):
        # A foreign key into the table, or an exclusion constraint: not ours to drop and
        # rebuild; the ordinary path (none exists today).
        return None
    drop, create = [], []
    for index, definition, constraint, kind, deferrable, deferred in found:
        create.append(definition)
        if constraint is None:
            drop.append(f'DROP INDEX "{index}"')
            continue
        drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        key = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        timing = (" DEFERRABLE INITIALLY DEFERRED" if deferred else " DEFERRABLE"
                  if deferrable else "")
        create.append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {key} '
                      f'USING INDEX "{index}"{timing}')
    if drop:
        cursor.execute("; ".join(drop))
    return create


def rollup_plans(
    windows: Iterable[tuple[Plan, dt.date, dt.date]], commune_ids: list[int] | None = None
) -> tuple[int, int, int]:
    """Roll up each plan of `windows` over its days (`rollup_plan`), in one transaction;
    returns the rows written of each table. A full roll-up into an empty CommuneTargetDay
    builds its indexes once after writing every plan's rows (`_bulk_load_indexes`)."""
    windows = list(windows)
    totals = [0, 0, 0]
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = (_bulk_load_indexes(cursor, [plan.pk for plan, *_ in windows])
                   if windows and commune_ids is None else None)
        for plan, start, end in windows:
            # Into the emptied table, every plan's rows are new (plans share no target): no
            # look for existing rows, which would scan the unindexed table once per plan.
            written = rollup_plan(plan, start, end, commune_ids,
                                  fresh=True if indexes is not None else None)
            totals = [a + b for a, b in zip(totals, written, strict=True)]
        if indexes:
            # Sorting a year of a country's rows in memory (36 million nationally): the default
            # 64 MB spills it to disk in many runs; for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("; ".join(indexes))
            # Statistics of the new rows now, as after any bulk load (pg_restore's advice): the
            # next rebuild's anti-join against these rows is planned from them, and without
            # them (autovacuum has not come by yet) it was planned as a nested loop of scans,
            # 0.5 s -> 33 s for six weeks of a province (tests/test_worker.py). The key columns
            # only: what plans join and filter on, half the time of every column's statistics
            # (autovacuum's next analyse adds the others).
            cursor.execute(
                f"ANALYZE {CommuneTargetDay._meta.db_table} (commune_id, target_id, date)"
            )
    return totals[0], totals[1], totals[2]


def rollup_plan(
    plan: Plan, start: dt.date, end: dt.date, commune_ids: list[int] | None = None,
    fresh: bool | None = None,
) -> tuple[int, int, int]:
    """Write the plan's CommuneTargetDay (all units, or `commune_ids`), TargetDay and PlanDay
    rows of start..end; returns how many of each. Call inside a transaction. `fresh`: whether
    the plan has no CommuneTargetDay row of those days yet (None: look)."""
    targets = list(plan.targets.select_related("plan"))
    first = first_series_day(start)
    count_ids = {t.pk for t in targets if t.source == Target.Source.COMMUNE_DAILY}
    count_ids |= {t.numerator_id for t in targets if t.numerator_id}
    count_ids |= {t.denominator_id for t in targets if t.denominator_id}
    plan_ids = {t.pk for t in targets}
    cumulative = {t.pk for t in targets if t.pk in count_ids and t.is_cumulative}
    if count_ids - plan_ids:
        cumulative |= set(Target.objects.filter(
            pk__in=count_ids - plan_ids, is_cumulative=True).values_list("pk", flat=True))
    # The stored rows of other units only hold the plan's own targets: a rate counting
    # another plan's counts (never imported that way) falls back to recomputing every unit.
    incremental = commune_ids is not None and count_ids <= plan_ids
    reported = [t.pk for t in targets if t.source != Target.Source.PROVINCE]
    params = {
        "reported": reported,
        "plan": plan.pk, "province": plan.province_id, "communes": list(commune_ids or []),
        "year_start": dt.date(plan.year, 1, 1), "first": first, "start": start, "last": end,
        "running": sorted(count_ids - cumulative), "cumulative": sorted(cumulative),
        "counts": sorted(count_ids), "now": timezone.now(),
        # Province-level targets combine measurements, not units: only counts ask.
        "latest": sorted(t.pk for t in targets
                         if t.aggregation == Target.Aggregation.LATEST and t.pk in count_ids),
    }
    with connection.cursor() as cursor:
        # One roll-up of a plan at a time: after one submission the province figure reads the
        # other units' stored rows, so a roll-up must see the rows another one is writing
        # (it waits for its commit; the next statement's snapshot then includes them).
        # Sorts of a year of unit-days fit in memory (the default 4 MB spills to disk); JIT
        # compilation costs seconds and never pays off here. A rate joins the materialised
        # `mine` with itself; with no statistics on a CTE the planner guesses few distinct keys,
        # prices a hash join high, and sorts both sides of a year for a merge join instead
        # (0.15 s of a province's 1 s statement; without merge joins the full-year roll-up's
        # ratios fell about 0.1x, README "Roll-ups"). All for this transaction only.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s), set_config('work_mem', '64MB', true), "
            "set_config('jit', 'off', true), set_config('enable_mergejoin', 'off', true)",
            [PLAN_LOCK, plan.pk],
        )
        # After one submission the province values before `start` did not change: the trend
        # reads them as the last roll-up stored them, and only start..end is recomputed from
        # the units (the province's other units' rows of two days, not of the whole window).
        history = _stored_history(cursor, reported, first, start) if incremental else None
        if history is not None:
            params["first"] = start
        if fresh is None:
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT FROM {CommuneTargetDay._meta.db_table} "
                "WHERE date BETWEEN %s AND %s AND target_id = ANY(%s))", [start, end, reported],
            )
            fresh = cursor.fetchone()[0]
        cursor.execute(
            _statement(incremental, latest=bool(params["latest"]), fresh=fresh), params
        )
        rows = cursor.fetchall()
    written = next(row[7] for row in rows if row[0] is None)
    aggregates = {
        (row[0], row[1]): list(row[2:7]) for row in rows
        if row[0] is not None and row[3] is not None
    }
    for target_id, day, *figures, _ in rows:
        if target_id is not None and figures[1] is None:
            # The "latest" mean of a count, beside its other aggregates.
            aggregates[(target_id, day)][4] = figures[4]
    measured = measurements(targets, first, end)
    province: dict[int, dict[dt.date, float | None]] = {}
    days = [first + dt.timedelta(days=n) for n in range((end - first).days + 1)]
    for target in targets:
        if target.source == Target.Source.PROVINCE:
            series = measured.get(target.pk, {})
            province[target.pk] = {day: series.get(day) for day in days}
        else:
            province[target.pk] = {
                day: history[(target.pk, day)] if history and day < start
                else _province_value(target, aggregates, day)
                for day in days
            }
    target_rows, plan_rows = judge_days(plan, targets, province, start, end)
    _upsert_days(target_rows, plan_rows)
    return written, len(target_rows), len(plan_rows)

