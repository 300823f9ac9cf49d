#!/usr/bin/env python3
"""Independent verifier of CaseLedger Merkle proofs, written from EventLogs/FORMAT.md section 5c alone.

Usage:
  verify_proof.py PROOF.json [--line LINE_FILE] [--root HEX] [--old-root HEX]

PROOF.json is an inclusion proof ({"seq","leaf_index","tree_size","leaf_hash","root_hash","audit_path"})
or a consistency proof ({"old_size","new_size","old_root","new_root","consistency_path"}), as printed
by `caseledger prove`. --line: the stored line the inclusion proof is about (its bytes without the final
LF are the leaf). --root: the root the proof must end at (root_hash, or new_root); --old-root: a
consistency proof's old_root. Exit 0 valid, 1 invalid (naming what failed), 2 usage error.
Python standard library only.
"""
import hashlib
import json
import re
import sys

HEX = re.compile(r'^[0-9a-f]{64}$')
SIZE_MAX = 1 << 48
PATH_MAX = 64
FILE_MAX = 64 << 10
LINE_MAX = 80_000


class Invalid(Exception):
    """The proof, line or root does not hold; the message says what failed."""


def leaf_hash(line):
    """§5c: SHA-256(0x00 || the stored line's bytes without its final LF)."""
    return hashlib.sha256(b'\x00' + line).digest()


def node(left, right):
    """§5c: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b'\x01' + left + right).digest()


def verify_inclusion(leaf_index, tree_size, leaf, root, path):
    """RFC 9162 2.1.3.2 as FORMAT.md §5c words it."""
    if not 1 <= tree_size <= SIZE_MAX:
        raise Invalid('tree_size out of range')
    if not 0 <= leaf_index < tree_size:
        raise Invalid('leaf_index %d is not below tree_size %d' % (leaf_index, tree_size))
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            raise Invalid('the audit path is longer than the tree allows')
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid('the audit path is shorter than the tree needs')
    if r != root:
        raise Invalid('the root computed from leaf_hash and audit_path is not root_hash')


def verify_consistency(old_size, new_size, old_root, new_root, path):
    """RFC 9162 2.1.4.2 as FORMAT.md §5c words it."""
    if not (1 <= old_size <= new_size <= SIZE_MAX):
        raise Invalid('sizes must satisfy 1 <= old_size <= new_size')
    if old_size == new_size:
        if path:
            raise Invalid('the consistency path of a tree with itself must be empty')
        if old_root != new_root:
            raise Invalid('old_root and new_root differ for trees of the same size')
        return
    if not path:
        raise Invalid('the consistency path is empty')
    hashes = list(path)
    if old_size & (old_size - 1) == 0:
        hashes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            raise Invalid('the consistency path is longer than the trees allow')
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid('the consistency path is shorter than the trees need')
    if fr != old_root:
        raise Invalid('the old root computed from the consistency path is not old_root')
    if sr != new_root:
        raise Invalid('the new root computed from the consistency path is not new_root')


def read_proof(path):
    """The proof's fields, checked as §5c requires; errors name the file and field."""
    with open(path, 'rb') as f:
        data = f.read(FILE_MAX + 1)
    if len(data) > FILE_MAX:
        raise Invalid('%s: a proof is at most %d bytes' % (path, FILE_MAX))
    try:
        doc = json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid('%s: not JSON (%s)' % (path, e))
    if not isinstance(doc, dict):
        raise Invalid('%s: a proof is a JSON object' % path)
    if 'audit_path' in doc:
        keys, kind = ['seq', 'leaf_index', 'tree_size', 'leaf_hash', 'root_hash', 'audit_path'], 'inclusion'
    elif 'consistency_path' in doc:
        keys, kind = ['old_size', 'new_size', 'old_root', 'new_root', 'consistency_path'], 'consistency'
    else:
        raise Invalid('%s: neither an inclusion nor a consistency proof' % path)
    for k in doc:
        if k not in keys:
            raise Invalid('%s: field %s: unexpected field' % (path, k))
    out = {'kind': kind}
    for k in keys:
        if k not in doc:
            raise Invalid('%s: field %s: missing' % (path, k))
        v = doc[k]
        if k.endswith('_path'):
            if not isinstance(v, list) or len(v) > PATH_MAX:
                raise Invalid('%s: field %s: expected an array of at most %d hashes' % (path, k, PATH_MAX))
            for i, h in enumerate(v):
                if not isinstance(h, str) or not HEX.match(h):
                    raise Invalid('%s: field %s[%d]: expected 64 lowercase hex digits' % (path, k, i))
            out[k] = [bytes.fromhex(h) for h in v]
        elif k.endswith('_hash') or k.endswith('_root'):
            if not isinstance(v, str) or not HEX.match(v):
                raise Invalid('%s: field %s: expected 64 lowercase hex digits' % (path, k))
            out[k] = bytes.fromhex(v)
        else:
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= SIZE_MAX:
                raise Invalid('%s: field %s: expected a whole number 0...%d' % (path, k, SIZE_MAX))
            out[k] = v
    if kind == 'inclusion' and out['leaf_index'] != out['seq'] - 1:
        raise Invalid('%s: field leaf_index: must be seq - 1' % path)
    return out


def main(argv):
    args, opts = [], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('--line', '--root', '--old-root'):
            if i + 1 >= len(argv):
                print('verify_proof.py: %s needs a value' % a, file=sys.stderr)
                return 2
            # Spaces are allowed in a root: the minutes print it in groups of eight digits.
            opts[a] = argv[i + 1] if a == '--line' else argv[i + 1].replace(' ', '')
            i += 2
        elif a in ('-h', '--help'):
            print(__doc__)
            return 0
        elif a.startswith('-'):
            print('verify_proof.py: unknown option %s' % a, file=sys.stderr)
            return 2
        else:
            args.append(a)
            i += 1
    if len(args) != 1:
        print('usage: verify_proof.py PROOF.json [--line FILE] [--root HEX] [--old-root HEX]', file=sys.stderr)
        return 2
    for o in ('--root', '--old-root'):
        if o in opts and not HEX.match(opts[o]):
            print('verify_proof.py: %s expects 64 lowercase hex digits' % o, file=sys.stderr)
            return 2
    try:
        p = read_proof(args[0])
        if p['kind'] == 'inclusion':
            if '--old-root' in opts:
                print('verify_proof.py: --old-root goes with a consistency proof', file=sys.stderr)
                return 2
            verify_inclusion(p['leaf_index'], p['tree_size'], p['leaf_hash'], p['root_hash'], p['audit_path'])
            if '--root' in opts and bytes.fromhex(opts['--root']) != p['root_hash']:
                raise Invalid('root_hash is not the given root')
            if '--line' in opts:
                with open(opts['--line'], 'rb') as f:
                    line = f.read(LINE_MAX + 2)
                if line.endswith(b'\n'):
                    line = line[:-1]
                if b'\n' in line or len(line) > LINE_MAX:
                    raise Invalid('%s: not one stored line' % opts['--line'])
                if not line.startswith(b'{"seq":%d,' % p['seq']):
                    raise Invalid('%s: the line is not line %d' % (opts['--line'], p['seq']))
                if leaf_hash(line) != p['leaf_hash']:
                    raise Invalid('%s: the line\'s leaf hash is not leaf_hash' % opts['--line'])
            print('valid: line %d is leaf %d of the tree of %d lines with root %s'
                  % (p['seq'], p['leaf_index'], p['tree_size'], p['root_hash'].hex()))
        else:
            if '--line' in opts:
                print('verify_proof.py: --line goes with an inclusion proof', file=sys.stderr)
                return 2
            verify_consistency(p['old_size'], p['new_size'], p['old_root'], p['new_root'], p['consistency_path'])
            if '--old-root' in opts and bytes.fromhex(opts['--old-root']) != p['old_root']:
                raise Invalid('old_root is not the given old root')
            if '--root' in opts and bytes.fromhex(opts['--root']) != p['new_root']:
                raise Invalid('new_root is not the given root')
            print('valid: the tree of %d lines (root %s) is a prefix of the tree of %d lines (root %s)'
                  % (p['old_size'], p['old_root'].hex(), p['new_size'], p['new_root'].hex()))
        return 0
    except Invalid as e:
        print('INVALID: %s' % e)
        return 1
    except OSError as e:
        print('INVALID: cannot read %s' % e.filename)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
