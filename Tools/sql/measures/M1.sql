-- M1: long-term unemployed at D (langtidsledige), Jobindsats rule.
-- DOMAIN.md: "citizens gross unemployed on D and on at least 292 of the 364 days D-363 ... D
-- (80 % of 52 weeks)". Municipality: "for a window measure such as M1, the spell covering D".
-- Gross unemployment: base.sql gross_pieces / gross_runs (DOMAIN.md "Derived states").
WITH covering AS (
  SELECT lid, pid, arg_min(muni, seq) AS muni
  FROM gross_pieces WHERE st <= ${D} AND ${D} <= en GROUP BY lid, pid
), days AS (
  SELECT pid, sum(least(en, ${D}) - greatest(st, ${D} - 363) + 1) AS n
  FROM gross_runs WHERE st <= ${D} AND en >= ${D} - 363 GROUP BY pid
)
SELECT c.lid, '' AS grp, '' AS label, c.muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM covering c JOIN days d ON d.pid = c.pid
WHERE d.n >= 292
GROUP BY c.lid, c.muni;
