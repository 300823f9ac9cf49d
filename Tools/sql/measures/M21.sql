-- M21: cooperation rate (samarbejdsgrad), period P.
-- DOMAIN.md: "of registered companies with 2 or more employees, the share that had at least one
-- citizen in virksomhedspraktik or løntilskud during P". FORMAT.md 10: a company's latest
-- registration effective by the end of P; its municipality. The activation's employer_cvr names
-- the company; "during P" = the activation period overlaps P.
WITH reg AS (
  SELECT lid, facts ->> 'cvr' AS cvr, arg_max(muni, (effective, seq)) AS muni,
         arg_max(CAST(facts ->> 'employees' AS BIGINT), (effective, seq)) AS employees
  FROM ev WHERE type = 'company_registered' AND effective <= ${P1} GROUP BY lid, facts ->> 'cvr'
), coop AS (
  SELECT DISTINCT lid, employer_cvr AS cvr FROM activations
  WHERE kind IN ('virksomhedspraktik', 'loentilskud-privat', 'loentilskud-offentlig')
    AND employer_cvr IS NOT NULL AND st <= ${P1} AND en >= ${P0}
)
SELECT r.lid, '' AS grp, '' AS label, r.muni, count(c.cvr) AS num, count(*) AS den
FROM reg r LEFT JOIN coop c ON c.lid = r.lid AND c.cvr = r.cvr
WHERE r.employees >= 2 GROUP BY r.lid, r.muni;
