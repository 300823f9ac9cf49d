-- M22: education dropout, period P.
-- DOMAIN.md: "of educations started in P by citizens under 30 who were on a benefit within the 30
-- days before the start, the share that ended with reason dropped out within 365 days of the start".
-- FORMAT.md 10: under 30 at the start; on any benefit on a day of start - 30 ... start - 1; dropped
-- out when ended with reason dropped-out at most 365 days after start. Municipality of the education.
SELECT e.lid, '' AS grp, '' AS label, e.muni,
       count(*) FILTER (WHERE e.reason = 'dropped-out' AND e.en - e.st <= 365) AS num, count(*) AS den
FROM educations e JOIN citizens c ON c.pid = e.pid
WHERE e.st BETWEEN ${P0} AND ${P1}
  AND age_on(c.birth, e.st) < 30
  AND EXISTS (SELECT 1 FROM benefit_spells b WHERE b.pid = e.pid AND b.st <= e.st - 1 AND b.en >= e.st - 30)
GROUP BY e.lid, e.muni;
