/// The access log's rule for its last piece without a newline (EventLogs/FORMAT.md section 5a).
///
/// A record is written, fsynced, and then its newline, so a crash or a power cut can leave a last
/// line without newline: the beginning of the record being written, in which a power cut may also
/// have left holes of NUL bytes (a file grown before its data reached the disk). Nothing was shown
/// for it. A piece that cannot be such a beginning (a record followed by a byte that is not its
/// newline, a wrong sequence number or `prev`, bytes out of the record's shape) is damage, not a
/// torn write: otherwise a flipped newline would make the last acknowledged record look torn,
/// and the next record's write would remove it.
extension AccessLog {
    /// One part of a record line's shape.
    enum RecordPart {
        /// These exact bytes.
        case literal([UInt8])
        /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (digits where the pattern has `d`).
        case timestamp
        /// A JSON string in canonical form (section 3), quotes included.
        case string
        /// The pseudonyms up to and including `]`: `"c-` 16 hex `"` separated by commas.
        case citizens
        /// 64 lowercase hex digits.
        case hex64
    }

    /// A place in the shape: the part, the position in it, and a sub-state for strings and lists.
    struct RecordPlace: Hashable { var part: Int; var position: Int; var sub: Int }

    /// Whether `piece` (no newline in it) can be the beginning of the record with sequence number
    /// `seq` chained to `prev`, its newline included, where each NUL byte may stand for any byte.
    static func couldBeginRecord(_ piece: ArraySlice<UInt8>, seq: Int64, prev: SHA256Digest) -> Bool {
        guard piece.count <= lineBytesMax else { return false }
        let parts: [RecordPart] = [
            .literal(Array(#"{"seq":\#(seq),"recorded_at":""#.utf8)), .timestamp, .literal(Array(#"","user":"#.utf8)), .string,
            .literal(Array(#","purpose":"#.utf8)), .string, .literal(Array(#","subject":"#.utf8)), .string,
            .literal(Array(#","citizens":["#.utf8)), .citizens,
            .literal(Array(#","prev":"\#(prev.hex)","hash":""#.utf8)), .hex64, .literal(Array("\"}\n".utf8)),
        ]
        var places: Set<RecordPlace> = [RecordPlace(part: 0, position: 0, sub: 0)]
        var index = piece.startIndex
        while index < piece.endIndex {
            let byte = piece[index]
            var next: Set<RecordPlace> = []
            for place in places { successors(of: place, byte: byte == 0 ? nil : byte, parts: parts, into: &next) }
            if next.isEmpty { return false }
            // A run of NULs that leaves the places as they were leaves them so to its end.
            if byte == 0 && next == places {
                while index < piece.endIndex && piece[index] == 0 { index += 1 }
                continue
            }
            places = next
            index += 1
        }
        return true
    }

    /// The places after `place` reads `byte` (nil: any byte, an unwritten hole).
    static func successors(of place: RecordPlace, byte: UInt8?, parts: [RecordPart], into next: inout Set<RecordPlace>) {
        guard place.part < parts.count else { return }  // the whole line, newline included, is read
        let done = RecordPlace(part: place.part + 1, position: 0, sub: 0)
        func advance(_ length: Int) { next.insert(place.position + 1 == length ? done : RecordPlace(part: place.part, position: place.position + 1, sub: 0)) }
        func to(_ sub: Int) { next.insert(RecordPlace(part: place.part, position: place.position, sub: sub)) }
        func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) }
        switch parts[place.part] {
        case .literal(let bytes):
            if byte == nil || byte == bytes[place.position] { advance(bytes.count) }
        case .timestamp:
            let pattern = Array("dddd-dd-ddTdd:dd:dd.dddZ".utf8)
            let expected = pattern[place.position]
            if let b = byte {
                let fits = expected == UInt8(ascii: "d") ? (b >= 0x30 && b <= 0x39) : b == expected
                if fits { advance(pattern.count) }
            } else {
                advance(pattern.count)
            }
        case .hex64:
            if byte.map(isHex) ?? true { advance(64) }
        case .string:
            // sub 0: the opening quote; 1: content; 2: after a backslash; 3 to 6: `\u00xx`.
            switch place.sub {
            case 0: if byte == nil || byte == UInt8(ascii: "\"") { to(1) }
            case 1:
                guard let b = byte else { to(1); to(2); next.insert(done); return }
                if b == UInt8(ascii: "\"") { next.insert(done) } else if b == UInt8(ascii: "\\") { to(2) } else if b >= 0x20 { to(1) }
            case 2:
                guard let b = byte else { to(1); to(3); return }
                if Array(#""\bfnrt"#.utf8).contains(b) { to(1) } else if b == UInt8(ascii: "u") { to(3) }
            case 3, 4: if byte == nil || byte == UInt8(ascii: "0") { to(place.sub + 1) }
            case 5: if byte == nil || byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") { to(6) }
            default: if byte.map(isHex) ?? true { to(1) }
            }
        case .citizens:
            // sub 0: `]` or a first `"`; 1: `c`; 2: `-`; 3 to 18: hex; 19: closing quote;
            // 20: `,` or `]`; 21: the next opening quote.
            let quote = UInt8(ascii: "\""), close = UInt8(ascii: "]")
            switch place.sub {
            case 0:
                if byte == nil || byte == close { next.insert(done) }
                if byte == nil || byte == quote { to(1) }
            case 1: if byte == nil || byte == UInt8(ascii: "c") { to(2) }
            case 2: if byte == nil || byte == UInt8(ascii: "-") { to(3) }
            case 3...18: if byte.map(isHex) ?? true { to(place.sub + 1) }
            case 19: if byte == nil || byte == quote { to(20) }
            case 20:
                if byte == nil || byte == close { next.insert(done) }
                if byte == nil || byte == UInt8(ascii: ",") { to(21) }
            default: if byte == nil || byte == quote { to(1) }
            }
        }
    }
}
