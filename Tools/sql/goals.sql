-- Goals in force (FORMAT.md 11; DOMAIN.md "Result goals"): a goal_adopted line and the
-- goal_amended lines after it, each amendment's fields replacing the earlier ones; corrections
-- (base.sql ev) already applied. Scope: the goal's municipality, null for the jobcenter.
-- Adoption order = the adopting line's sequence number.
WITH g AS (
  SELECT lid, seq, type, muni, facts, facts ->> 'goal_id' AS goal_id FROM ev
  WHERE type IN ('goal_adopted', 'goal_amended')
), f AS (
  SELECT g.lid, g.goal_id, g.seq, k.key, json_extract(g.facts, '$."' || k.key || '"') AS val
  FROM g, (SELECT unnest(['plan', 'title', 'measure', 'variant', 'benefits', 'filter', 'evaluation', 'comparison',
                          'target', 'unit', 'reference', 'offset_pp', 'deadline', 'baseline_at', 'baseline_value',
                          'adopted_by', 'adopted_on', 'source']) AS key) k
  WHERE json_extract(g.facts, '$."' || k.key || '"') IS NOT NULL
)
SELECT a.lid, a.goal_id, a.seq AS adopted_seq, a.muni AS scope,
       (SELECT count(*) FROM g x WHERE x.lid = a.lid AND x.goal_id = a.goal_id AND x.type = 'goal_amended') AS amendments,
       (SELECT json_group_object(key, v) FROM (SELECT key, arg_max(val, seq) AS v FROM f
                                               WHERE f.lid = a.lid AND f.goal_id = a.goal_id GROUP BY key)) AS fields
FROM g a WHERE a.type = 'goal_adopted'
ORDER BY a.lid, a.seq;
