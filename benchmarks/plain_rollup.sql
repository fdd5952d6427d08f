-- The floor the roll-up is measured against (benchmarks/rollups.py, scenario rollup_full_year):
-- the same aggregation written as one plain SQL script, without the application around it.
--
-- For one province and a range of days: every unit's running total of each daily count from
-- 1 January of the plan's year (window functions over a generated calendar), on every day of
-- the range, and the province sum per count and day; both written to tables.
-- Parameters (psycopg): %(province)s, %(year_start)s, %(first)s, %(last)s, %(counts)s.

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
WITH daily AS (
    SELECT r.commune_id, v.target_id, GREATEST(r.date, %(first)s::date) AS day,
           SUM(v.value) AS amount
      FROM reports_reportvalue v
      JOIN reports_dailyreport r ON r.id = v.report_id
      JOIN communes_commune c ON c.id = r.commune_id
     WHERE c.province_id = %(province)s AND r.status <> 'returned'
       AND v.target_id = ANY(%(counts)s)
       AND r.date BETWEEN %(year_start)s AND %(last)s
     GROUP BY 1, 2, 3
)
SELECT t.id, c.id, cal.day::date,
       SUM(d.amount) OVER (PARTITION BY c.id, t.id ORDER BY cal.day)
  FROM communes_commune c
 CROSS JOIN targets_target t
 CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS cal(day)
  LEFT JOIN daily d ON d.commune_id = c.id AND d.target_id = t.id AND d.day = cal.day
 WHERE c.province_id = %(province)s AND t.id = ANY(%(counts)s);

INSERT INTO bench_province_day (target_id, date, value)
SELECT target_id, date, SUM(value) FROM bench_unit_day GROUP BY 1, 2;
