"""Target roll-ups on PostgreSQL, set-based: the same rows as rollups/target_values.py.

Per plan, one statement computes every unit's value in effect per day with window functions
(running totals of daily counts from 1 January of the plan's year, the latest value of
cumulative counts) and spreads each value over the days it holds with generate_series (a
lateral series per reported value, which plans better than joining a calendar), upserts
CommuneTargetDay with
`INSERT ... SELECT ... ON CONFLICT DO UPDATE`, and returns the province aggregates of every
count per day (sum, count, population-weighted sum, mean of the most recently reported units).
Python then turns those few rows (targets x days) into province values, and status and
projection (`judge_plan`, shared with the Python path), and writes TargetDay and PlanDay with one
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

from django.db import connection
from django.utils import timezone

from targets.models import Plan, Target

from .models import CommuneTargetDay, PlanDay, TargetDay
from .target_days import first_series_day, judge_plan, measurements

# Namespace of the advisory locks that serialise the roll-ups of one plan (issue 10).
PLAN_LOCK = 10

# A unit is in the province figure only on the days it is active (Commune.is_active_on).
_ACTIVE = "{u}.active_from <= {day} AND ({u}.active_until IS NULL OR {day} <= {u}.active_until)"


def _half_even(column: str, places: int) -> str:
    """SQL rounding a float8 column like `Decimal(repr(x)).quantize(...)` (half to even)."""
    scaled = f"({column}::numeric * 1e{places})"
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


def _statement(incremental: bool, latest: bool = True) -> str:
    ctd, report, value = (
        CommuneTargetDay._meta.db_table, "reports_dailyreport", "reports_reportvalue"
    )
    only_units = "AND id = ANY(%(communes)s)" if incremental else ""
    only_reports = "AND r.commune_id = ANY(%(communes)s)" if incremental else ""
    # Other units' counts as their last roll-up stored them (only after one submission).
    # When the last report was: only the "latest" aggregation asks (and it costs a lookup).
    as_of = f"""(SELECT MAX(r.date) FROM {report} r
              JOIN {value} v ON v.report_id = r.id AND v.target_id = k.target_id
             WHERE k.target_id = ANY(%(latest)s) AND r.commune_id = k.commune_id
               AND r.date <= k.date AND r.status <> 'returned')""" if latest else "NULL::date"
    # The mean of the most recently reported units' values ("latest" aggregation).
    latest_mean = (
        "SUM(p.fvalue) FILTER (WHERE p.as_of = p.newest)"
        " / COUNT(*) FILTER (WHERE p.as_of = p.newest)" if latest else "NULL::float8"
    )
    pool = (
        "(SELECT *, MAX(as_of) OVER (PARTITION BY target_id, day) AS newest FROM unit_values)"
        if latest else "unit_values"
    )
    kept = f"""
    UNION ALL
    SELECT k.commune_id, k.target_id, k.date, k.value, k.value::float8, {as_of},
           u.population
      FROM {ctd} k JOIN communes_commune u ON u.id = k.commune_id
     WHERE u.province_id = %(province)s AND NOT (k.commune_id = ANY(%(communes)s))
       AND k.target_id = ANY(%(counts)s) AND k.date BETWEEN %(first)s AND %(last)s
       AND k.value IS NOT NULL AND {_ACTIVE.format(u="u", day="k.date")}
    """ if incremental else ""
    # The comment leads so pg_stat_activity (1 kB of query text) shows what is running.
    return f"""
/* rollups: INSERT INTO {ctd} ... SELECT, set-based target roll-up */
WITH units AS (
    SELECT id, population, active_from, active_until FROM communes_commune
     WHERE province_id = %(province)s {only_units}
),
source AS (
    -- Daily counts: one row per unit, count and day; the days before the calendar are
    -- summed into its first day (their latest date kept as as_of).
    SELECT r.commune_id, v.target_id, GREATEST(r.date, %(first)s::date) AS day,
           false AS cumulative, SUM(v.value) AS amount, MAX(r.date) AS as_of
      FROM {value} v JOIN {report} r ON r.id = v.report_id
      JOIN communes_commune c ON c.id = r.commune_id
     WHERE c.province_id = %(province)s {only_reports}
       AND v.target_id = ANY(%(running)s) AND r.status <> 'returned'
       AND r.date BETWEEN %(year_start)s AND %(last)s
     GROUP BY 1, 2, 3
    UNION ALL
    -- Cumulative counts: the latest value per calendar day (before it: its first day).
    SELECT * FROM (
        SELECT DISTINCT ON (r.commune_id, v.target_id, GREATEST(r.date, %(first)s::date))
               r.commune_id, v.target_id, GREATEST(r.date, %(first)s::date), true, v.value,
               r.date
          FROM {value} v JOIN {report} r ON r.id = v.report_id
          JOIN communes_commune c ON c.id = r.commune_id
         WHERE c.province_id = %(province)s {only_reports}
           AND v.target_id = ANY(%(cumulative)s) AND r.status <> 'returned'
           AND r.date <= %(last)s
         ORDER BY r.commune_id, v.target_id, GREATEST(r.date, %(first)s::date), r.date DESC
    ) latest_values
),
steps AS (
    -- Per unit and count, the value from each reported day on: the running total of daily
    -- counts, the reported value of cumulative ones; it holds until the next reported day.
    SELECT commune_id, target_id, day, as_of,
           CASE WHEN cumulative THEN amount
                ELSE SUM(amount) OVER (PARTITION BY commune_id, target_id ORDER BY day) END
               AS value,
           LEAD(day) OVER (PARTITION BY commune_id, target_id ORDER BY day) AS next_day
      FROM source
),
fresh AS (
    -- Each step spread over its days: a lateral series per step, no join to plan.
    SELECT s.commune_id, s.target_id, d.day::date AS day, s.value, s.as_of
      FROM steps s
     CROSS JOIN LATERAL generate_series(
           s.day, COALESCE(s.next_day - 1, %(last)s::date), interval '1 day') AS d(day)
),
mine AS MATERIALIZED (
    -- The recomputed units' values on their active days.
    SELECT f.commune_id, f.target_id, f.day, f.value, f.value::float8 AS fvalue, f.as_of,
           u.population
      FROM fresh f JOIN units u ON u.id = f.commune_id
     WHERE {_ACTIVE.format(u="u", day="f.day")}
),
unit_values AS (
    -- Every active unit's values, for the province figure.
    SELECT * FROM mine
    {kept}
),
grid AS NOT MATERIALIZED (
    -- Every active unit, day and commune-reported target of the plan: one row each.
    SELECT t.id AS target_id, u.id AS commune_id, cal.day::date AS day, t.aggregation,
           t.direction, t.target_value, t.baseline, t.numerator_id, t.denominator_id
      FROM targets_target t
     CROSS JOIN units u
     CROSS JOIN generate_series(%(start)s::date, %(last)s::date, interval '1 day') cal(day)
     WHERE t.plan_id = %(plan)s AND t.source <> 'province'
       AND {_ACTIVE.format(u="u", day="cal.day::date")}
),
computed AS (
    SELECT g.*, own.value AS amount, own.fvalue
      FROM grid g
      LEFT JOIN mine own
        ON own.commune_id = g.commune_id AND own.target_id = g.target_id AND own.day = g.day
     WHERE g.aggregation <> 'ratio'
    UNION ALL
    SELECT g.*, NULL,
           CASE WHEN n.fvalue IS NULL OR d.fvalue IS NULL OR d.fvalue = 0 THEN NULL
                ELSE n.fvalue / d.fvalue * 100 END
      FROM grid g
      LEFT JOIN mine n
        ON n.commune_id = g.commune_id AND n.target_id = g.numerator_id AND n.day = g.day
      LEFT JOIN mine d
        ON d.commune_id = g.commune_id AND d.target_id = g.denominator_id AND d.day = g.day
     WHERE g.aggregation = 'ratio'
),
shares AS (
    SELECT t.*, {_completion("t.fvalue")} AS share FROM computed t
),
written AS (
    INSERT INTO {ctd} (target_id, commune_id, date, value, completion, updated_at)
    SELECT target_id, commune_id, day,
           CASE WHEN aggregation = 'ratio' THEN {_half_even("fvalue", 4)} ELSE amount END,
           {_half_even("share", 4)}, %(now)s
      FROM shares
     ORDER BY day, target_id, commune_id  -- one order for every writer: no deadlocks
        ON CONFLICT (target_id, commune_id, date) DO UPDATE
       SET value = EXCLUDED.value, completion = EXCLUDED.completion,
           updated_at = EXCLUDED.updated_at
     -- A rebuild mostly meets unchanged rows: leave them be (no dead tuples, no WAL).
     WHERE ({ctd}.value, {ctd}.completion)
           IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.completion)
),
counted AS (
    SELECT COUNT(*) AS rows FROM shares
)
-- First a row saying how many CommuneTargetDay rows were computed, then the aggregates.
SELECT NULL::int, NULL::date, NULL::float8, NULL::bigint, NULL::float8, NULL::bigint,
       NULL::float8, (SELECT rows FROM counted)
UNION ALL
SELECT p.target_id, p.day, SUM(p.fvalue), COUNT(*),
       SUM(p.fvalue * p.population::float8) FILTER (WHERE p.population > 0),
       SUM(p.population) FILTER (WHERE p.population > 0),
       {latest_mean}, NULL
  FROM {pool} p
 GROUP BY 1, 2
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


def _columns(rows: list, names: tuple[str, ...]) -> list[list]:
    """Rows as one list per column (the arrays `unnest` turns back into rows)."""
    return [[getattr(row, name) for row in rows] for name in names]


def _upsert_days(target_rows: list[TargetDay], plan_rows: list[PlanDay]) -> None:
    """TargetDay and PlanDay rows written with one set-based upsert each."""
    now = timezone.now()
    target_rows.sort(key=lambda r: (r.date, r.target_id))
    plan_rows.sort(key=lambda r: (r.date, r.plan_id))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TargetDay._meta.db_table}
                   (target_id, date, value, completion_percent, projected_value, status,
                    updated_at)
            SELECT *, %s FROM unnest(%s::int[], %s::date[], %s::numeric[], %s::numeric[],
                                     %s::numeric[], %s::text[])
                ON CONFLICT (target_id, date) DO UPDATE
               SET value = EXCLUDED.value, completion_percent = EXCLUDED.completion_percent,
                   projected_value = EXCLUDED.projected_value, status = EXCLUDED.status,
                   updated_at = EXCLUDED.updated_at
            """,
            [now, *_columns(target_rows, ("target_id", "date", "value",
                                          "completion_percent", "projected_value", "status"))],
        )
        statuses = ["total", "completed", "on_track", "at_risk", "behind", "overdue", "no_data"]
        cursor.execute(
            f"""
            INSERT INTO {PlanDay._meta.db_table} (plan_id, date, {", ".join(statuses)},
                                                  updated_at)
            SELECT *, %s FROM unnest(%s::int[], %s::date[], {", ".join(["%s::int[]"] * 7)})
                ON CONFLICT (plan_id, date) DO UPDATE
               SET {", ".join(f"{s} = EXCLUDED.{s}" for s in statuses)},
                   updated_at = EXCLUDED.updated_at
            """,
            [now, *_columns(plan_rows, ("plan_id", "date", *statuses))],
        )


def rollup_plan(
    plan: Plan, start: dt.date, end: dt.date, commune_ids: list[int] | None = None
) -> tuple[int, int, int]:
    """Write the plan's CommuneTargetDay (all units, or `commune_ids`), TargetDay and PlanDay
    rows of start..end; returns how many of each. Call inside a transaction."""
    targets = list(plan.targets.select_related("plan"))
    first = first_series_day(start)
    count_ids = {t.pk for t in targets if t.source == Target.Source.COMMUNE_DAILY}
    count_ids |= {t.numerator_id for t in targets if t.numerator_id}
    count_ids |= {t.denominator_id for t in targets if t.denominator_id}
    cumulative = set(
        Target.objects.filter(pk__in=count_ids, is_cumulative=True).values_list("pk", flat=True)
    )
    plan_ids = {t.pk for t in targets}
    # The stored rows of other units only hold the plan's own targets: a rate counting
    # another plan's counts (never imported that way) falls back to recomputing every unit.
    incremental = commune_ids is not None and count_ids <= plan_ids
    params = {
        "plan": plan.pk, "province": plan.province_id, "communes": list(commune_ids or []),
        "year_start": dt.date(plan.year, 1, 1), "first": first, "start": start, "last": end,
        "running": sorted(count_ids - cumulative), "cumulative": sorted(cumulative),
        "counts": sorted(count_ids), "now": timezone.now(),
        "latest": sorted(t.pk for t in targets if t.aggregation == Target.Aggregation.LATEST),
    }
    with connection.cursor() as cursor:
        # One roll-up of a plan at a time: after one submission the province figure reads the
        # other units' stored rows, so a roll-up must see the rows another one is writing
        # (it waits for its commit; the next statement's snapshot then includes them).
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PLAN_LOCK, plan.pk])
        # Sorts of a year of unit-days fit in memory (the default 4 MB spills to disk);
        # LOCAL: for this transaction only.
        # JIT compilation costs seconds and never pays off on these statements.
        cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        cursor.execute(_statement(incremental, latest=bool(params["latest"])), params)
        rows = cursor.fetchall()
    written = next(row[7] for row in rows if row[0] is None)
    aggregates = {(row[0], row[1]): row[2:7] for row in rows if row[0] is not None}
    measured = measurements(targets, first, end)
    province: dict[int, dict[dt.date, float | None]] = {}
    days = [first + dt.timedelta(days=n) for n in range((end - first).days + 1)]
    for target in targets:
        if target.source == Target.Source.PROVINCE:
            series = measured.get(target.pk, {})
            province[target.pk] = {day: series.get(day) for day in days}
        else:
            province[target.pk] = {day: _province_value(target, aggregates, day) for day in days}
    target_rows, plan_rows = judge_plan(plan, targets, province, start, end)
    _upsert_days(target_rows, plan_rows)
    return written, len(target_rows), len(plan_rows)

