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
        var count = 0
        bytes.withUnsafeBytes { buffer in
            _ = forEachContentLine(buffer, from: 0, to: buffer.count) { (lineNumber, line) in
                count += 1
                guard count <= InputDecoder.batchLinesMax else {
                    result = .failure(.input(InputError(source: decoder.source, line: lineNumber, field: "",
                                                        message: "more than \(InputDecoder.batchLinesMax) events in one batch; split the input")))
                    return false
                }
                result = Result { () throws(LedgerError) in try body(try decoder.decode(jsonLine: line, line: lineNumber)) }
                if case .failure = result { return false }
                return true
            }
        }
        try result.get()
    }

    /// Calls `body` with each line of `buffer[start..<end]` that is not blank (spaces and tabs),
    /// without its newline and a carriage return before it, and its 1-based number counted from
    /// `start`, until `body` returns false. Returns the number of lines passed over (blank ones included).
    static func forEachContentLine(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                   _ body: (_ lineNumber: Int, _ line: UnsafeRawBufferPointer) -> Bool) -> Int {
        var lineStart = start
        var lineNumber = 0
        while lineStart < end {
            lineNumber += 1
            let lineEnd = min(newlineIndex(buffer, from: lineStart) ?? buffer.count, end)
            var contentEnd = lineEnd
            if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: buffer[lineStart..<contentEnd])
            lineStart = lineEnd + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if !body(lineNumber, line) { break }
        }
        return lineNumber
    }

    /// Inputs at least this large are decoded on several threads.
    static let parallelInputBytesMin = 1 << 20
    /// Bytes per parallel decoding chunk.
    static let chunkBytes = 1 << 20

    /// Decodes JSON Lines on `threads` threads (0: all processors), calling `body` with each record
    /// in input order. The result is the same as ``forEachRecord(jsonLines:decoder:_:)``'s: the first
    /// line in input order that fails to decode, or that `body` rejects, is the error.
    public static func forEachRecordInParallel(jsonLines bytes: [UInt8], decoder: InputDecoder, threads: Int = 0,
                                               _ body: (InputRecord) throws(LedgerError) -> Void) throws(LedgerError) {
        let workers = threads > 0 ? threads : Parallel.processorCount
        guard workers > 1, bytes.count >= parallelInputBytesMin else {
            return try forEachRecord(jsonLines: bytes, decoder: decoder, body)
        }
        // Chunks end just after a newline. Each is decoded with line numbers counted from its own
        // start; they are made absolute when the chunks are taken in order.
        var chunks: [(start: Int, end: Int)] = []
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                var end = min(buffer.count, start + chunkBytes)
                if end < buffer.count { end = (newlineIndex(buffer, from: end - 1) ?? (buffer.count - 1)) + 1 }
                chunks.append((start, end))
                start = end
            }
        }
        // Each chunk decodes up to its first failure: its records, its line count, the failure if any.
        typealias Decoded = [(records: [InputRecord], lines: Int, failure: LedgerError?)]
        let input = bytes
        let waveSize = workers * 4
        func decodeWave(_ first: Int) -> Pending<Decoded>? {
            guard first < chunks.count else { return nil }
            let wave = Array(chunks[first..<min(chunks.count, first + waveSize)])
            return Pending {
                Parallel.map(count: wave.count, workers: workers) { k in
                    input.withUnsafeBytes { buffer in
                        var records: [InputRecord] = []
                        var failure: LedgerError?
                        let lines = forEachContentLine(buffer, from: wave[k].start, to: wave[k].end) { (lineNumber, line) in
                            switch Result(catching: { () throws(LedgerError) in try decoder.decode(jsonLine: line, line: lineNumber) }) {
                            case .success(let record): records.append(record); return true
                            case .failure(let error): failure = error; return false
                            }
                        }
                        return (records, lines, failure)
                    }
                }
            }
        }
        var count = 0
        var linesBefore = 0
        var next = 0
        var pending = decodeWave(0)
        defer { _ = pending?.wait() }
        while let current = pending {
            let decoded = current.wait()
            next += waveSize
            pending = decodeWave(next)
            for chunk in decoded {
                for var record in chunk.records {
                    record.line += linesBefore
                    count += 1
                    guard count <= InputDecoder.batchLinesMax else {
                        throw .input(InputError(source: decoder.source, line: record.line, field: "",
                                                message: "more than \(InputDecoder.batchLinesMax) events in one batch; split the input"))
                    }
                    try body(record)
                }
                if let failure = chunk.failure {
                    guard count < InputDecoder.batchLinesMax else {
                        throw .input(InputError(source: decoder.source, line: linesBefore + chunk.lines, field: "",
                                                message: "more than \(InputDecoder.batchLinesMax) events in one batch; split the input"))
                    }
                    guard case .input(var error) = failure else { throw failure }
                    error.line += linesBefore
                    throw .input(error)
                }
                linesBefore += chunk.lines
            }
            // The wave's records are freed on another thread, off the validator's serial path.
            Retirement.free(consume decoded)
        }
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
