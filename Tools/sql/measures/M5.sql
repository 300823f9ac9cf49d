-- M5: flex-job-approved in flex job at D (andel fleksjobvisiterede i beskæftigelse).
-- DOMAIN.md: "in a flex job on D / (in a flex job or on ledighedsydelse on D)".
-- FORMAT.md 10: the municipality of the flex job, else of the ledighedsydelse spell.
WITH f AS (
  SELECT lid, pid, arg_min(muni, seq) AS muni FROM flexjobs
  WHERE st <= ${D} AND ${D} <= en GROUP BY lid, pid
), l AS (
  SELECT lid, pid, arg_min(muni, seq) AS muni FROM benefit_spells
  WHERE benefit = 'ledighedsydelse' AND st <= ${D} AND ${D} <= en GROUP BY lid, pid
)
SELECT coalesce(f.lid, l.lid) AS lid, '' AS grp, '' AS label, coalesce(f.muni, l.muni) AS muni,
       count(f.pid) AS num, count(*) AS den
FROM f FULL JOIN l ON l.pid = f.pid
GROUP BY 1, 4;
