/// The head of a ledger: the last acknowledged line, where it ends, and its hash.
///
/// Stored in the file `head` as two fixed 128-byte slots, each with
/// carries a checksum. Each write goes to the slot that does not hold the head in force, so a torn
/// write leaves the head in force intact. The valid slot with the higher sequence number is the head.
/// Lines beyond the head were never acknowledged.
public struct HeadRecord: Equatable, Sendable {
    /// The last acknowledged sequence number.
    public var seq: Int64
    /// That line's hash.
    public var hash: SHA256Digest
    /// The 1-based index of the segment file holding that line.
    public var segment: Int
    /// The byte length of that segment up to and including that line's newline.
    public var offset: Int64

    /// Bytes in one slot.
    public static let slotBytes = 128

    /// Makes a head record.
    public init(seq: Int64, hash: SHA256Digest, segment: Int, offset: Int64) {
        self.seq = seq
        self.hash = hash
        self.segment = segment
        self.offset = offset
    }

    /// The slot's bytes: `SEQ HASH SEGMENT OFFSET CHECK` padded with spaces to 127 bytes and a newline.
    public var slotBytes: [UInt8] {
        let body = Day.pad(Int(seq), 20) + " " + hash.hex + " " + Day.pad(segment, 6) + " " + Day.pad(Int(offset), 16) + " "
        let check = String(SHA256.hash(body).hex.prefix(16))
        var bytes = Array((body + check).utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: HeadRecord.slotBytes - 1 - bytes.count))
        bytes.append(0x0A)
        assert(bytes.count == HeadRecord.slotBytes)
        return bytes
    }

    /// Reads one slot; nil when it is empty, torn or its checksum does not match.
    public init?(slot: ArraySlice<UInt8>) {
        guard slot.count == HeadRecord.slotBytes else { return nil }
        let text = String(decoding: slot, as: UTF8.self)
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 5, parts[0].count == 20, parts[2].count == 6, parts[3].count == 16, parts[4].count >= 16,
              let seq = Int64(parts[0]), let hash = SHA256Digest(hex: parts[1]),
              let segment = Int(parts[2]), let offset = Int64(parts[3]) else { return nil }
        let body = parts[0] + " " + parts[1] + " " + parts[2] + " " + parts[3] + " "
        guard SHA256.hash(String(body)).hex.prefix(16) == parts[4].prefix(16) else { return nil }
        self.init(seq: seq, hash: hash, segment: segment, offset: offset)
    }

    /// The valid head of a `head` file's bytes (two slots), or nil when neither slot is valid.
    public static func read(fileBytes: [UInt8]) -> HeadRecord? { readWithSlot(fileBytes: fileBytes)?.head }

    /// The valid head and the slot (0 or 1) holding it. A new head is written to the other slot,
    /// so a torn write can never damage the head in force.
    public static func readWithSlot(fileBytes: [UInt8]) -> (head: HeadRecord, slot: Int)? {
        var best: (head: HeadRecord, slot: Int)?
        for index in 0..<2 {
            let start = index * slotBytes
            guard fileBytes.count >= start + slotBytes else { continue }
            if let record = HeadRecord(slot: fileBytes[start..<(start + slotBytes)]) {
                if best == nil || record.seq > best!.head.seq { best = (record, index) }
            }
        }
        return best
    }
}
