#!/usr/bin/env python3
"""Differential test: the SQL engine against `caseledger measure --json`.

Usage: Tools/sql/test_differential.py BINARY [--full] [--work DIR] [--only M1,M2]

Builds several ledgers with BINARY (generated ones with different seeds, sizes, municipalities,
late registrations and corrections, and the two demo jobcenters), then for every measure and
variant, at several days and periods (month ends, leap days, period boundaries) and knowledge
times, compares every scope's numerator, denominator and value (and M10/M20's breakdowns), the
evaluation, period and head. Counts must be equal; shares and full-time persons agree to the
4 fraction digits caseledger prints (|SQL - printed| <= 0.5e-4 + 1e-9). Prints every
disagreement, then `N passed, N failed`; exit status 1 on any failure."""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqlengine as E

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (measure, variant, extra args for caseledger, filters/benefits for SQL)
def requests(full):
    r = []
    for m in E.MEASURES:
        variants = E.MEASURES[m][3] or [None]
        for v in variants:
            r.append((m, v, None, None))
    r += [('M12', None, None, 'kontanthjaelp:jobparat+a-dagpenge'),
          ('M12', None, None, 'sygedagpenge+jobafklaringsforloeb'),
          ('M12', None, None, 'uddannelseshjaelp'),
          ('M12', None, None, 'flexjob'),
          ('M15', None, ('arrival', '2011-2013'), None),
          ('M18', None, ('event', 'Virksomhedernes Dag'), None),
          ('M20', None, ('kind', 'nytteindsats'), None)]
    if full:
        r += [('M12', None, None, 'kontanthjaelp:aktivitetsparat+ressourceforloeb+flexjob'),
              ('M20', None, ('kind', 'virksomhedspraktik'), None),
              ('M15', None, ('arrival', '2014-2014'), None)]
    return r


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError('%s failed: %s' % (' '.join(cmd[:3]), p.stderr.strip()[:300]))
    return p.stdout


def make_generated(binary, work, name, citizens, seed, munis, frm='2011-01-01', to='2014-12-31'):
    d = os.path.join(work, name)
    key = os.path.join(work, name + '.key')
    args = [binary, 'init', d, '--jobcenter', 'Jobcenter ' + name, '--key-file', key,
            '--recorded-at', '2010-12-01T00:00:00.000Z']
    for m in munis:
        args += ['--municipality', m]
    run(args)
    gen = [binary, 'generate', '--citizens', str(citizens), '--seed', str(seed), '--from', frm, '--to', to,
           '--with-recorded-at']
    for m in munis:
        gen += ['--municipality', m]
    data = run(gen)
    run([binary, 'append', d, '--historical', '--key-file', key], input=data)
    return d


def close(a, b, exact):
    if a is None or b is None:
        return a is None and b is None
    if exact:
        return abs(a - b) <= 1e-9
    return abs(a - b) <= 0.5e-4 + 1e-9


def compare_scopes(measure, kind, sql, cl, where, errs):
    if [s['scope'] for s in sql] != [s['scope'] for s in cl]:
        errs.append('%s: scopes %s vs %s' % (where, [s['scope'] for s in sql], [s['scope'] for s in cl]))
        return
    # Exact: every count (numerators and denominators of shares, weekdays of M12); to the printed
    # precision: shares, full-time persons, M12's weighted days, M19's average daily denominator.
    num_exact = measure != 'M12'
    den_exact = measure != 'M19'
    val_exact = kind in ('count', 'participants')
    for s, c in zip(sql, cl):
        ok = (close(s['numerator'], c['numerator'], num_exact)
              and close(s['denominator'], c['denominator'], den_exact)
              and close(s['value'], c['value'], val_exact))
        if not ok:
            errs.append('%s scope %s: SQL %s/%s=%s, caseledger %s/%s=%s' % (
                where, s['scope'], s['numerator'], s['denominator'], s['value'],
                c['numerator'], c['denominator'], c['value']))


def compare(sql, cl, where):
    errs = []
    for k in ('measure', 'variant', 'kind', 'evaluation', 'period_first', 'period_last', 'ledger_id',
              'head_seq', 'head_hash', 'known_at'):
        if sql.get(k) != cl.get(k):
            errs.append('%s: %s %r vs %r' % (where, k, sql.get(k), cl.get(k)))
    compare_scopes(sql['measure'], sql['kind'], sql['scopes'], cl['scopes'], where, errs)
    if ('breakdowns' in sql) != ('breakdowns' in cl):
        errs.append('%s: breakdowns present %s vs %s' % (where, 'breakdowns' in sql, 'breakdowns' in cl))
    elif 'breakdowns' in cl:
        sb = {(b['by'], e['label']): e['scopes'] for b in sql['breakdowns'] for e in b['entries']}
        cb = {(b['by'], e['label']): e['scopes'] for b in cl['breakdowns'] for e in b['entries']}
        if [b['by'] for b in sql['breakdowns']] != [b['by'] for b in cl['breakdowns']]:
            errs.append('%s: breakdown kinds differ' % where)
        for key in sorted(set(sb) | set(cb)):
            if key not in sb or key not in cb:
                errs.append('%s: breakdown %s only in %s' % (where, key, 'SQL' if key in sb else 'caseledger'))
            else:
                compare_scopes(sql['measure'], sql['kind'], sb[key], cb[key], '%s [%s=%s]' % (where, key[0], key[1]), errs)
    return errs


def caseledger_measure(binary, led, m, v, at, period, filt, benefits, known_at, municipality):
    cmd = [binary, 'measure', led, m, '--json']
    cmd += ['--at', at] if at else ['--period', period]
    if v:
        cmd += ['--variant', v]
    if filt:
        cmd += ['--filter', '%s=%s' % filt]
    if benefits:
        cmd += ['--benefits', benefits]
    if known_at:
        cmd += ['--known-at', known_at]
    if municipality:
        cmd += ['--municipality', municipality]
    return json.loads(run(cmd))


def check_ledger(binary, led, evals, known_ats, reqs, only, counters, municipality=None):
    import datetime
    for known in known_ats:
        con = E.connect()
        ka = E.parse_known_at(known)
        E.load(con, [led], ka)
        for (at, period) in evals:
            for (m, v, filt, benefits) in reqs:
                if only and m not in only:
                    continue
                where = '%s %s%s %s%s%s%s' % (os.path.basename(led), m, ' ' + v if v else '',
                                             '--at ' + at if at else '--period ' + period,
                                             ' --known-at ' + known if known else '',
                                             ' --filter %s=%s' % filt if filt else '',
                                             ' --benefits ' + benefits if benefits else '')
                try:
                    cl = caseledger_measure(binary, led, m, v, at, period, filt, benefits, known, municipality)
                    sql = E.compute(con, [led], 0, m, v, datetime.date.fromisoformat(at) if at else None, period,
                                    dict([filt]) if filt else {}, benefits, municipality, ka, rounding=False)
                    errs = compare(sql, cl, where)
                except Exception as e:  # an error on either side is a failure, never a pass
                    errs = ['%s: error %s' % (where, e)]
                if errs:
                    counters['failed'] += 1
                    for e in errs[:6]:
                        print('DIFF ' + e)
                else:
                    counters['passed'] += 1
        con.close()


SQL = os.path.dirname(os.path.abspath(__file__))


def count(counters, ok, what):
    counters['passed' if ok else 'failed'] += 1
    if not ok:
        print('DIFF ' + what)


def check_report(binary, led, at, known, counters):
    """Tools/sql/report against caseledger report --json: the same bytes (every goal's value,
    numerator, denominator, evaluation, status, change from baseline ...)."""
    extra = ['--known-at', known] if known else []
    try:
        cl = run([binary, 'report', led, '--at', at, '--json'] + extra).strip()
        sq = run([sys.executable, os.path.join(SQL, 'report'), led, '--at', at] + extra).strip()
    except Exception as e:
        count(counters, False, '%s report --at %s: error %s' % (os.path.basename(led), at, e))
        return
    if sq == cl:
        count(counters, True, '')
        return
    a, b = json.loads(sq), json.loads(cl)
    lines = [k for k in b if k != 'goals' and a.get(k) != b[k]]
    for x, y in zip(a['goals'], b['goals']):
        lines += ['%s.%s SQL %r caseledger %r' % (y['goal_id'], k, x.get(k), y[k]) for k in y if x.get(k) != y[k]]
    count(counters, False, '%s report --at %s%s: %s' % (os.path.basename(led), at, ' --known-at ' + known if known
                                                        else '', '; '.join(map(str, lines[:8])) or 'bytes differ'))


def check_national(ledgers, counters):
    """One national run over several ledgers gives each jobcenter what its own run gives."""
    for (m, args) in [('M1', ['--at', '2014-12-31']), ('M12', ['--period', '2014'])]:
        try:
            nat = json.loads(run([sys.executable, os.path.join(SQL, 'national')] + ledgers + [m] + args))
            ok = True
            total_num = 0
            for j, led in zip(nat['jobcenters'], ledgers):
                one = json.loads(run([sys.executable, os.path.join(SQL, 'measure'), led, m] + args))
                ok = ok and j['scopes'] == one['scopes'] and j['ledger_id'] == one['ledger_id']
                total_num += one['scopes'][0]['numerator']
            ok = ok and abs(nat['national']['numerator'] - total_num) <= 1e-3
        except Exception as e:
            ok = False
        count(counters, ok, 'national %s %s: not the per-ledger values' % (m, ' '.join(args)))


def check_audit(binary, led, counters):
    """Publish with caseledger, then reproduce the publication with Tools/sql/audit."""
    try:
        run([binary, 'publish', led, '--at', '2014-12-31', '--title', 'SQL audit test'])
        p = subprocess.run([sys.executable, os.path.join(SQL, 'audit'), led], capture_output=True, text=True)
        ok = p.returncode == 0 and 'REPRODUCED' in p.stdout and 'NOT REPRODUCED' not in p.stdout
        msg = p.stdout.strip()[-400:]
    except Exception as e:
        ok, msg = False, str(e)
    count(counters, ok, 'audit of a fresh publication: %s' % msg)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('binary')
    ap.add_argument('--full', action='store_true')
    ap.add_argument('--work')
    ap.add_argument('--only')
    ap.add_argument('--no-demo', action='store_true')
    a = ap.parse_args(argv)
    binary = os.path.abspath(a.binary)
    only = set(a.only.split(',')) if a.only else None
    work = a.work or tempfile.mkdtemp(prefix='caseledger-sqltest-')
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    reqs = requests(a.full)
    counters = {'passed': 0, 'failed': 0}
    ledgers = []
    try:
        gens = [('gen-a', 120, 11, ['250']), ('gen-b', 300, 22, ['183', '187'])]
        if a.full:
            gens += [('gen-c', 200, 33, ['270']), ('gen-d', 1500, 44, ['183', '187']), ('gen-e', 800, 55, ['250'])]
        for (name, n, seed, munis) in gens:
            d = os.path.join(work, name)
            if not os.path.isdir(d):
                make_generated(binary, work, name, n, seed, munis)
            ledgers.append(d)
        if a.full:
            evals = [('2014-12-31', None), ('2012-02-29', None), ('2013-02-28', None), ('2012-08-31', None),
                     (None, '2014'), (None, '2013Q4'), (None, '2012-02'), (None, '2013-03-01/2013-09-30')]
        else:
            evals = [('2014-12-31', None), ('2012-02-29', None), (None, '2014'), (None, '2013Q4')]
        for i, d in enumerate(ledgers):
            known = [None, '2013-06-30'] if (a.full or i == 1) else [None]
            check_ledger(binary, d, evals, known, reqs, only, counters)
            print('.. %s: %d passed, %d failed so far (%.0f s)' % (os.path.basename(d), counters['passed'],
                                                                    counters['failed'], time.time() - t0),
                  flush=True)
        # one municipality-restricted run
        check_ledger(binary, ledgers[1], [('2014-12-31', None)] + ([(None, '2014')] if a.full else []), [None],
                     reqs, only, counters, municipality='187')
        if not a.no_demo:
            demo = os.path.join(work, 'demo')
            if not os.path.isdir(os.path.join(demo, 'vallensbaek')):
                run([binary, 'demo', demo, '--plans', os.path.join(REPO, 'EventLogs', 'plans')])
            for j in ('frederikssund', 'vallensbaek'):
                led = os.path.join(demo, j)
                # every goal: Tools/sql/report against caseledger report --json, byte for byte
                for (at, known) in [('2014-12-31', None), ('2013-06-30', None), ('2014-12-31', '2014-07-15')]:
                    check_report(binary, led, at, known, counters)
                if a.full:
                    evals_demo = [('2014-12-31', None), ('2012-02-29', None), (None, '2014'), (None, '2013Q1'),
                                  ('2013-12-31', None), ('2014-06-30', None), (None, '2012'), (None, '2014-03')]
                    check_ledger(binary, led, evals_demo, [None, '2014-07-15'], reqs, only, counters)
                elif j == 'vallensbaek':
                    check_ledger(binary, led, [('2014-12-31', None)], [None], reqs, only, counters)
                print('.. demo %s: %d passed, %d failed so far (%.0f s)' % (j, counters['passed'],
                                                                         counters['failed'], time.time() - t0),
                      flush=True)
            # the 2024 plan: relative goals (reference figures, offsets, gap-reduced-by, a labour-force denominator)
            f24 = os.path.join(work, 'plan-2024')
            if not os.path.isdir(f24):
                make_generated(binary, work, 'plan-2024', 300, 24, ['250'], frm='2022-01-01', to='2024-12-31')
                with open(os.path.join(REPO, 'EventLogs', 'plans', 'frederikssund-2024.jsonl')) as fh:
                    run([binary, 'append', f24, '--key-file', os.path.join(work, 'plan-2024.key')], input=fh.read())
            for at in ('2024-12-31', '2024-06-30', '2023-12-31'):
                check_report(binary, f24, at, None, counters)
            check_national([os.path.join(demo, 'frederikssund'), os.path.join(demo, 'vallensbaek'), ledgers[1]],
                           counters)
            check_audit(binary, os.path.join(demo, 'vallensbaek'), counters)
            print('.. report, national, audit: %d passed, %d failed so far (%.0f s)' % (
                counters['passed'], counters['failed'], time.time() - t0), flush=True)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    print('%d passed, %d failed' % (counters['passed'], counters['failed']))
    return 1 if counters['failed'] or counters['passed'] == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
