-- M14: paid hours (lønnede timer), month M (${P0} .. ${P1}).
-- DOMAIN.md: "of aktivitetsparate citizens on kontanthjælp, uddannelseshjælp, selvforsørgelses- og
-- hjemrejseydelse or in ressourceforløb during M, the share with paid hours registered for M or in
-- SU education during M (løntilskud and flex jobs are not paid hours)".
-- FORMAT.md 10: in ressourceforløb on any day of the month, or aktivitetsparat on any day of the
-- month while on kontanthjælp, uddannelseshjælp or selvforsørgelsesydelse; paid hours registered
-- for that month, or an education covering a day of it. Municipality: the first such spell.
WITH pop AS (
  SELECT lid, pid, arg_min(muni, (st, seq)) AS muni FROM (
    SELECT lid, pid, muni, st, seq FROM benefit_spells
    WHERE benefit = 'ressourceforloeb' AND st <= ${P1} AND en >= ${P0}
    UNION ALL
    SELECT b.lid, b.pid, b.muni, b.st, b.seq FROM benefit_spells b JOIN categories c ON c.pid = b.pid
    WHERE b.benefit IN ('kontanthjaelp', 'uddannelseshjaelp', 'selvforsoergelsesydelse')
      AND c.category = 'aktivitetsparat'
      AND greatest(b.st, c.st, ${P0}) <= least(b.en, c.en, ${P1})
  ) GROUP BY lid, pid
), paid AS (
  SELECT DISTINCT pid FROM ev WHERE type = 'paid_hours_registered' AND facts ->> 'month' = strftime(${P0}, '%Y-%m')
  UNION
  SELECT DISTINCT pid FROM educations WHERE st <= ${P1} AND en >= ${P0}
)
SELECT p.lid, '' AS grp, '' AS label, p.muni, count(x.pid) AS num, count(*) AS den
FROM pop p LEFT JOIN paid x ON x.pid = p.pid GROUP BY p.lid, p.muni;
