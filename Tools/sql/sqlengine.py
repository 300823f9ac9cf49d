"""Thin driver for the SQL engine: reads arguments, fills the ${...} placeholders of the .sql
files with SQL literals, runs them in DuckDB and prints JSON. Every number is computed in SQL;
this file only parses dates and periods, picks files, and formats output."""
import calendar, datetime, glob, hashlib, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Labels printed by `caseledger measure --json` (name, default variant, kind, allowed variants).
MEASURES = {
    'M1': ('Langtidsledige (Jobindsats)', None, 'count', []),
    'M1b': ('Langtidsledige (Danmarks Statistik)', None, 'count', []),
    'M2': ('Tilgang til førtidspension (løbende år)', None, 'count', []),
    'M3': ('Ordinære job besat med jobcentrets hjælp', None, 'count', []),
    'M4': ('Nye fleksjob', None, 'count', []),
    'M5': ('Andel fleksjobvisiterede i beskæftigelse', None, 'share', []),
    'M6': ('Lange forløb på ledighedsydelse', None, 'count', []),
    'M7': ('Sygedagpengesager over 26 / 52 uger', '26w', 'count', ['26w', '52w']),
    'M8': ('Unge der går fra ydelse til uddannelse', 'share', 'share', ['share', 'count']),
    'M9': ('Unge i uddannelse eller selvforsørgende 3 måneder efter uddannelseshjælp', None, 'share', []),
    'M10': ('Selvforsørgelse efter aktiveringsstart', '13w', 'share', ['13w', '4w', '26w']),
    'M11': ('Andel i virksomhedsrettet aktivering', None, 'share', []),
    'M12': ('Fuldtidspersoner', None, 'full-time-persons', []),
    'M13': ('Jobordrer: formidlingsgrad og besættelsesgrad', 'formidlingsgrad', 'share',
            ['formidlingsgrad', 'besaettelsesgrad']),
    'M14': ('Lønnede timer', None, 'share', []),
    'M15': ('Flygtninge i beskæftigelse', None, 'share', []),
    'M16': ('Virksomhedsbesøg', None, 'share', []),
    'M17': ('Tilfredshed', 'citizens', 'share', ['citizens', 'companies']),
    'M18': ('Deltagere i arrangement', None, 'participants', []),
    'M19': ('Uddannelsesgrad', None, 'share', []),
    'M20': ('Aktiveringer og henvisninger', None, 'count', []),
    'M21': ('Samarbejdsgrad', None, 'share', []),
    'M22': ('Frafald på uddannelse', None, 'share', []),
}
DAY_MEASURES = {'M1', 'M1b', 'M5', 'M6', 'M7', 'M11', 'M15', 'M19'}
MONTH_MEASURES = {'M2', 'M14'}
BENEFITS = ['a-dagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'selvforsoergelsesydelse', 'sygedagpenge',
            'jobafklaringsforloeb', 'ressourceforloeb', 'ledighedsydelse', 'revalidering', 'foertidspension']


class UsageError(Exception):
    pass


def lit(s):
    return "'" + str(s).replace("'", "''") + "'"


def dlit(d):
    return "DATE '%s'" % d.isoformat()


def parse_day(s):
    try:
        return datetime.date.fromisoformat(s) if re.fullmatch(r'\d{4}-\d{2}-\d{2}', s) else None
    except ValueError:
        return None


def parse_period(p):
    m = re.fullmatch(r'(\d{4})', p)
    if m:
        y = int(m[1]); return datetime.date(y, 1, 1), datetime.date(y, 12, 31)
    m = re.fullmatch(r'(\d{4})-(\d{2})', p)
    if m:
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return datetime.date(y, mo, 1), datetime.date(y, mo, calendar.monthrange(y, mo)[1])
    m = re.fullmatch(r'(\d{4})Q([1-4])', p)
    if m:
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        return datetime.date(y, last - 2, 1), datetime.date(y, last, calendar.monthrange(y, last)[1])
    m = re.fullmatch(r'(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})', p)
    if m:
        a, b = parse_day(m[1]), parse_day(m[2])
        if a and b and a <= b:
            return a, b
    raise UsageError('bad period %r (2014, 2014-03, 2014Q1 or 2014-01-01/2014-06-30)' % p)


def parse_known_at(t):
    if t is None:
        return None
    if parse_day(t):
        return t + 'T23:59:59.999Z'
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z', t):
        return t
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z', t):
        return t[:-1] + '.000Z'
    raise UsageError('bad --known-at %r' % t)


def evaluation(measure, at=None, period=None):
    """(evaluation string, first day, last day, day D) as FORMAT.md 10 "General" says."""
    if period is not None:
        p0, p1 = parse_period(period)
        ptext = period
    else:
        p1 = at
        p0 = datetime.date(at.year, 1, 1)
        ptext = '%s/%s' % (p0.isoformat(), at.isoformat())
    if measure in DAY_MEASURES:
        return p1.isoformat(), p1, p1, p1
    if measure in MONTH_MEASURES:
        m0 = datetime.date(p1.year, p1.month, 1)
        m1 = datetime.date(p1.year, p1.month, calendar.monthrange(p1.year, p1.month)[1])
        return '%04d-%02d' % (p1.year, p1.month), m0, m1, p1
    return ptext, p0, p1, p1


def slot_head(slot):
    """A 128-byte head slot's (seq, hash, segment, offset) when every byte is as written, else None."""
    parts = slot.decode('ascii', 'replace').split()
    if len(slot) != 128 or len(parts) != 5 or not all(p.isalnum() for p in parts):
        return None
    body = ' '.join(parts[:4]) + ' '
    written = (body + hashlib.sha256(body.encode()).hexdigest()[:16]).ljust(127) + '\n'
    if len(parts[0]) != 20 or len(parts[2]) != 6 or len(parts[3]) != 16 or written.encode() != slot:
        return None
    return int(parts[0]), parts[1], int(parts[2]), int(parts[3])


def read_head(ledger):
    """The head in force (FORMAT.md 5): the valid slot with the higher sequence number, unless the
    other slot is damaged (one bit from valid) and names a later head whose line ends at its offset
    with its hash; such a head that no line confirms is refused."""
    data = open(os.path.join(ledger, 'head'), 'rb').read()
    best, damaged = None, None
    for i in (0, 1):
        slot = data[128 * i:128 * (i + 1)]
        found = slot_head(slot)
        if found is not None:
            best = found if best is None or found[0] > best[0] else best
            continue
        for bit in range(len(slot) * 8):
            flipped = bytearray(slot)
            flipped[bit // 8] ^= 1 << (bit % 8)
            damaged = damaged or slot_head(bytes(flipped))
    if best is None:
        raise UsageError('%s: no valid head slot' % ledger)
    if damaged is not None and damaged[0] > best[0]:
        path = os.path.join(ledger, 'events', 'segment-%06d.jsonl' % damaged[2])
        end = b''
        if os.path.isfile(path) and os.path.getsize(path) >= damaged[3] >= 76:
            with open(path, 'rb') as f:
                f.seek(damaged[3] - 76)
                end = f.read(76)
        if end != (',"hash":"%s"}\n' % damaged[1]).encode():
            raise UsageError('%s: a damaged head slot names seq %d, which no line confirms (run caseledger verify)' % (ledger, damaged[0]))
        best = damaged
    return best[0], best[1]


def load(con, ledgers, known_at=None, max_seqs=None):
    """Runs base.sql over the ledgers' acknowledged lines (optionally a shorter prefix)."""
    files, heads, expected = [], [], {}
    for i, led in enumerate(ledgers):
        led = os.path.abspath(led)
        if not os.path.isfile(os.path.join(led, 'CASELEDGER')):
            raise UsageError('%s is not a CaseLedger ledger' % led)
        seq, _ = read_head(led)
        if max_seqs is not None and max_seqs[i] is not None:
            seq = min(seq, max_seqs[i])
        segs = sorted(glob.glob(os.path.join(led, 'events', 'segment-*.jsonl')))
        files += segs
        heads.append('(%s, %d, %d)' % (lit(led + '/events/'), i, seq))
        expected[i] = seq
    sql = open(os.path.join(HERE, 'base.sql')).read()
    sql = sql.replace('${files}', '[' + ', '.join(lit(f) for f in files) + ']')
    sql = sql.replace('${heads}', ', '.join(heads))
    sql = sql.replace('${known_at}', lit(known_at or '9999-12-31T23:59:59.999Z'))
    con.execute(sql)
    for (lid, n, lo, hi) in con.execute('SELECT lid, count(*), min(seq), max(seq) FROM raw_all GROUP BY lid').fetchall():
        if not (n == hi == expected[lid] and lo == 1):
            raise UsageError('%s: read %d lines up to seq %s, expected 1 ... %d (run Tools/verify_ledger.py)'
                             % (ledgers[lid], n, hi, expected[lid]))
    if len(con.execute('SELECT DISTINCT lid FROM raw_all').fetchall()) != len(ledgers):
        raise UsageError('a ledger without lines')


def head_of(con, ledgers, lid, known_at):
    """head_seq and head_hash: the last line replayed."""
    seq = con.execute('SELECT max(seq) FROM raw WHERE lid = ?', [lid]).fetchone()[0]
    led = os.path.abspath(ledgers[lid])
    hseq, hhash = read_head(led)
    if seq == hseq:
        return seq, hhash
    files = sorted(glob.glob(os.path.join(led, 'events', 'segment-*.jsonl')))
    h = con.execute("SELECT hash FROM read_json(?, format='newline_delimited', ignore_errors=true, columns={seq:'BIGINT', hash:'VARCHAR'}) "
                    "WHERE seq = ?", [files, seq]).fetchone()[0]
    return seq, h


def measure_sql(measure, variant, D, p0, p1, filters, benefits):
    path = os.path.join(HERE, 'measures', measure + '.sql')
    sql = open(path).read()
    subst = {
        'D': dlit(D), 'P0': dlit(p0), 'P1': dlit(p1), 'variant': lit(variant or ''),
        'benefits': lit(benefits or '+'.join(BENEFITS + ['flexjob'])),
    }
    for k in ('arrival', 'event', 'kind'):
        subst['filter_' + k] = lit(filters.get(k, '')) if k in filters else 'NULL'
    for k, v in subst.items():
        sql = sql.replace('${%s}' % k, v)
    if '${' in sql:
        raise RuntimeError('unfilled placeholder in %s' % path)
    # strip the trailing semicolon so that the query can be wrapped
    return sql.strip().rstrip(';')


def run_measure(con, measure, variant, D, p0, p1, filters, benefits, national=False):
    """Rows (lid, grp, label, muni or NULL for the jobcenter, numerator, denominator)."""
    q = measure_sql(measure, variant, D, p0, p1, filters, benefits)
    wrapped = ('WITH part AS (%s)\n'
               'SELECT lid, grp, label, muni, sum(num) AS num, sum(den) AS den FROM part '
               'GROUP BY %s' % (q, 'GROUPING SETS ((lid, grp, label, muni), (lid, grp, label), (grp, label))'
                                if national else 'lid, grp, label, ROLLUP(muni)'))
    return con.execute(wrapped).fetchall()


def rnd(x):
    if x is None:
        return None
    r = round(float(x), 4)
    if r == int(r) and abs(r) < 2 ** 53:
        return int(r)
    return r


def scopes_of(kind, rows_by_scope, munis, fixed_den=None, rounding=True):
    r = rnd if rounding else (lambda x: None if x is None else float(x))
    out = []
    for scope in ['jobcenter'] + munis:
        num, den = rows_by_scope.get(scope, (0, None))
        num = num or 0
        if kind == 'share':
            den = den or 0
            value = None if den == 0 else 100.0 * num / den
        elif kind == 'full-time-persons':
            den = fixed_den
            value = None if not den else num / den
        else:
            den = None
            value = num
        out.append({'scope': scope, 'value': r(value), 'numerator': r(num), 'denominator': r(den)})
    return out


def compute(con, ledgers, lid, measure, variant=None, at=None, period=None, filters=None, benefits=None,
            municipality=None, known_at=None, rounding=True):
    filters = filters or {}
    name, default_variant, kind, variants = MEASURES[measure]
    if variant is not None and variant not in variants:
        raise UsageError('%s variant must be one of: %s' % (measure, ', '.join(variants)) if variants
                         else '%s has no variants' % measure)
    variant = variant or default_variant
    ev_text, p0, p1, D = evaluation(measure, at, period)
    rows = run_measure(con, measure, variant, D, p0, p1, filters, benefits)
    munis = [r[0] for r in con.execute('SELECT muni FROM munis WHERE lid = ? ORDER BY rowid', [lid]).fetchall()]
    fixed_den = None
    if measure == 'M12':
        fixed_den = con.execute('SELECT weekdays(%s, %s)' % (dlit(p0), dlit(p1))).fetchone()[0]
    groups = {}
    for (rl, grp, label, muni, num, den) in rows:
        if rl != lid:
            continue
        groups.setdefault((grp, label), {})['jobcenter' if muni is None else muni] = (num, den)
    main = groups.get(('', ''), {})
    seq, h = head_of(con, ledgers, lid, known_at)
    ledger_id = con.execute('SELECT ledger_id FROM ledgers WHERE lid = ?', [lid]).fetchone()[0]
    shown = munis if municipality is None else [municipality]
    # M8's count variant is the numerator alone: printed as a count (no denominator).
    scope_kind = 'count' if (measure, variant) == ('M8', 'count') else kind
    def sc(d, restrict=True):
        s = scopes_of(scope_kind, d, munis, fixed_den, rounding)
        if municipality is not None and restrict:
            s = [x for x in s if x['scope'] == municipality]
        return s
    out = {'measure': measure, 'name': name, 'variant': variant, 'kind': kind, 'evaluation': ev_text,
           'period_first': p0.isoformat(), 'period_last': p1.isoformat(), 'known_at': known_at,
           'ledger_id': ledger_id, 'head_seq': seq, 'head_hash': h, 'scopes': sc(main)}
    bys = sorted({g for (g, _l) in groups if g != ''}, key=['kind', 'provider', 'category'].index)
    if measure in ('M10', 'M20') and bys:
        out['breakdowns'] = []
        for by in bys:
            labels = sorted(l for (g, l) in groups if g == by)
            out['breakdowns'].append({'by': by, 'entries': [{'label': l, 'scopes': sc(groups[(by, l)], False)}
                                                             for l in labels]})
    return out


def connect():
    import duckdb
    con = duckdb.connect()
    threads = os.environ.get('SQL_THREADS')
    if threads:
        con.execute('SET threads = %d' % int(threads))
    mem = os.environ.get('SQL_MEMORY_LIMIT')
    if mem:
        con.execute("SET memory_limit = '%s'" % mem)
    return con


# ---------------------------------------------------------------------------------------------
# Goal report (FORMAT.md 11), every value computed by the measure SQL above.

def _num(x):
    if x is None:
        return None
    return rnd(float(x))


def _period_last(text):
    if parse_day(text):
        return parse_day(text)
    if re.fullmatch(r'\d{4}-\d{2}', text):
        return parse_period(text)[1]
    return parse_period(text)[1]


def reference_figure(con, lid, name, period, scope=None, exact=False):
    """FORMAT.md 11: the reference_figure event of that name (for the scope, or for no municipality)
    whose period contains the evaluation's last day (or equals it), the scope's own preferred, the
    latest recorded winning; else, unless `exact`, the latest recorded of that name."""
    p0, p1 = period
    rows = con.execute("SELECT seq, muni, facts ->> 'period', facts ->> 'value', facts ->> 'source' FROM ev "
                       "WHERE lid = ? AND type = 'reference_figure' AND facts ->> 'name' = ? "
                       "AND (muni IS NULL OR muni = ?) ORDER BY seq", [lid, name, scope]).fetchall()
    matching = []
    for r in rows:
        try:
            q0, q1 = parse_period(r[2])
        except UsageError:
            continue
        if q0 <= p1 <= q1 or (q0, q1) == (p0, p1):
            matching.append(r)
    own = [r for r in matching if r[1] == scope]
    chosen = own[-1] if own else matching[-1] if matching else None if exact or not rows else rows[-1]
    if chosen is None:
        return None
    seq, _m, per, value, source = chosen
    return {'name': name, 'period': per, 'value': _num(value), 'source': source, 'seq': seq}


def report(con, ledgers, lid, at, known_at):
    goals = con.execute(open(os.path.join(HERE, 'goals.sql')).read()).fetchall()
    lrow = con.execute('SELECT ledger_id, jobcenter FROM ledgers WHERE lid = ?', [lid]).fetchone()
    munis = [r[0] for r in con.execute('SELECT muni FROM munis WHERE lid = ? ORDER BY rowid', [lid]).fetchall()]
    seq, h = head_of(con, ledgers, lid, known_at)
    rec = con.execute('SELECT recorded_at FROM raw WHERE lid = ? AND seq = ?', [lid, seq]).fetchone()[0]
    out = {'report': 'caseledger-goal-report', 'version': 1, 'ledger_id': lrow[0], 'jobcenter': lrow[1],
           'municipalities': munis, 'at': at.isoformat(), 'known_at': known_at, 'head_seq': seq, 'head_hash': h,
           'head_recorded_at': rec, 'goals': []}
    for (glid, goal_id, _aseq, scope, amendments, fields) in goals:
        if glid != lid:
            continue
        out['goals'].append(goal_row(con, ledgers, lid, at, known_at, goal_id, scope, amendments, json.loads(fields)))
    return out


def goal_row(con, ledgers, lid, at, known_at, goal_id, scope, amendments, f):
    """One goal (FORMAT.md 11). The presentation rules (when a goal has begun, notes, the 1e-9
    slack of at-most/at-least) follow caseledger's report, read from GoalEvaluator.swift so that the
    report's bytes, and so a publication's digest, can be reproduced; every number comes from SQL."""
    m = f.get('measure') or 'M1'
    deadline = parse_day(f['deadline']) if f.get('deadline') else at
    gev = f.get('evaluation') or at.isoformat()
    g_at = parse_day(gev)
    g_period = None if g_at else parse_period(gev)
    due = at >= deadline
    adopted = parse_day(f['adopted_on']) if f.get('adopted_on') else None
    month = m in MONTH_MEASURES
    begun = (adopted is None or adopted <= at) and (month or g_period is None or g_period[0] <= at)
    req_at, req_period = g_at, (gev if g_period else None)
    if not due and begun:
        if g_at and g_at > at:
            req_at = at
        if g_period and g_period[1] > at:
            if month:
                req_period, req_at = None, at
            else:
                req_period = '%s/%s' % (g_period[0].isoformat(), at.isoformat())
    filters = {}
    for part in (f.get('filter') or '').split(';'):
        if '=' in part:
            k, v = part.split('=', 1); filters[k.strip()] = v.strip()
    res = compute(con, ledgers, lid, m, f.get('variant'), req_at, req_period, filters, f.get('benefits'), None,
                  known_at, rounding=False)
    sc = next(s for s in res['scopes'] if s['scope'] == (scope or 'jobcenter'))
    value = sc['value'] if (begun or due) else None
    note = None if (begun or due) else ('the goal was adopted after %s' % at.isoformat()
                                        if adopted is not None and adopted > at else
                                        "the goal's period begins after %s" % at.isoformat())
    eval_period = (parse_day(res['period_first']), parse_day(res['period_last']))
    if 'denominator' in filters:
        # FORMAT.md 10 (M12): a goal's filter denominator=NAME divides by the reference figure NAME, in %
        fig = reference_figure(con, lid, filters['denominator'], eval_period, scope)
        if fig is not None and fig['value'] and fig['value'] > 0:
            value = None if value is None else value / fig['value'] * 100
        else:
            value = None
            note = 'reference figure %s is not recorded' % filters['denominator']
    comparison = f.get('comparison') or 'no-target'
    target_value = _num(f.get('target'))
    offset = _num(f.get('offset_pp'))
    target, ref = None, None
    if comparison in ('at-most', 'at-least'):
        target = target_value
        if target_value is not None and value is not None:
            ok = value <= target_value + 1e-9 if comparison == 'at-most' else value >= target_value - 1e-9
            status = 'met' if ok else 'not met'
        else:
            status = 'no target' if target_value is None else 'not met'
    elif comparison in ('below-reference', 'at-least-reference', 'at-most-reference', 'gap-reduced-by'):
        ref = reference_figure(con, lid, f['reference'], eval_period) if f.get('reference') else None
        if ref is None:
            status = 'reference missing'
            note = note or 'reference figure %s is not recorded' % (f.get('reference') or '(none named)')
        elif comparison == 'gap-reduced-by':
            # EventLogs/plans/README.md: the baseline gap is baseline_value minus the reference figure
            # for baseline_at; the gap now must be `target` smaller.
            base = reference_figure(con, lid, f['reference'], parse_period(f['baseline_at']), exact=True) \
                if f.get('baseline_at') and _parses(f['baseline_at']) else None
            if f.get('baseline_value') is not None and base is not None and value is not None and target_value is not None:
                gap = float(f['baseline_value']) - base['value']
                target = ref['value'] + gap - target_value
                status = 'met' if value - ref['value'] <= gap - target_value + 1e-9 else 'not met'
            else:
                status = 'reference missing'
                note = 'needs the baseline value and the reference figure %s for the baseline period' % f['reference']
        else:
            target = ref['value'] + (offset or 0)
            if value is None:
                status = 'not met'
            elif comparison == 'below-reference':
                status = 'met' if value < target else 'not met'
            elif comparison == 'at-least-reference':
                status = 'met' if value >= target - 1e-9 else 'not met'
            else:
                status = 'met' if value <= target + 1e-9 else 'not met'
    else:
        status = 'no target'
    if not due and status != 'no target':
        status = 'not yet due'
    bval = _num(f.get('baseline_value'))
    change = None
    if bval not in (None, 0) and value is not None:
        change = (value - bval) / bval * 100.0
    return {
        'goal_id': goal_id, 'plan': f.get('plan'), 'title': f.get('title'), 'measure': m,
        'measure_name': MEASURES[m][0], 'variant': f.get('variant'), 'scope': scope or 'jobcenter',
        'evaluation': res['evaluation'], 'goal_evaluation': gev, 'deadline': f.get('deadline'),
        'comparison': comparison, 'target': rnd(target), 'unit': f.get('unit'), 'value': rnd(value),
        'numerator': rnd(sc['numerator']), 'denominator': rnd(sc['denominator']), 'status': status,
        'baseline_at': f.get('baseline_at'), 'baseline_value': bval, 'change_from_baseline_percent': rnd(change),
        'reference': ref, 'offset_pp': offset, 'adopted_by': f.get('adopted_by'), 'adopted_on': f.get('adopted_on'),
        'amendments': amendments, 'source': f.get('source'), 'note': note}


def _parses(p):
    try:
        parse_period(p)
        return True
    except UsageError:
        return False


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(',', ':'))
