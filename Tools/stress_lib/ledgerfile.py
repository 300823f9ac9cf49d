"""The event file format of EventLogs/FORMAT.md, written from Python (sections cited as "§n").

Used by the tamper campaign to write multi-segment ledgers by hand (segments roll at 256 MiB, far
beyond what a campaign should write) and to forge lines: canonical lines (§3), the hashing rule
(§4) and the head's two slots (§5). Writing a ledger from this module and having `caseledger
verify` accept it also checks that FORMAT.md is complete.
"""
import hashlib
import json
import os
from pathlib import Path

FORMAT_MARKER = b"caseledger ledger format 1\n"  # §1
KEYS = ("seq", "recorded_at", "type", "effective", "municipality", "citizen", "facts", "prev", "hash")  # §2
ZERO_HASH = "0" * 64
HASH_SUFFIX_BYTES = 75  # §4: ,"hash":" + 64 hex digits + "}
SLOT_BYTES = 128        # §5
SEGMENT_BYTES_MAX = 256 << 20  # §1


class Decimal(str):
    """A JSON number with a fraction, kept exactly as written (§3 "decimal numbers")."""


class Facts(list):
    """An event's facts as (name, value) pairs in file order (the catalog's order, §3)."""


def segment_name(index):
    """`segment-NNNNNN.jsonl` (§1)."""
    return "segment-%06d.jsonl" % index


def encode_string(text):
    """A JSON string in the canonical form of §3: UTF-8 as is, only the listed escapes."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def encode_value(value):
    """A fact value or envelope value in canonical form (§3)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return encode_string(value)
    if isinstance(value, (Facts, list)):
        return "{" + ",".join(encode_string(k) + ":" + encode_value(v) for k, v in value) + "}"
    raise ValueError(f"no canonical encoding for {value!r}")


def line_body(seq, recorded_at, type_, effective, municipality, citizen, facts, prev):
    """The hashed bytes of a line (§4): from `{` to the closing quote of `prev`'s value."""
    text = ('{"seq":' + str(seq) + ',"recorded_at":' + encode_string(recorded_at) + ',"type":' + encode_string(type_)
            + ',"effective":' + encode_string(effective) + ',"municipality":' + encode_value(municipality)
            + ',"citizen":' + encode_value(citizen) + ',"facts":' + encode_value(Facts(facts))
            + ',"prev":' + encode_string(prev))
    return text.encode("utf-8")


def make_line(seq, recorded_at, type_, effective, municipality, citizen, facts, prev):
    """A whole line with its LF, and its hash (§4: SHA-256 of the body, 64 lowercase hex digits)."""
    body = line_body(seq, recorded_at, type_, effective, municipality, citizen, facts, prev)
    digest = hashlib.sha256(body).hexdigest()
    return body + b',"hash":"' + digest.encode("ascii") + b'"}\n', digest


def parse_line(line):
    """A stored line (bytes, with or without its LF) as a dict; facts keep their order, decimals their text."""
    text = line.decode("utf-8").rstrip("\n")
    pairs = json.loads(text, object_pairs_hook=lambda items: Facts(items), parse_float=Decimal)
    event = dict(pairs)
    if list(event) != list(KEYS):
        raise ValueError(f"keys {list(event)} are not those of §2 in order")
    return event


def encode_event(event):
    """Encodes a parsed line again (seq, times, prev and hash as they are); returns (line, hash)."""
    return make_line(event["seq"], event["recorded_at"], event["type"], event["effective"], event["municipality"],
                     event["citizen"], event["facts"], event["prev"])


def rechain(events, first_prev=ZERO_HASH):
    """Encodes `events` (parsed lines, in order) as a chain: each line's prev is the hash before it.
    Returns the lines (bytes with LF) and their hashes."""
    lines, hashes, prev = [], [], first_prev
    for event in events:
        line, digest = make_line(event["seq"], event["recorded_at"], event["type"], event["effective"],
                                 event["municipality"], event["citizen"], event["facts"], prev)
        lines.append(line)
        hashes.append(digest)
        prev = digest
    return lines, hashes


def head_slot(seq, digest, segment, offset):
    """One 128-byte head slot (§5): `SEQ HASH SEGMENT OFFSET CHECK`, spaces, LF."""
    body = "%020d %s %06d %016d " % (seq, digest, segment, offset)
    check = hashlib.sha256(body.encode("ascii")).hexdigest()[:16]
    slot = (body + check).ljust(SLOT_BYTES - 1) + "\n"
    assert len(slot) == SLOT_BYTES
    return slot.encode("ascii")


def slot_head(slot):
    """The head a 128-byte slot holds when all its bytes are exactly as `head_slot` writes them, else None."""
    if len(slot) != SLOT_BYTES:
        return None
    parts = slot.decode("ascii", "replace").split()
    if len(parts) != 5 or len(parts[0]) != 20 or len(parts[2]) != 6 or len(parts[3]) != 16:
        return None
    try:
        head = (int(parts[0]), parts[1], int(parts[2]), int(parts[3]))
        return head if head_slot(*head) == slot else None
    except (ValueError, TypeError):
        return None


def line_hash_ending_at(ledger, segment, offset):
    """The hash written in the line that ends at byte `offset` of segment `segment`, or None."""
    path = Path(ledger) / "events" / segment_name(segment)
    if offset < 76 or not path.is_file() or path.stat().st_size < offset:
        return None
    with open(path, "rb") as f:
        f.seek(offset - 76)
        tail = f.read(76)       # ,"hash":"<64 hex>"} and LF
    if tail[:9] != b',"hash":"' or tail[73:] != b'"}\n':
        return None
    return tail[9:73].decode("ascii", "replace")


def read_head(path):
    """The head in force of a `head` file (§5): (seq, hash, segment, offset), or None when it is not
    known. The valid slot with the higher seq, unless the other slot is one flipped bit from a valid
    one naming a later head and the line ending at that head's offset carries its hash."""
    data = Path(path).read_bytes()
    valid, damaged = None, None
    for index in range(2):
        slot = data[index * SLOT_BYTES:(index + 1) * SLOT_BYTES]
        head = slot_head(slot)
        if head is not None:
            if valid is None or head[0] > valid[0]:
                valid = head
            continue
        if len(slot) != SLOT_BYTES or damaged is not None:
            continue
        for bit in range(SLOT_BYTES * 8):
            flipped = bytearray(slot)
            flipped[bit // 8] ^= 1 << (bit % 8)
            named = slot_head(bytes(flipped))
            if named is not None:
                damaged = named
                break
    if valid is None or damaged is None or damaged[0] <= valid[0]:
        return valid
    if line_hash_ending_at(Path(path).parent, damaged[2], damaged[3]) == damaged[1]:
        return damaged
    return None


def write_ledger(directory, segments, key_location, older_head=None):
    """Writes a ledger directory by hand (§1): marker, `events/` with one file per list of lines in
    `segments`, `head`, `lock` and `key-location`. The head is the last line of the last segment;
    slot 0 holds `older_head` (seq, hash, segment, offset) when given, so that the reader must pick
    the slot with the higher sequence number. Returns the head (seq, hash, segment, offset)."""
    directory = Path(directory)
    (directory / "events").mkdir(parents=True)
    for index, lines in enumerate(segments, start=1):
        (directory / "events" / segment_name(index)).write_bytes(b"".join(lines))
    last = parse_line(segments[-1][-1])
    head = (last["seq"], last["hash"], len(segments), sum(len(line) for line in segments[-1]))
    newer = head_slot(*head)
    older = head_slot(*older_head) if older_head else newer
    (directory / "head").write_bytes(older + newer)
    (directory / "lock").write_bytes(b"")
    (directory / "key-location").write_bytes(str(key_location).encode("utf-8") + b"\n")
    (directory / "CASELEDGER").write_bytes(FORMAT_MARKER)
    return head


def segment_lines(directory, index):
    """The lines of a segment file, each with its LF (a last piece without LF is kept as it is)."""
    data = (Path(directory) / "events" / segment_name(index)).read_bytes()
    return data.splitlines(keepends=True)


def write_segment(directory, index, lines):
    (Path(directory) / "events" / segment_name(index)).write_bytes(b"".join(lines))


def segment_count(directory):
    return len([n for n in os.listdir(Path(directory) / "events") if n.startswith("segment-")])
