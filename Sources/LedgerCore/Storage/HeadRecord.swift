/// The head of a ledger: the last acknowledged line, where it ends, and its hash.
///
/// Stored in the file `head` as two fixed 128-byte slots, each with a checksum. Each write goes to
/// the slot that does not hold the head in force, so a torn write leaves the head in force intact.
/// The valid slot with the higher sequence number is the head, unless a damaged slot names a later
/// head that the segments confirm (``Ledger/readHeadInForce()``). Lines beyond the head were never
/// acknowledged.
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

    /// Reads one slot; nil when it is empty, torn, its checksum does not match, or any of its 128
    /// bytes (padding and newline included) is not as ``slotBytes`` writes it.
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
        // Strict: a flipped bit in the padding is bit rot as much as one in the text.
        guard slotBytes.elementsEqual(slot) else { return nil }
    }

    /// The head an invalid slot names when exactly one of its bits is flipped, or nil. Such a slot is
    /// damaged: by bit rot, or by a write of it that a power cut tore (the new or the old slot's
    /// bytes with one bit changed; the two cannot be told apart).
    public static func withOneBitFlipped(slot: ArraySlice<UInt8>) -> HeadRecord? {
        guard slot.count == slotBytes, HeadRecord(slot: slot) == nil else { return nil }
        var bytes = Array(slot)
        for index in 0..<slotBytes {
            // Only a byte one bit away from a byte a slot can hold: digits, hex, space, newline.
            for bit in 0..<8 {
                bytes[index] ^= UInt8(1 << bit)
                let byte = bytes[index]
                let possible = byte == 0x20 || byte == 0x0A || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
                if possible, let record = HeadRecord(slot: bytes[...]) { return record }
                bytes[index] ^= UInt8(1 << bit)
            }
        }
        return nil
    }

    /// What a `head` file holds: the valid slot with the higher seq and each invalid slot that is
    /// one flipped bit away from a valid one, with the head it then names.
    public struct FileState: Sendable {
        /// The valid slot with the higher seq and its slot (0 or 1); nil when neither slot is valid.
        public var inForce: (head: HeadRecord, slot: Int)?
        /// Slots (0 or 1) with one flipped bit, and the head each would name without it.
        public var flippedSlots: [(slot: Int, names: HeadRecord)]
    }

    /// Reads a `head` file's two slots, looking for a damaged one.
    public static func inspect(fileBytes: [UInt8]) -> FileState {
        var state = FileState(inForce: readWithSlot(fileBytes: fileBytes), flippedSlots: [])
        for index in 0..<2 where fileBytes.count >= (index + 1) * slotBytes {
            let slot = fileBytes[(index * slotBytes)..<((index + 1) * slotBytes)]
            if let named = withOneBitFlipped(slot: slot) { state.flippedSlots.append((index, named)) }
        }
        return state
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

/// The head in force as a ledger's `head` file and segments establish it, with the slot holding it
/// and a damaged slot, if any.
public struct HeadInForce: Equatable, Sendable {
    /// The head in force.
    public var head: HeadRecord
    /// The slot (0 or 1) holding it.
    public var slot: Int
    /// A slot one flipped bit away from a valid one, if any.
    public var damagedSlot: DamagedHeadSlot?

    /// Makes the reading.
    public init(head: HeadRecord, slot: Int, damagedSlot: DamagedHeadSlot?) {
        self.head = head
        self.slot = slot
        self.damagedSlot = damagedSlot
    }
}

/// A head slot one flipped bit away from a valid one: bit rot, or a write of the slot torn by a
/// power cut. Recoverable: the head in force is known, and the next append rewrites the slot.
public struct DamagedHeadSlot: Equatable, Sendable {
    /// The slot, 0 or 1 (line 1 or 2 of `head`).
    public var slot: Int
    /// The head the slot names with its bit flipped back.
    public var names: HeadRecord
    /// Whether that head is the head in force (a later head than the other slot's, confirmed by the
    /// line ending at its offset); otherwise the other, valid slot holds the head in force.
    public var holdsHeadInForce: Bool

    /// Makes the description.
    public init(slot: Int, names: HeadRecord, holdsHeadInForce: Bool) {
        self.slot = slot
        self.names = names
        self.holdsHeadInForce = holdsHeadInForce
    }

    /// The slot's line in `head` (1-based).
    public var line: Int { slot + 1 }
}
