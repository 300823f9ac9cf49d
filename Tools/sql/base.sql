-- CaseLedger second engine: the base views every measure reads.
--
-- Written from EventLogs/FORMAT.md (sections 2, 8, 9, 10) and ../shared/DOMAIN.md, not from the
-- Swift code. Placeholders ${name} are replaced by the driver with SQL literals (Spark SQL's
-- variable substitution uses the same ${name} syntax):
--   ${files}     the segment files, as a list literal ['a/events/segment-000001.jsonl', ...]
--   ${known_at}  the knowledge time as a string 'YYYY-MM-DDTHH:MM:SS.mmmZ' (or '9999...' for all)
--   ${heads}     a VALUES list (filename prefix, head seq) so that an incomplete tail is never read
--
-- DOMAIN.md, Time: "The value as known at T" replays only events recorded at or before T.
-- DOMAIN.md, Edge rules: "Retracted events (by a correction recorded at or before the knowledge
-- time) are ignored everywhere, as if never recorded; a superseding correction replaces the
-- original's facts from the original's effective date."
-- FORMAT.md 8: "the latest superseding correction wins".

CREATE OR REPLACE MACRO open_end() AS DATE '9000-01-01';
-- Monday-to-Friday days in [a, b] (DOMAIN.md M12: weekdays Monday to Friday). 1970-01-05 is a Monday.
CREATE OR REPLACE MACRO wd_before(x) AS
  5 * ((x - DATE '1970-01-05') // 7) + least((x - DATE '1970-01-05') % 7, 5);
CREATE OR REPLACE MACRO weekdays(a, b) AS
  CASE WHEN b < a THEN 0 ELSE wd_before(b + 1) - wd_before(a) END;
-- Age in whole years on day d (FORMAT.md 10: "the 30th birthday is age 30").
CREATE OR REPLACE MACRO age_on(birth, d) AS
  year(d) - year(birth) - CASE WHEN month(d) * 100 + day(d) < month(birth) * 100 + day(birth) THEN 1 ELSE 0 END;

-- Every acknowledged line (seq <= the head's); an incomplete tail beyond the head (FORMAT.md 5),
-- perhaps a torn line that is not JSON, is skipped. The driver checks that the lines kept are
-- exactly seq 1 ... head, so that no acknowledged line is ever skipped silently.
CREATE OR REPLACE TEMP TABLE raw_all AS
SELECT h.lid AS lid, j.seq, j.recorded_at, j.type, CAST(j.effective AS DATE) AS effective,
       j.municipality, j.citizen, j.facts
FROM read_json(${files}, format = 'newline_delimited', filename = true, ignore_errors = true,
               columns = {seq: 'BIGINT', recorded_at: 'VARCHAR', type: 'VARCHAR', effective: 'VARCHAR',
                          municipality: 'VARCHAR', citizen: 'VARCHAR', facts: 'JSON',
                          prev: 'VARCHAR', hash: 'VARCHAR'}) j
JOIN (VALUES ${heads}) AS h(prefix, lid, head_seq) ON starts_with(j.filename, h.prefix)
WHERE j.seq <= h.head_seq;

-- The lines known at T.
CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM raw_all WHERE recorded_at <= ${known_at};

-- Corrections known at T.
CREATE OR REPLACE TEMP TABLE corr AS
SELECT lid, seq, facts ->> 'action' AS action, CAST(facts ->> 'corrects' AS BIGINT) AS target, facts
FROM raw WHERE type = 'correction';

-- ev: every event in force, with the latest superseding facts; corrections themselves left out.
CREATE OR REPLACE TEMP TABLE ev AS
SELECT r.lid, r.seq, r.recorded_at, r.type, r.effective, r.municipality AS muni,
       r.lid || '/' || r.citizen AS pid,
       coalesce(s.facts, r.facts) AS facts
FROM raw r
LEFT JOIN (SELECT lid, target, arg_max(facts, seq) AS facts FROM corr WHERE action = 'supersede'
           GROUP BY lid, target) s ON s.lid = r.lid AND s.target = r.seq
ANTI JOIN (SELECT lid, target FROM corr WHERE action = 'retract') x ON x.lid = r.lid AND x.target = r.seq
WHERE r.type <> 'correction';

-- The jobcenter's municipalities (line 1).
CREATE OR REPLACE TEMP TABLE munis AS
SELECT lid, unnest(string_split(facts ->> 'municipalities', ',')) AS muni FROM raw WHERE seq = 1;
CREATE OR REPLACE TEMP TABLE ledgers AS
SELECT lid, facts ->> 'ledger_id' AS ledger_id, facts ->> 'jobcenter' AS jobcenter FROM raw WHERE seq = 1;

-- Citizens: the latest registration in force (a registration is superseded, never retracted).
CREATE OR REPLACE TEMP TABLE citizens AS
SELECT pid, arg_max(muni, seq) AS muni,
       CAST(arg_max(facts ->> 'birth_date', seq) AS DATE) AS birth,
       arg_max(facts ->> 'education', seq) AS education,
       coalesce(CAST(arg_max(facts ->> 'refugee', seq) AS BOOLEAN), false) AS refugee,
       CAST(arg_max(facts ->> 'arrival_date', seq) AS DATE) AS arrival
FROM ev WHERE type = 'citizen_registered' GROUP BY pid;

-- Periods: the k-th opening event of a key pairs with the k-th closing event of that key
-- (FORMAT.md 7: an opening event needs no open period of its key, a closing one needs an open one).
-- A period closed on D still covers D; an open period runs on (open_end()).
CREATE OR REPLACE TEMP TABLE benefit_spells AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st, facts ->> 'benefit' AS benefit,
                  TRY_CAST(facts ->> 'weekly_hours' AS INTEGER) AS weekly_hours,
                  row_number() OVER (PARTITION BY pid, facts ->> 'benefit' ORDER BY seq) AS k
           FROM ev WHERE type = 'benefit_started'),
     e AS (SELECT pid, facts ->> 'benefit' AS benefit, effective AS en, facts ->> 'reason' AS reason,
                  muni AS end_muni, seq AS end_seq,
                  row_number() OVER (PARTITION BY pid, facts ->> 'benefit' ORDER BY seq) AS k
           FROM ev WHERE type = 'benefit_ended')
SELECT s.lid, s.pid, s.muni, s.seq, s.st, s.benefit, s.weekly_hours,
       coalesce(e.en, open_end()) AS en, e.reason, e.end_muni, e.end_seq
FROM s LEFT JOIN e ON e.pid = s.pid AND e.benefit = s.benefit AND e.k = s.k;

CREATE OR REPLACE TEMP TABLE activations AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st, facts ->> 'activity_id' AS activity_id,
                  facts ->> 'kind' AS kind, facts ->> 'provider' AS provider,
                  facts ->> 'provider_name' AS provider_name, facts ->> 'employer_cvr' AS employer_cvr,
                  row_number() OVER (PARTITION BY pid, facts ->> 'activity_id' ORDER BY seq) AS k
           FROM ev WHERE type = 'activation_started'),
     e AS (SELECT pid, facts ->> 'activity_id' AS activity_id, effective AS en,
                  row_number() OVER (PARTITION BY pid, facts ->> 'activity_id' ORDER BY seq) AS k
           FROM ev WHERE type = 'activation_ended')
SELECT s.*, coalesce(e.en, open_end()) AS en
FROM s LEFT JOIN e ON e.pid = s.pid AND e.activity_id = s.activity_id AND e.k = s.k;

-- One open period per citizen: employment (job placements), flex jobs, sick leave, education.
CREATE OR REPLACE TEMP TABLE employments AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st, facts ->> 'channel' AS channel,
                  row_number() OVER (PARTITION BY pid ORDER BY seq) AS k FROM ev WHERE type = 'job_placement'),
     e AS (SELECT pid, effective AS en, row_number() OVER (PARTITION BY pid ORDER BY seq) AS k
           FROM ev WHERE type = 'employment_ended')
SELECT s.*, coalesce(e.en, open_end()) AS en FROM s LEFT JOIN e ON e.pid = s.pid AND e.k = s.k;

CREATE OR REPLACE TEMP TABLE flexjobs AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st,
                  row_number() OVER (PARTITION BY pid ORDER BY seq) AS k FROM ev WHERE type = 'flexjob_started'),
     e AS (SELECT pid, effective AS en, row_number() OVER (PARTITION BY pid ORDER BY seq) AS k
           FROM ev WHERE type = 'flexjob_ended')
SELECT s.*, coalesce(e.en, open_end()) AS en FROM s LEFT JOIN e ON e.pid = s.pid AND e.k = s.k;

CREATE OR REPLACE TEMP TABLE sickleaves AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st,
                  row_number() OVER (PARTITION BY pid ORDER BY seq) AS k FROM ev WHERE type = 'sickleave_opened'),
     e AS (SELECT pid, effective AS en, row_number() OVER (PARTITION BY pid ORDER BY seq) AS k
           FROM ev WHERE type = 'sickleave_closed')
SELECT s.*, coalesce(e.en, open_end()) AS en FROM s LEFT JOIN e ON e.pid = s.pid AND e.k = s.k;

CREATE OR REPLACE TEMP TABLE educations AS
WITH s AS (SELECT lid, pid, muni, seq, effective AS st, facts ->> 'level' AS level,
                  row_number() OVER (PARTITION BY pid ORDER BY seq) AS k FROM ev WHERE type = 'education_started'),
     e AS (SELECT pid, effective AS en, facts ->> 'reason' AS reason,
                  row_number() OVER (PARTITION BY pid ORDER BY seq) AS k FROM ev WHERE type = 'education_ended')
SELECT s.*, coalesce(e.en, open_end()) AS en, e.reason FROM s LEFT JOIN e ON e.pid = s.pid AND e.k = s.k;

-- Match categories: an assessment holds from its date until the day before the next one; on the
-- same day the later-recorded one wins (FORMAT.md 10), so the earlier one gets an empty interval.
CREATE OR REPLACE TEMP TABLE categories AS
SELECT pid, category, st,
       coalesce(lead(st) OVER (PARTITION BY pid ORDER BY st, seq) - 1, open_end()) AS en
FROM (SELECT pid, seq, effective AS st, facts ->> 'category' AS category FROM ev WHERE type = 'match_assessed');

-- Gross unemployment pieces (DOMAIN.md "Derived states"): on a-dagpenge; or on kontanthjælp or
-- selvforsørgelses- og hjemrejseydelse with category jobparat; or on uddannelseshjælp with
-- category åbenlyst uddannelsesparat. No category before the first assessment.
CREATE OR REPLACE TEMP TABLE gross_pieces AS
SELECT lid, pid, muni, seq, st, en FROM benefit_spells WHERE benefit = 'a-dagpenge'
UNION ALL
SELECT b.lid, b.pid, b.muni, b.seq, greatest(b.st, c.st), least(b.en, c.en)
FROM benefit_spells b JOIN categories c ON c.pid = b.pid
WHERE ((b.benefit IN ('kontanthjaelp', 'selvforsoergelsesydelse') AND c.category = 'jobparat')
    OR (b.benefit = 'uddannelseshjaelp' AND c.category = 'aabenlyst-uddannelsesparat'))
  AND greatest(b.st, c.st) <= least(b.en, c.en);

-- Gross unemployment as islands: pieces that overlap or touch are one run (FORMAT.md 10).
CREATE OR REPLACE TEMP TABLE gross_runs AS
SELECT pid, min(st) AS st, max(en) AS en FROM (
  SELECT pid, st, en, sum(brk) OVER (PARTITION BY pid ORDER BY st, en ROWS UNBOUNDED PRECEDING) AS isl
  FROM (SELECT pid, st, en,
               CASE WHEN st <= max(en) OVER (PARTITION BY pid ORDER BY st, en
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                    THEN 0 ELSE 1 END AS brk
        FROM gross_pieces))
GROUP BY pid, isl;

-- Benefit spells of one benefit merged: "Two spells of the same benefit for one citizen that
-- overlap or touch are one spell" (DOMAIN.md, Overlaps).
CREATE OR REPLACE TEMP TABLE benefit_runs AS
SELECT any_value(lid) AS lid, pid, benefit, min(st) AS st, max(en) AS en,
       arg_max(reason, (en, seq)) AS reason, arg_max(muni, (en, seq)) AS last_muni,
       arg_max(end_muni, (en, seq)) AS end_muni, arg_min(muni, (st, seq)) AS first_muni, isl FROM (
  SELECT *, sum(brk) OVER (PARTITION BY pid, benefit ORDER BY st, en ROWS UNBOUNDED PRECEDING) AS isl
  FROM (SELECT *,
               CASE WHEN st <= max(en) OVER (PARTITION BY pid, benefit ORDER BY st, en
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                    THEN 0 ELSE 1 END AS brk
        FROM benefit_spells))
GROUP BY pid, benefit, isl;

-- The first day a citizen born on `birth` is n years old: the birthday, or 1 March when born on
-- 29 February and the year has no 29 February (consistent with age_on above).
CREATE OR REPLACE MACRO turns(birth, n) AS
  CASE WHEN month(birth) = 2 AND day(birth) = 29
            AND NOT ((year(birth) + n) % 4 = 0 AND ((year(birth) + n) % 100 <> 0 OR (year(birth) + n) % 400 = 0))
       THEN make_date(year(birth) + n, 3, 1)
       ELSE make_date(year(birth) + n, month(birth), day(birth)) END;
