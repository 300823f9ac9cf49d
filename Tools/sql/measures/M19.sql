-- M19: uddannelsesgrad (youth education rate), 12 months ending D.
-- DOMAIN.md: "citizens under 30 without a vocational or higher education who started ordinary
-- education in the 12 months ending D while on a-dagpenge, kontanthjælp or uddannelseshjælp (or
-- within 30 days of leaving one), divided by the average daily number of such citizens on those
-- benefits over the same 12 months."
-- FORMAT.md 10: citizens with education level none at registration; the window is D minus 12
-- months + 1 day ... D; the denominator is the average daily number of them on one of the three
-- benefits while under 30; the numerator counts those who started an education in the window while
-- under 30, on one of the benefits or within 30 days after one ended.
-- Denominator days: each citizen's days cut into segments (a day counts once), in the municipality
-- of the earliest-recorded spell covering it. Numerator: the municipality of the education start.
WITH w AS (
  SELECT CAST(${D} - INTERVAL 12 MONTH AS DATE) + 1 AS w0, ${D} AS w1
), young AS (
  SELECT pid, birth, turns(birth, 30) - 1 AS last_young FROM citizens WHERE education = 'none'
), spells AS (
  SELECT b.lid, b.pid, b.muni, b.seq, b.st, b.en FROM benefit_spells b JOIN young y ON y.pid = b.pid
  WHERE b.benefit IN ('a-dagpenge', 'kontanthjaelp', 'uddannelseshjaelp')
), pieces AS (
  SELECT s.lid, s.pid, s.muni, s.seq, greatest(s.st, w.w0) AS st, least(s.en, w.w1, y.last_young) AS en
  FROM spells s JOIN young y ON y.pid = s.pid, w
  WHERE greatest(s.st, w.w0) <= least(s.en, w.w1, y.last_young)
), bounds AS (
  SELECT pid, st AS x FROM pieces UNION SELECT pid, en + 1 FROM pieces
), segs AS (
  SELECT pid, x AS st, lead(x) OVER (PARTITION BY pid ORDER BY x) - 1 AS en FROM bounds
), den AS (
  SELECT any_value(p.lid) AS lid, arg_min(p.muni, p.seq) AS muni, s.en - s.st + 1 AS days
  FROM segs s JOIN pieces p ON p.pid = s.pid AND p.st <= s.st AND s.en <= p.en
  WHERE s.en IS NOT NULL
  GROUP BY s.pid, s.st, s.en
), starts AS (
  SELECT e.lid, e.pid, arg_min(e.muni, e.seq) AS muni
  FROM educations e JOIN young y ON y.pid = e.pid, w
  WHERE e.st BETWEEN w.w0 AND w.w1 AND e.st <= y.last_young
    AND EXISTS (SELECT 1 FROM spells s WHERE s.pid = e.pid AND s.st <= e.st AND e.st - 30 <= s.en)
  GROUP BY e.lid, e.pid
)
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, 0.0 AS den FROM starts GROUP BY lid, muni
UNION ALL
SELECT lid, '', '', muni, 0, sum(days) / (SELECT w1 - w0 + 1 FROM w) FROM den GROUP BY lid, muni;
