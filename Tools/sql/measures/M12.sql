-- M12: full-time persons per benefit, period P (fuldtidspersoner).
-- DOMAIN.md: "sum over citizens of weekdays (Monday to Friday) on benefit b (each benefit of
-- fact 2, and flex job) within P, weighted by hours/37 where a spell has part-time hours (flex jobs
-- always count as 37), divided by the number of weekdays in P; per benefit (optionally restricted
-- to a match category, e.g. jobparate on kontanthjælp) and in total, where a citizen never counts
-- more than 1 per day in the total."
-- FORMAT.md 10: public holidays are not removed; a spell weighs weekly_hours/37 (37 when not
-- given), a flex job 1; per citizen and day the selected weights are added and capped at 1;
-- `benefits` selects benefit[:category]+... (and flexjob). The driver passes every benefit and
-- flexjob when none is given. This query gives the numerator (weighted weekdays); the driver
-- divides by weekdays(P0, P1), computed by the same macro.
-- Each citizen's days in P are cut into segments at every piece boundary; a segment's weight is
-- the capped sum of the pieces covering it, counted in the municipality of the earliest-recorded
-- piece covering it.
WITH sel AS (
  SELECT split_part(t, ':', 1) AS b, nullif(split_part(t, ':', 2), '') AS cat
  FROM (SELECT unnest(string_split(${benefits}, '+')) AS t)
), pieces AS (
  SELECT b.lid, b.pid, b.muni, b.seq, greatest(b.st, ${P0}) AS st, least(b.en, ${P1}) AS en,
         coalesce(b.weekly_hours, 37) / 37.0 AS w
  FROM benefit_spells b JOIN sel s ON s.b = b.benefit AND s.cat IS NULL
  WHERE b.st <= ${P1} AND b.en >= ${P0}
  UNION ALL
  SELECT b.lid, b.pid, b.muni, b.seq, greatest(b.st, c.st, ${P0}), least(b.en, c.en, ${P1}),
         coalesce(b.weekly_hours, 37) / 37.0
  FROM benefit_spells b JOIN sel s ON s.b = b.benefit AND s.cat IS NOT NULL
       JOIN categories c ON c.pid = b.pid AND c.category = s.cat
  WHERE greatest(b.st, c.st, ${P0}) <= least(b.en, c.en, ${P1})
  UNION ALL
  SELECT f.lid, f.pid, f.muni, f.seq, greatest(f.st, ${P0}), least(f.en, ${P1}), 1.0
  FROM flexjobs f JOIN sel s ON s.b = 'flexjob'
  WHERE f.st <= ${P1} AND f.en >= ${P0}
), bounds AS (
  SELECT pid, st AS x FROM pieces UNION SELECT pid, en + 1 FROM pieces
), segs AS (
  SELECT pid, x AS st, lead(x) OVER (PARTITION BY pid ORDER BY x) - 1 AS en FROM bounds
), cov AS (
  SELECT any_value(p.lid) AS lid, arg_min(p.muni, p.seq) AS muni, s.st, s.en, least(1.0, sum(p.w)) AS w
  FROM segs s JOIN pieces p ON p.pid = s.pid AND p.st <= s.st AND s.en <= p.en
  WHERE s.en IS NOT NULL
  GROUP BY s.pid, s.st, s.en
)
SELECT lid, '' AS grp, '' AS label, muni, sum(w * weekdays(st, en)) AS num, CAST(NULL AS DOUBLE) AS den
FROM cov GROUP BY lid, muni;
