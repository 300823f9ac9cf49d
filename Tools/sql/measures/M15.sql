-- M15: refugees in employment at D.
-- DOMAIN.md: "of refugees / family-reunified with arrival in a given year range, the share in a
-- job (placement not ended, or flex job) on D". FORMAT.md 10: who had arrived by D (optionally
-- arrival=YYYY-YYYY by arrival year); in a job = a placement's employment or a flex job covers D;
-- municipality of registration.
WITH pop AS (
  SELECT c.pid, c.muni, e.lid FROM citizens c JOIN (SELECT DISTINCT lid, pid FROM ev WHERE type = 'citizen_registered') e
    ON e.pid = c.pid
  WHERE c.refugee AND c.arrival IS NOT NULL AND c.arrival <= ${D}
    AND (${filter_arrival} IS NULL
         OR year(c.arrival) BETWEEN CAST(split_part(${filter_arrival}, '-', 1) AS INTEGER)
                                AND CAST(split_part(${filter_arrival}, '-', 2) AS INTEGER))
), job AS (
  SELECT pid FROM employments WHERE st <= ${D} AND ${D} <= en
  UNION
  SELECT pid FROM flexjobs WHERE st <= ${D} AND ${D} <= en
)
SELECT p.lid, '' AS grp, '' AS label, p.muni, count(j.pid) AS num, count(*) AS den
FROM pop p LEFT JOIN job j ON j.pid = p.pid GROUP BY p.lid, p.muni;
