/// Splits a whole input (JSON Lines or CSV) into decoded records: the first step of `append` and `import`.
public enum InputBatch {
    /// Most bytes read as one batch.
    public static let inputBytesMax = 8 << 30

    /// Decodes JSON Lines: one object per line; blank lines are skipped; a final line needs no newline.
    public static func records(jsonLines bytes: [UInt8], decoder: InputDecoder) throws(LedgerError) -> [InputRecord] {
        var records: [InputRecord] = []
        try forEachRecord(jsonLines: bytes, decoder: decoder) { (record) throws(LedgerError) in records.append(record) }
        return records
    }

    /// Decodes JSON Lines one record at a time, calling `body` with each (for appends of any size).
    public static func forEachRecord(jsonLines bytes: [UInt8], decoder: InputDecoder,
                                     _ body: (InputRecord) throws(LedgerError) -> Void) throws(LedgerError) {
        var result: Result<Void, LedgerError> = .success(())
        bytes.withUnsafeBytes { buffer in
            var lineStart = 0
            var lineNumber = 0
            var count = 0
            let n = buffer.count
            while lineStart < n {
                lineNumber += 1
                let lineEnd = newlineIndex(buffer, from: lineStart) ?? n
                var contentEnd = lineEnd
                if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: buffer[lineStart..<contentEnd])
                lineStart = lineEnd + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                count += 1
                guard count <= InputDecoder.batchLinesMax else {
                    result = .failure(.input(InputError(source: decoder.source, line: lineNumber, field: "",
                                                        message: "more than \(InputDecoder.batchLinesMax) events in one batch; split the input")))
                    return
                }
                let step = Result { () throws(LedgerError) in try body(try decoder.decode(jsonLine: line, line: lineNumber)) }
                if case .failure = step { result = step; return }
            }
        }
        try result.get()
    }

    /// The index of the next newline at or after `start`, or nil.
    static func newlineIndex(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        while i < buffer.count {
            if buffer[i] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    /// Decodes CSV one row at a time, calling `body` with each record; the first bad row (syntax,
    /// UTF-8 or content) is the one named.
    public static func forEachRecord(csv bytes: [UInt8], type: EventType, decoder: InputDecoder,
                                     _ body: (InputRecord) throws(LedgerError) -> Void) throws(LedgerError) {
        let spec = Catalog.spec(type)
        let envelope: Set<String> = ["type", "effective", "municipality", "citizen", "cpr", "recorded_at"]
        var names: [String]?
        var failure: LedgerError?
        CSVReader.forEachRow(bytes) { result in
            let step = Result { () throws(LedgerError) in
                let row: CSVReader.Row
                switch result {
                case .success(let r): row = r
                case .failure(let error):
                    throw LedgerError.input(InputError(source: decoder.source, line: error.line, field: "", message: error.message))
                }
                guard let header = names else {
                    var seen: Set<String> = []
                    let columns = row.cells.map { $0.trimmingSpaces }
                    for name in columns {
                        guard !name.isEmpty else { throw LedgerError.input(InputError(source: decoder.source, line: row.line, field: "", message: "a header cell is empty")) }
                        guard seen.insert(name).inserted else {
                            throw LedgerError.input(InputError(source: decoder.source, line: row.line, field: name, message: "column named twice"))
                        }
                        guard envelope.contains(name) || spec.field(name) != nil || type == .correction else {
                            throw LedgerError.input(InputError(source: decoder.source, line: row.line, field: name,
                                                               message: "unknown column for \(type.rawValue); columns: effective, municipality, cpr or citizen, "
                                                                   + spec.fields.map(\.name).joined(separator: ", ")))
                        }
                    }
                    names = columns
                    return
                }
                try body(try decoder.decode(csvRow: row.cells.map { $0.trimmingSpaces }, header: header, type: type, line: row.line))
            }
            if case .failure(let error) = step { failure = error; return false }
            return true
        }
        if let failure { throw failure }
        if names == nil {
            throw LedgerError.input(InputError(source: decoder.source, line: 1, field: "", message: "the file is empty; expected a header row"))
        }
    }
}
