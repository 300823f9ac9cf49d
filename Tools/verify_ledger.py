#!/usr/bin/env python3
"""Independent verifier for CaseLedger event ledgers, written from EventLogs/FORMAT.md alone.

usage: verify_ledger.py LEDGER_DIR [--m4 PERIOD] [--municipality CODE] [--known-at T] [--format FILE]

Prints `ok: N events, head seq S HASH` (exit 0; a recoverable damaged head slot and a recoverable
incomplete tail are reported on lines after it) or `DEFECT: FILE line N: reason` for the first defect (exit 1); usage errors exit 2. With --m4
it also prints measure M4 as one JSON line. "§n" is section n of FORMAT.md. The event catalog (§9)
is read from FORMAT.md itself: ../EventLogs/FORMAT.md next to this script, or --format FILE.
Standard library only; segments are streamed line by line.
"""
import argparse, array, calendar, datetime as dt, hashlib, json, os, re, sys

KEYS = ['seq', 'recorded_at', 'type', 'effective', 'municipality', 'citizen', 'facts', 'prev', 'hash']  # §2
ZERO, HEX64 = '0' * 64, re.compile(r'[0-9a-f]{64}\Z')
INSTANT = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z')               # §2 recorded_at
DATE, MONTH = re.compile(r'\d{4}-\d\d-\d\d\Z'), re.compile(r'\d{4}-(0[1-9]|1[0-2])\Z')
CITIZEN, MUNI = re.compile(r'c-[0-9a-f]{16}\Z'), re.compile(r'\d{3}\Z')        # §2
DECIMAL = re.compile(r'-?(0|[1-9][0-9]*)\.[0-9]{0,5}[1-9]\Z')                  # §3, a number with a fraction
HASH_FIELD = re.compile(rb',"hash":"[0-9a-f]{64}"\}\Z')                         # §4, the last 75 bytes
SLOT = re.compile(r'(\d{20}) ([0-9a-f]{64}) (\d{6}) (\d{16}) ([0-9a-f]{16}) *\n\Z')  # §5
SEGMENT = re.compile(r'segment-(\d{6})\.jsonl\Z')                               # §1
ESC = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}  # §3
CPR = re.compile(r'(?<![0-9A-Fa-f])[0-9]{6}-?[0-9]{4}(?![0-9A-Fa-f])')  # §6 DDMMYY[-]SSSS, not in a hex run


class Defect(Exception):
    pass


class Raw:  # a JSON number with a fraction or exponent, kept exactly as written (§3)
    def __init__(self, text): self.text = text


class Obj(list):  # a JSON object as its (key, value) pairs in file order
    pass


def real_date(s):
    try: return bool(DATE.match(s)) and dt.date.fromisoformat(s)
    except ValueError: return None


def encode(v):
    """The canonical encoding of §3; raises ValueError for a value that has none."""
    if v is None or isinstance(v, bool): return {None: 'null', True: 'true', False: 'false'}[v]
    if isinstance(v, int): return str(v)        # whole number: no '+', leading zeros, fraction, exponent
    if isinstance(v, Raw):
        if not DECIMAL.match(v.text): raise ValueError(f'number {v.text} is not canonical')
        return v.text
    if isinstance(v, str):                      # UTF-8 as is, only the listed escapes, \u00xx lowercase
        return '"' + ''.join(ESC.get(c) or ('\\u%04x' % ord(c) if c < ' ' else c) for c in v) + '"'
    if isinstance(v, Obj): return '{' + ','.join(encode(k) + ':' + encode(x) for k, x in v) + '}'
    return '[' + ','.join(map(encode, v)) + ']'


def load_catalog(path):
    """§9, between the catalog markers: type -> (citizen rule, municipality rule, [(field, kind, required)])."""
    text = open(path, encoding='utf-8').read().split('<!-- catalog:begin -->')[1].split('<!-- catalog:end -->')[0]
    catalog = {}
    for block in text.split('\n#### `')[1:]:
        rules = re.search(r'^- citizen: (\w+).*; municipality: (\w+)', block, re.M)
        fields = re.findall(r'^\| `(\w+)` \| (.*) \| (yes|no) \| .* \|$', block, re.M)
        catalog[block.split('`')[0]] = (rules[1], rules[2], [(f, k, r == 'yes') for f, k, r in fields])
    return catalog


def kind_error(kind, v, st):
    """None when v is a value of the catalog kind (§9 "Kinds"), else what is wrong."""
    s = isinstance(v, str)
    if kind.startswith('identifier'): ok = s and re.fullmatch(r'[A-Za-z0-9._:/-]{1,64}', v)
    elif kind.startswith('text'):               # no control characters, no CPR-shaped number, <= N bytes
        if s and re.search('[\x00-\x1f\x7f]', v): return 'text with a control character'
        if s and CPR.search(v): return 'text with a CPR-shaped number'
        ok = s and len(v.encode()) <= int(re.search(r'at most (\d+) bytes', kind)[1])
    elif kind.startswith('CVR'): ok = s and re.fullmatch(r'[0-9]{8}', v)
    elif kind.startswith('one of: '): ok = s and v in kind[8:].split(', ')
    elif kind.startswith('whole number'):
        lo, hi = map(int, re.findall(r'\d+', kind))
        ok = type(v) is int and lo <= v <= hi
    elif kind.startswith('date'): ok = s and real_date(v)
    elif kind == 'true or false': ok = isinstance(v, bool)
    elif kind == 'decimal number': ok = type(v) is int or isinstance(v, Raw)   # Raw: checked by encode()
    elif kind.startswith('period'): ok = s and period_range(v)
    elif kind.startswith('month'): ok = s and MONTH.match(v)
    elif kind.startswith('instant'): ok = s and INSTANT.match(v)
    elif kind.startswith('SHA-256'): ok = s and HEX64.match(v)
    elif kind.startswith('sequence number'): ok = type(v) is int and 1 <= v < st['seq']  # an earlier line
    elif kind.startswith('comma-separated'): ok = s and all(MUNI.match(m) for m in v.split(','))
    else: return f'unknown kind {kind!r} in the catalog'
    return None if ok else f'not a {kind}'


def check_facts(ev, st, catalog):
    """§9: citizen/municipality rule; facts are catalog fields in catalog order, required ones present."""
    citizen_rule, muni_rule, fields = catalog[ev['type']]
    for key, rule in (('citizen', citizen_rule), ('municipality', muni_rule)):
        if (rule == 'null') != (ev[key] is None) and rule != 'optional':
            raise Defect(f'{key} must be {"null" if rule == "null" else "given"} for {ev["type"]} (§9)')
    facts, names = ev['facts'], [k for k, _ in ev['facts']]
    given = dict(facts)
    corrects = given.get('corrects')
    if ev['type'] == 'correction' and not kind_error('sequence number', corrects, st):
        original = st['names'][st['types'][corrects]]
        if original in ('ledger_opened', 'publication', 'correction'):
            raise Defect(f'a correction of a {original} (§7)')
        if given.get('action') == 'supersede':       # §8, §9: the original type's facts follow
            fields = fields + catalog[original][2]
        elif len(names) > 3: raise Defect('a retraction carries no facts besides its own three (§8, §9)')
    order = [f for f, _, _ in fields]
    if len(set(names)) != len(names) or [n for n in order if n in names] != names:
        raise Defect(f'facts {names} are not {ev["type"]} fields in catalog order (§2, §9)')
    for f, kind, required in fields:
        if f not in given:
            if required: raise Defect(f'fact {f} is required (§9)')
        elif (why := kind_error(kind, given[f], st)): raise Defect(f'fact {f}: {why} (§9)')


def check_line(raw, st, catalog, now):
    """§2-§4 and §9 for one complete line (with its LF); advances the chain state st."""
    line = raw[:-1]
    if not HASH_FIELD.search(line): raise Defect('does not end with ,"hash":"<64 hex>"} (§4)')
    if hashlib.sha256(line[:-75]).hexdigest().encode() != line[-66:-2]:
        raise Defect("hash does not match the line's bytes: the line was altered (§4)")
    try: ev = json.loads(line.decode('utf-8'), object_pairs_hook=Obj, parse_float=Raw, parse_constant=Raw)
    except ValueError as e: raise Defect(f'not UTF-8 JSON: {e}')     # (UnicodeDecodeError is a ValueError)
    if not isinstance(ev, Obj) or [k for k, _ in ev] != KEYS:
        raise Defect('keys are not exactly ' + ','.join(KEYS) + ' in this order (§2)')
    try: canonical = encode(ev).encode('utf-8')
    except (ValueError, UnicodeEncodeError) as e: raise Defect(f'no canonical encoding (§3): {e}')
    if canonical != line: raise Defect('not in canonical encoding (§3)')
    ev = dict(ev)
    if type(ev['seq']) is not int or ev['seq'] != st['seq']:
        raise Defect(f'seq {ev["seq"]!r}, expected {st["seq"]} (§2)')
    if ev['prev'] != st['prev']: raise Defect("prev is not the previous line's hash (§4)")
    at = ev['recorded_at']
    try: assert INSTANT.match(at) and dt.datetime.strptime(at, '%Y-%m-%dT%H:%M:%S.%fZ')
    except (TypeError, ValueError, AssertionError): raise Defect(f'recorded_at {at!r} is not an instant (§2)')
    if at < st['at']: raise Defect(f"recorded_at {at} is before the previous line's {st['at']} (§2)")
    if at > now: raise Defect(f'recorded_at {at} is in the future (§2)')
    if not (isinstance(ev['effective'], str) and real_date(ev['effective'])):
        raise Defect(f'effective {ev["effective"]!r} is not a real date YYYY-MM-DD (§2)')
    if not isinstance(ev['type'], str) or ev['type'] not in catalog:
        raise Defect(f'unknown type {ev["type"]!r} (§9)')
    if (ev['seq'] == 1) != (ev['type'] == 'ledger_opened'):
        raise Defect('line 1, and no other line, is ledger_opened (§2)')
    if not isinstance(ev['facts'], Obj): raise Defect('facts is not an object (§2)')
    if ev['citizen'] is not None and not (isinstance(ev['citizen'], str) and CITIZEN.match(ev['citizen'])):
        raise Defect('citizen is not c- and 16 lowercase hex digits (§2)')
    check_facts(ev, st, catalog)
    if ev['seq'] == 1: st['munis'] = dict(ev['facts'])['municipalities'].split(',')
    if ev['municipality'] is not None and ev['municipality'] not in st['munis']:
        raise Defect(f"municipality {ev['municipality']!r} is not one of the ledger's {st['munis']} (§2)")
    st['types'].append(st['index'][ev['type']])
    st.update(seq=st['seq'] + 1, prev=ev['hash'], at=at)
    return ev


def slot_head(slot):
    """§5: the head a 128-byte slot holds when its text, check, padding and LF are as written, else None."""
    m = SLOT.match(slot.decode('ascii', 'replace'))
    if m and len(slot) == 128 and hashlib.sha256(m[0][:110].encode()).hexdigest()[:16] == m[5]:
        return (int(m[1]), m[2], int(m[3]), int(m[4]))
    return None


def last_line_hash(ledger, segment, end):
    """§5: the hash written in the line ending at byte `end` of segment `segment`, or None."""
    path = os.path.join(ledger, 'events', f'segment-{segment:06d}.jsonl')
    if end < 76 or not os.path.isfile(path) or os.path.getsize(path) < end: return None
    with open(path, 'rb') as f:      # `,"hash":"` 64 hex `"}` and LF
        f.seek(end - 76)
        tail = f.read(76)
    return tail[9:73].decode() if HASH_FIELD.match(tail[:-1]) and tail[-1:] == b'\n' else None


def read_head(ledger):
    """§5: two 128-byte slots; a slot counts when it is exactly as written; the valid one with the
    higher SEQ wins. An invalid slot one flipped bit from a valid one is damaged (bit rot or a torn
    write): when it names a later SEQ, its head is in force if the line ending at its OFFSET carries
    its HASH, else the head is not known (a defect); with no valid slot, a defect.
    Returns (head, note on a damaged slot or None)."""
    data, valid, damaged = open(os.path.join(ledger, 'head'), 'rb').read(), None, None
    if len(data) != 256: raise Defect(f'head: {len(data)} bytes, not two slots of 128 (§5)')
    for i in (0, 1):
        slot = data[128 * i:128 * i + 128]
        found = slot_head(slot)
        if found is None:
            for bit in range(128 * 8):
                flipped = bytearray(slot)
                flipped[bit // 8] ^= 1 << (bit % 8)
                named = slot_head(bytes(flipped))
                if named:
                    damaged = damaged or (i, named)
                    break
        elif valid is None or found[0] > valid[0]: valid = found
    if valid is None: raise Defect('head line 1: neither slot is valid (§5)')
    if damaged is None: return valid, None
    line, named = damaged[0] + 1, damaged[1]
    if named[0] <= valid[0]:
        return valid, f'head line {line}: one bit from a valid slot; it names seq {named[0]}, not later than the valid slot'
    if last_line_hash(ledger, named[2], named[3]) != named[1]:
        raise Defect(f'head line {line}: damaged (one bit from a valid slot); it names seq {named[0]}, later than the other '
                     f'slot, but no line ends at its offset with its hash: the head is not known for certain (§5)')
    return named, f'head line {line}: one bit from a valid slot; it names seq {named[0]}, the head in force (its line confirms it)'


def verify(ledger, catalog, on_event):
    """Checks the whole ledger; returns ((seq, hash) of the head, tail description or None, municipalities)."""
    marker = os.path.join(ledger, 'CASELEDGER')                               # §1 the marker
    if not os.path.isfile(marker) or open(marker, 'rb').read() != b'caseledger ledger format 1\n':
        raise Defect('CASELEDGER: missing or not "caseledger ledger format 1" and LF (§1)')
    events = os.path.join(ledger, 'events')
    numbers = sorted(int(m[1]) for m in map(SEGMENT.match, os.listdir(events)) if m)
    if not numbers or numbers != list(range(1, len(numbers) + 1)):            # §1 from 1, without gaps
        raise Defect(f'events: segments {numbers} are not numbered 1, 2, ... without gaps (§1)')
    (head_seq, head_hash, head_seg, head_off), damaged_slot = read_head(ledger)
    if head_seg > len(numbers): raise Defect(f'head: segment {head_seg} does not exist (§5)')
    st = dict(seq=1, prev=ZERO, at='', munis=[], names=list(catalog), index={t: i for i, t in enumerate(catalog)},
              types=array.array('B', [255]))        # types[seq]: the type of each line, one byte per line
    now = dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:23] + 'Z'
    tail_lines, torn, holed = 0, None, None
    for n in numbers:
        name = f'segment-{n:06d}.jsonl'
        with open(os.path.join(events, name), 'rb') as f:
            offset, lineno = 0, 0
            for lineno, raw in enumerate(f, 1):                              # streamed, one line at a time
                where = f'{name} line {lineno}'
                acked = n < head_seg or (n == head_seg and offset < head_off)  # up to the head (§5)
                offset += len(raw)
                if torn: raise Defect(f'{torn}: a torn line that is not the end of the ledger (§5)')
                if holed and n != holed[0]: raise Defect(f'{holed[1]}: a torn part that is not the end of the ledger (§5)')
                if not raw.endswith(b'\n'):                      # torn: allowed only as the very last bytes
                    if acked: raise Defect(f'{where}: line without LF inside acknowledged data (§5)')
                    torn = where
                    continue
                if not acked and b'\0' in raw:                  # §5: a zero-filled hole of a power cut
                    holed = holed or (n, where)
                    continue
                if holed:                                         # after a hole: well-formed, further along
                    try: after = json.loads(raw)
                    except ValueError: after = None
                    if not isinstance(after, dict) or not isinstance(after.get('seq'), int) or after['seq'] <= st['seq']:
                        raise Defect(f'{where}: after a zero-filled hole, neither holed nor a line further along (beyond the head, §5)')
                    continue
                if acked and n == head_seg and offset > head_off:
                    raise Defect(f"{where}: the head's offset {head_off} is inside this line (§5)")
                try: ev = check_line(raw, st, catalog, now)
                except Defect as e: raise Defect(f'{where}: {e}' + ('' if acked else ' (beyond the head, §5)'))
                if not acked: tail_lines += 1                    # a complete line continuing the chain
                elif n == head_seg and offset == head_off and (ev['seq'], ev['hash']) != (head_seq, head_hash):
                    raise Defect(f"{where}: seq {ev['seq']} {ev['hash']}, the head: {head_seq} {head_hash} (§5)")
                else: on_event(ev)
        if n == head_seg and offset < head_off:      # §5: a segment shorter than the head's OFFSET
            raise Defect(f"{name} line {lineno + 1}: the segment ends at byte {offset}, the head's offset is "
                         f'{head_off}: acknowledged lines were removed (§5)')
        if n == head_seg and st['seq'] - 1 - tail_lines != head_seq:
            raise Defect(f"{name}: the head's seq {head_seq} does not end at offset {head_off} (§5)")
    torn = torn or (holed and holed[1])
    tail = (tail_lines or torn) and f'{tail_lines} complete line(s) after the head' + (torn and f', torn {torn}' or '')
    return (head_seq, head_hash), tail, st['munis'], damaged_slot


def period_range(p):
    """§9 kind period: YYYY, YYYY-MM, YYYYQn or YYYY-MM-DD/YYYY-MM-DD -> (first day, last day), else None."""
    if (m := re.fullmatch(r'(\d{4})(?:-(\d\d)|Q([1-4]))?', p)):
        y = int(m[1])
        first, last = (int(m[2]),) * 2 if m[2] else (3 * int(m[3]) - 2, 3 * int(m[3])) if m[3] else (1, 12)
        try: return dt.date(y, first, 1).isoformat(), dt.date(y, last, calendar.monthrange(y, last)[1]).isoformat()
        except (ValueError, calendar.IllegalMonthError): return None
    m = re.fullmatch(r'(\d{4}-\d\d-\d\d)/(\d{4}-\d\d-\d\d)', p)
    return (m[1], m[2]) if m and real_date(m[1]) and real_date(m[2]) and m[1] <= m[2] else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ledger')
    ap.add_argument('--m4', metavar='PERIOD', help='YYYY, YYYY-MM, YYYYQn or YYYY-MM-DD/YYYY-MM-DD')
    ap.add_argument('--municipality', metavar='CODE', help='only this municipality in the M4 output')
    ap.add_argument('--known-at', metavar='T', help='YYYY-MM-DD (the end of that day, UTC) or an instant')
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--format', metavar='FILE', default=os.path.join(here, '..', 'EventLogs', 'FORMAT.md'))
    a = ap.parse_args()
    period = a.m4 and period_range(a.m4)
    if a.m4 and not period: ap.error(f'bad period {a.m4!r}')
    known = a.known_at or '9999-12-31T23:59:59.999Z'
    if DATE.match(known): known += 'T23:59:59.999Z'                       # §10: a bare date is its end, UTC
    if not (INSTANT.match(known) and real_date(known[:10])): ap.error(f'bad --known-at {a.known_at!r}')
    try: catalog = load_catalog(a.format)
    except (OSError, IndexError, TypeError) as e: ap.error(f'cannot read the catalog (§9) from {a.format}: {e}')
    if not os.path.isdir(a.ledger): ap.error(f'{a.ledger} is not a directory')
    starts = {}                                      # M4: seq -> municipality of each counted flex job start

    def m4(ev):  # DOMAIN.md M4: flex job starts effective in P; §10: events, as known at T; §8 corrections
        if not period or ev['recorded_at'] > known: return   # recorded after T: not known (nor its correction)
        if ev['type'] == 'flexjob_started' and period[0] <= ev['effective'] <= period[1]:
            starts[ev['seq']] = ev['municipality']
        facts = dict(ev['facts'])
        if ev['type'] == 'correction' and facts['action'] == 'retract':   # §8: as if never recorded
            starts.pop(facts['corrects'], None)      # (a supersede keeps effective date and municipality, §7)

    try: (seq, digest), tail, munis, damaged_slot = verify(a.ledger, catalog, m4)
    except (Defect, OSError) as e:
        print(f'DEFECT: {e}')
        return 1
    print(f'ok: {seq} events, head seq {seq} {digest}')
    if damaged_slot: print(f'recoverable damaged head slot: {damaged_slot} (§5)')
    if tail: print(f'recoverable incomplete tail: {tail} (§5)')
    if period:
        if a.municipality and a.municipality not in munis: ap.error(f'{a.municipality} is not in the ledger')
        counts = {m: list(starts.values()).count(m) for m in munis}      # §10: jobcenter = sum of municipalities
        scopes = {'jobcenter': sum(counts.values()), **counts}
        if a.municipality: scopes = {a.municipality: counts[a.municipality]}
        print(json.dumps({'measure': 'M4', 'period': a.m4, 'scopes': scopes}, separators=(',', ':')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
