-- M17: satisfaction, period P.
-- DOMAIN.md: "share of satisfied survey responses, citizens and companies separately".
-- FORMAT.md 10: variants citizens (default) and companies. Municipality of the response.
SELECT lid, '' AS grp, '' AS label, muni,
       count(*) FILTER (WHERE CAST(facts ->> 'satisfied' AS BOOLEAN)) AS num, count(*) AS den
FROM ev
WHERE type = 'survey_response' AND effective BETWEEN ${P0} AND ${P1}
  AND facts ->> 'respondent' = CASE ${variant} WHEN 'companies' THEN 'company' ELSE 'citizen' END
GROUP BY lid, muni;
