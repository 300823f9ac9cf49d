-- M16: company visit coverage, year Y (the period P).
-- DOMAIN.md: "of companies with 5 or more employees, the share visited at least twice in Y".
-- FORMAT.md 10: a company's latest registration effective by the end of P; its municipality.
WITH reg AS (
  SELECT lid, facts ->> 'cvr' AS cvr, arg_max(muni, (effective, seq)) AS muni,
         arg_max(CAST(facts ->> 'employees' AS BIGINT), (effective, seq)) AS employees
  FROM ev WHERE type = 'company_registered' AND effective <= ${P1} GROUP BY lid, facts ->> 'cvr'
), visits AS (
  SELECT lid, facts ->> 'cvr' AS cvr, count(*) AS n FROM ev
  WHERE type = 'company_visited' AND effective BETWEEN ${P0} AND ${P1} GROUP BY lid, facts ->> 'cvr'
)
SELECT r.lid, '' AS grp, '' AS label, r.muni, count(*) FILTER (WHERE v.n >= 2) AS num, count(*) AS den
FROM reg r LEFT JOIN visits v ON v.lid = r.lid AND v.cvr = r.cvr
WHERE r.employees >= 5 GROUP BY r.lid, r.muni;
