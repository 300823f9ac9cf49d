-- M10: self-support after activation start, 4 / 13 / 26 weeks.
-- DOMAIN.md: "of activations started in P, the share whose citizen is self-supporting on
-- start + 28 / 91 / 182 days; per activation kind and per provider". "self-supporting: on no
-- benefit of the list in fact 2 and not in a flex job". FORMAT.md 10: variants 13w (default),
-- 4w, 26w; provider = the jobcenter or the named other actor. Municipality of the activation.
WITH a AS (
  SELECT lid, pid, muni, kind,
         CASE WHEN provider = 'jobcenter' THEN 'jobcenter' ELSE coalesce(provider_name, provider) END AS prov,
         st + CASE ${variant} WHEN '4w' THEN 28 WHEN '26w' THEN 182 ELSE 91 END AS d
  FROM activations WHERE st BETWEEN ${P0} AND ${P1}
), s AS (
  SELECT a.*,
         NOT EXISTS (SELECT 1 FROM benefit_spells b WHERE b.pid = a.pid AND b.st <= a.d AND a.d <= b.en)
         AND NOT EXISTS (SELECT 1 FROM flexjobs f WHERE f.pid = a.pid AND f.st <= a.d AND a.d <= f.en) AS good
  FROM a
)
SELECT lid, '' AS grp, '' AS label, muni, count(*) FILTER (WHERE good) AS num, count(*) AS den FROM s GROUP BY ALL
UNION ALL
SELECT lid, 'kind', kind, muni, count(*) FILTER (WHERE good), count(*) FROM s GROUP BY ALL
UNION ALL
SELECT lid, 'provider', prov, muni, count(*) FILTER (WHERE good), count(*) FROM s GROUP BY ALL;
