-- M18: event participants.
-- DOMAIN.md: "participants of a named event". FORMAT.md 10: the sum of participants
-- (filter event=NAME), events held in P.
SELECT lid, '' AS grp, '' AS label, muni, sum(CAST(facts ->> 'participants' AS BIGINT)) AS num,
       CAST(NULL AS BIGINT) AS den
FROM ev
WHERE type = 'event_held' AND effective BETWEEN ${P0} AND ${P1}
  AND (${filter_event} IS NULL OR facts ->> 'name' = ${filter_event})
GROUP BY lid, muni;
