-- M1b: long-term unemployed at D, Danmarks Statistik rule.
-- DOMAIN.md: "citizens gross unemployed on D whose gross-unemployment run ending on D is at least
-- 364 days long, where gaps of at most 28 days do not break the run (gap days are not counted)".
-- Runs of gross unemployment (base.sql gross_runs) are chained while the gap between two runs is
-- at most 28 days; the chain holding D counts its unemployed days up to D.
WITH r AS (
  SELECT pid, st, en, sum(brk) OVER (PARTITION BY pid ORDER BY st ROWS UNBOUNDED PRECEDING) AS chain
  FROM (SELECT pid, st, en,
               CASE WHEN st - lag(en) OVER (PARTITION BY pid ORDER BY st) - 1 <= 28 THEN 0 ELSE 1 END AS brk
        FROM gross_runs WHERE st <= ${D})
), cur AS (
  SELECT pid, chain FROM r WHERE st <= ${D} AND ${D} <= en
), n AS (
  SELECT r.pid, sum(least(r.en, ${D}) - r.st + 1) AS days
  FROM r JOIN cur ON cur.pid = r.pid AND cur.chain = r.chain GROUP BY r.pid
), covering AS (
  SELECT lid, pid, arg_min(muni, seq) AS muni
  FROM gross_pieces WHERE st <= ${D} AND ${D} <= en GROUP BY lid, pid
)
SELECT c.lid, '' AS grp, '' AS label, c.muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM covering c JOIN n ON n.pid = c.pid
WHERE n.days >= 364
GROUP BY c.lid, c.muni;
