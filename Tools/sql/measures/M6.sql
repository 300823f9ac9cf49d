-- M6: long ledighedsydelse spells at D.
-- DOMAIN.md: "citizens on ledighedsydelse on D whose unbroken ledighedsydelse spell started before
-- D minus 18 calendar months"; "Calendar months back. 'D minus n months' is the same day of the
-- month n months earlier, or that month's last day when it has no such day".
-- FORMAT.md 10: the merged run containing D must start strictly before D minus 18 months.
-- (DuckDB's date - INTERVAL n MONTH, like Spark's add_months, clamps to the month's last day.)
WITH runs AS (
  SELECT pid FROM benefit_runs
  WHERE benefit = 'ledighedsydelse' AND st <= ${D} AND ${D} <= en
    AND st < CAST(${D} - INTERVAL 18 MONTH AS DATE)
), covering AS (
  SELECT lid, pid, arg_min(muni, seq) AS muni FROM benefit_spells
  WHERE benefit = 'ledighedsydelse' AND st <= ${D} AND ${D} <= en GROUP BY lid, pid
)
SELECT c.lid, '' AS grp, '' AS label, c.muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM covering c JOIN runs r ON r.pid = c.pid
GROUP BY c.lid, c.muni;
