-- M7: long sick-leave cases at D, over 26 / over 52 weeks.
-- DOMAIN.md: "open sick-leave cases on D with D - first day + 1 > 182 / > 364 days".
-- FORMAT.md 10: cases, not citizens; a period closed on D still covers D.
SELECT lid, '' AS grp, '' AS label, muni, count(*) AS num, CAST(NULL AS BIGINT) AS den
FROM sickleaves
WHERE st <= ${D} AND ${D} <= en
  AND ${D} - st + 1 > CASE ${variant} WHEN '52w' THEN 364 ELSE 182 END
GROUP BY lid, muni;
