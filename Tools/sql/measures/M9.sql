-- M9: youth in education or self-supporting 3 months after uddannelseshjælp, period P.
-- DOMAIN.md: "of uddannelseshjælp spells ending in P, the share whose citizen is self-supporting
-- or in education on end + 92 days". "self-supporting: on no benefit of the list in fact 2 and not
-- in a flex job". FORMAT.md 10: every uddannelseshjælp spell ending in P (touching spells are one).
WITH ends AS (
  SELECT lid, pid, last_muni AS muni, en + 92 AS d FROM benefit_runs
  WHERE benefit = 'uddannelseshjaelp' AND en BETWEEN ${P0} AND ${P1}
), ok AS (
  SELECT e.*,
         (NOT EXISTS (SELECT 1 FROM benefit_spells b WHERE b.pid = e.pid AND b.st <= e.d AND e.d <= b.en)
          AND NOT EXISTS (SELECT 1 FROM flexjobs f WHERE f.pid = e.pid AND f.st <= e.d AND e.d <= f.en))
         OR EXISTS (SELECT 1 FROM educations u WHERE u.pid = e.pid AND u.st <= e.d AND e.d <= u.en) AS good
  FROM ends e
)
SELECT lid, '' AS grp, '' AS label, muni, count(*) FILTER (WHERE good) AS num, count(*) AS den
FROM ok GROUP BY lid, muni;
