-- The floor the roll-up is measured against (benchmarks/rollups.py, scenario "roll-up: full
-- year"): the same aggregation written as one plain SQL script, without the application around it.
--
-- For every plan of every province whose year overlaps first..last, within that year: every unit
-- of the plan's province, its running total of each daily count of the plan from 1 January
-- (window functions over a generated calendar) on every day, and the province sum per count and
-- day; both written to tables. Parameters (psycopg): %(first)s, %(last)s.

-- The session settings the roll-up gives itself (rollups/target_values_pg.py), so that neither
-- side wins by its configuration: sorts in memory, no JIT compilation, no merge joins (this
-- script's plan has none either way).
SET work_mem = '64MB';
SET jit = off;
SET enable_mergejoin = off;

DROP TABLE IF EXISTS bench_unit_day;
DROP TABLE IF EXISTS bench_province_day;
CREATE TABLE bench_unit_day (
    target_id integer, commune_id integer, date date, value numeric(24, 4),
    PRIMARY KEY (target_id, commune_id, date)
);
CREATE TABLE bench_province_day (
    target_id integer, date date, value numeric(24, 4), PRIMARY KEY (target_id, date)
);

INSERT INTO bench_unit_day (target_id, commune_id, date, value)
WITH counts AS (
    SELECT t.id AS target_id, p.province_id, make_date(p.year, 1, 1) AS year_start,
           GREATEST(make_date(p.year, 1, 1), %(first)s::date) AS first,
           LEAST(make_date(p.year, 12, 31), %(last)s::date) AS last
      FROM targets_target t JOIN targets_plan p ON p.id = t.plan_id
     WHERE t.source = 'commune_daily'
       AND p.year BETWEEN extract(year FROM %(first)s::date) AND extract(year FROM %(last)s::date)
),
daily AS (
    SELECT r.commune_id, v.target_id, GREATEST(r.date, k.first) AS day, SUM(v.value) AS amount
      FROM reports_reportvalue v
      JOIN reports_dailyreport r ON r.id = v.report_id
      JOIN counts k ON k.target_id = v.target_id
     WHERE r.status <> 'returned' AND r.date BETWEEN k.year_start AND k.last
     GROUP BY 1, 2, 3
)
SELECT k.target_id, c.id, cal.day::date,
       SUM(d.amount) OVER (PARTITION BY c.id, k.target_id ORDER BY cal.day)
  FROM counts k
  JOIN communes_commune c ON c.province_id = k.province_id
 CROSS JOIN LATERAL generate_series(k.first, k.last, interval '1 day') AS cal(day)
  -- Compared as dates: date = timestamp cannot be hashed, and joining on the unit and count
  -- alone compares each day with every reported day of the range.
  LEFT JOIN daily d
    ON d.commune_id = c.id AND d.target_id = k.target_id AND d.day = cal.day::date;

INSERT INTO bench_province_day (target_id, date, value)
SELECT target_id, date, SUM(value) FROM bench_unit_day GROUP BY 1, 2;

RESET work_mem;
RESET jit;
RESET enable_mergejoin;
