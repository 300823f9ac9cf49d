-- M2: disability pension inflow, rolling year to month M.
-- DOMAIN.md: "first-time disability pension awards with effective date in the 12 calendar months
-- ending with M; a citizen counts once, in the municipality of residence on that date".
-- "First time only. M2 counts a citizen's first disability pension award ever recorded; a later
-- award for the same citizen is not inflow." FORMAT.md 10: the earliest non-retracted award by
-- effective date; municipality of the award event. ${P0}..${P1} is the month M.
WITH firsts AS (
  SELECT lid, pid, arg_min(muni, (effective, seq)) AS muni, min(effective) AS effective
  FROM ev WHERE type = 'disability_pension_awarded' GROUP BY lid, pid
)
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM firsts
WHERE effective BETWEEN CAST(${P0} - INTERVAL 11 MONTH AS DATE) AND ${P1}
GROUP BY lid, muni;
