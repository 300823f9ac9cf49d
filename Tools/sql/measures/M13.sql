-- M13: job orders: formidlingsgrad and besættelsesgrad, period P.
-- DOMAIN.md: "of job orders created in P, the share with at least one referral (formidlingsgrad);
-- of those with a referral, the share filled by a referred citizen (besættelsesgrad)".
-- FORMAT.md 10: orders by their receiving date; a fill without a named citizen is not a fill by a
-- referred citizen. Municipality of the order.
WITH o AS (
  SELECT lid, muni, facts ->> 'order_id' AS order_id FROM ev
  WHERE type = 'job_order_received' AND effective BETWEEN ${P0} AND ${P1}
), ref AS (
  SELECT DISTINCT lid, facts ->> 'order_id' AS order_id, pid FROM ev WHERE type = 'job_order_referral'
), fill AS (
  SELECT DISTINCT lid, facts ->> 'order_id' AS order_id, pid FROM ev WHERE type = 'job_order_filled' AND pid IS NOT NULL
), x AS (
  SELECT o.*,
         EXISTS (SELECT 1 FROM ref r WHERE r.lid = o.lid AND r.order_id = o.order_id) AS referred,
         EXISTS (SELECT 1 FROM fill f JOIN ref r ON r.lid = f.lid AND r.order_id = f.order_id AND r.pid = f.pid
                 WHERE f.lid = o.lid AND f.order_id = o.order_id) AS filled
  FROM o
)
SELECT lid, '' AS grp, '' AS label, muni,
       CASE ${variant} WHEN 'besaettelsesgrad' THEN count(*) FILTER (WHERE referred AND filled)
                       ELSE count(*) FILTER (WHERE referred) END AS num,
       CASE ${variant} WHEN 'besaettelsesgrad' THEN count(*) FILTER (WHERE referred) ELSE count(*) END AS den
FROM x GROUP BY lid, muni;
