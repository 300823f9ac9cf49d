-- M4: new flex jobs, period P.
-- DOMAIN.md: "flex job starts effective in P".
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM ev
WHERE type = 'flexjob_started' AND effective BETWEEN ${P0} AND ${P1}
GROUP BY lid, muni;
