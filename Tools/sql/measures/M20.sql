-- M20: activation rate and referrals, period P.
-- DOMAIN.md: "activations started per kind, per provider and per match category (e.g.
-- nytteindsats referrals by target group)". FORMAT.md 10: activations started in P, with
-- breakdowns per kind, per provider and per match category on the start day (none before any
-- assessment); kind=NAME restricts to one kind. Municipality of the activation.
WITH a AS (
  SELECT a.lid, a.pid, a.muni, a.kind,
         CASE WHEN a.provider = 'jobcenter' THEN 'jobcenter' ELSE coalesce(a.provider_name, a.provider) END AS prov,
         coalesce((SELECT c.category FROM categories c WHERE c.pid = a.pid AND c.st <= a.st AND a.st <= c.en), 'none')
           AS category
  FROM activations a
  WHERE a.st BETWEEN ${P0} AND ${P1} AND (${filter_kind} IS NULL OR a.kind = ${filter_kind})
)
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, CAST(NULL AS BIGINT) AS den FROM a GROUP BY ALL
UNION ALL SELECT lid, 'kind', kind, muni, count(*), NULL FROM a GROUP BY ALL
UNION ALL SELECT lid, 'provider', prov, muni, count(*), NULL FROM a GROUP BY ALL
UNION ALL SELECT lid, 'category', category, muni, count(*), NULL FROM a GROUP BY ALL;
