-- M3: ordinary jobs filled with the jobcenter, period P.
-- DOMAIN.md: "job placements with channel employer request, effective in P".
-- FORMAT.md 10: events (placements), not citizens.
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM ev
WHERE type = 'job_placement' AND facts ->> 'channel' = 'employer-request'
  AND effective BETWEEN ${P0} AND ${P1}
GROUP BY lid, muni;
