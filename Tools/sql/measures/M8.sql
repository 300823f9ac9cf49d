-- M8: youth exits to education, period P.
-- DOMAIN.md: "spells of under-30s on uddannelseshjælp or kontanthjælp ending in P with reason
-- education: count, and share of all such spells ending in P".
-- FORMAT.md 10: touching spells of one benefit are one (base.sql benefit_runs); the citizen is
-- under 30 on the end date; variant share (default) or count (the numerator).
-- Municipality: the spell's (the last spell of the run).
SELECT r.lid, '' AS grp, '' AS label, r.last_muni AS muni,
       count(*) FILTER (WHERE r.reason = 'education') AS num,
       CASE WHEN ${variant} = 'count' THEN NULL ELSE count(*) END AS den
FROM benefit_runs r JOIN citizens c ON c.pid = r.pid
WHERE r.benefit IN ('uddannelseshjaelp', 'kontanthjaelp')
  AND r.en BETWEEN ${P0} AND ${P1}
  AND age_on(c.birth, r.en) < 30
GROUP BY r.lid, r.last_muni;
