-- M11: share in company-oriented activation at D (1b).
-- DOMAIN.md: "of citizens on a-dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse or
-- selvforsørgelses- og hjemrejseydelse on D, the share in company-oriented activation on D";
-- "in company-oriented activation: an activation of kind virksomhedspraktik, løntilskud (privat
-- or offentlig) or nytteindsats covers d". FORMAT.md 10: the municipality of the first such spell
-- covering D.
WITH pop AS (
  SELECT lid, pid, arg_min(muni, (st, seq)) AS muni FROM benefit_spells
  WHERE benefit IN ('a-dagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'ledighedsydelse', 'selvforsoergelsesydelse')
    AND st <= ${D} AND ${D} <= en
  GROUP BY lid, pid
), act AS (
  SELECT DISTINCT pid FROM activations
  WHERE kind IN ('virksomhedspraktik', 'loentilskud-privat', 'loentilskud-offentlig', 'nytteindsats')
    AND st <= ${D} AND ${D} <= en
)
SELECT p.lid, '' AS grp, '' AS label, p.muni, count(a.pid) AS num, count(*) AS den
FROM pop p LEFT JOIN act a ON a.pid = p.pid GROUP BY p.lid, p.muni;
