/// A CSV syntax error at a 1-based line of the file.
public struct CSVSyntaxError: Error, Sendable, CustomStringConvertible {
    /// 1-based line number where the problem is.
    public var line: Int
    /// What is wrong.
    public var message: String
    /// "line N: message".
    public var description: String { "line \(line): \(message)" }
}

/// Reads CSV as case systems export it (RFC 4180): a header row, then rows of cells separated by
/// `,` (or `;` when the header uses semicolons, as Danish spreadsheets do), cells optionally in
/// double quotes with `""` for a quote, rows ended by LF or CRLF. Limits on row size and cell count.
public struct CSVReader {
    /// Longest row accepted, in bytes.
    public static let rowBytesMax = 65_536
    /// Most cells in a row.
    public static let cellsMax = 200

    /// One row: its cells and the 1-based line it starts on.
    public struct Row: Sendable {
        /// The cells, unquoted.
        public var cells: [String]
        /// The 1-based line number where the row starts.
        public var line: Int
    }

    /// Parses the whole input into rows (the first is the header). Invalid UTF-8 is rejected.
    public static func parse(_ bytes: [UInt8]) throws(CSVSyntaxError) -> [Row] {
        var rows: [Row] = []
        var failure: CSVSyntaxError?
        forEachRow(bytes) { result in
            switch result {
            case .success(let row): rows.append(row); return true
            case .failure(let error): failure = error; return false
            }
        }
        if let failure { throw failure }
        return rows
    }

    /// Calls `body` with each row in order (the first is the header), or with the syntax error of
    /// the row where one is found, so that the first bad row of a file is the one named. `body`
    /// returns false to stop.
    public static func forEachRow(_ bytes: [UInt8], _ body: (Result<Row, CSVSyntaxError>) -> Bool) {
        do {
            try rows(bytes, body)
        } catch {
            _ = body(.failure(error))
        }
    }

    static func rows(_ bytes: [UInt8], _ body: (Result<Row, CSVSyntaxError>) -> Bool) throws(CSVSyntaxError) {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }  // byte order mark
        // The delimiter: ';' when the header line has a ';' and no ','.
        var headerEnd = start
        while headerEnd < bytes.count && bytes[headerEnd] != 0x0A { headerEnd += 1 }
        let header = bytes[start..<headerEnd]
        let delimiter: UInt8 = header.contains(UInt8(ascii: ";")) && !header.contains(UInt8(ascii: ",")) ? UInt8(ascii: ";") : UInt8(ascii: ",")

        var i = start
        var line = 1
        let n = bytes.count
        while i < n {
            let rowLine = line
            let rowStart = i
            var cells: [String] = []
            var cell: [UInt8] = []
            var endOfRow = false
            while !endOfRow {
                if i - rowStart > rowBytesMax { throw CSVSyntaxError(line: rowLine, message: "row longer than \(rowBytesMax) bytes") }
                if i < n && bytes[i] == UInt8(ascii: "\"") {
                    i += 1
                    while true {
                        guard i < n else { throw CSVSyntaxError(line: rowLine, message: "a quoted cell is not closed") }
                        if i - rowStart > rowBytesMax { throw CSVSyntaxError(line: rowLine, message: "row longer than \(rowBytesMax) bytes") }
                        let c = bytes[i]
                        if c == UInt8(ascii: "\"") {
                            if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") { cell.append(c); i += 2; continue }
                            i += 1
                            break
                        }
                        if c == 0x0A { line += 1 }
                        cell.append(c)
                        i += 1
                    }
                    if i < n && bytes[i] != delimiter && bytes[i] != 0x0A && bytes[i] != 0x0D {
                        throw CSVSyntaxError(line: rowLine, message: "a quoted cell is not closed properly (unexpected character after a closing quote on line \(line))")
                    }
                } else {
                    while i < n && bytes[i] != delimiter && bytes[i] != 0x0A && bytes[i] != 0x0D {
                        if bytes[i] == UInt8(ascii: "\"") { throw CSVSyntaxError(line: line, message: "a quote inside an unquoted cell") }
                        cell.append(bytes[i])
                        i += 1
                    }
                }
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
                if cells.count > cellsMax { throw CSVSyntaxError(line: rowLine, message: "more than \(cellsMax) cells") }
                if i < n && bytes[i] == delimiter { i += 1; continue }
                if i < n && bytes[i] == 0x0D {
                    i += 1
                    guard i < n && bytes[i] == 0x0A else { throw CSVSyntaxError(line: line, message: "a carriage return without line feed") }
                }
                if i < n && bytes[i] == 0x0A { i += 1 }
                line += 1
                endOfRow = true
            }
            // A blank line (one empty cell) is skipped.
            if cells.count == 1 && cells[0].isEmpty { continue }
            let invalid: Int? = bytes.withUnsafeBytes { JSONParser.firstInvalidUTF8(UnsafeRawBufferPointer(rebasing: $0[rowStart..<i])) }
            if invalid != nil { throw CSVSyntaxError(line: rowLine, message: "invalid UTF-8") }
            guard body(.success(Row(cells: cells, line: rowLine))) else { return }
        }
    }
}
