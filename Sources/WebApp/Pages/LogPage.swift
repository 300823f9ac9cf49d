import LedgerCore
import WebServer

/// The log page: the latest events first, filtered by type, citizen pseudonym and effective
/// date, a page at a time read backwards from the head (never the whole ledger), each with links
/// to correct it (retract, supersede).
enum LogPage {
    /// Events per page.
    static let pageEventsMax = 50
    /// Most bytes read for one page: a rare filter's page stops here and offers the older rest.
    static let pageBytesMax: Int64 = 32 << 20
    /// Bytes read backwards at a time (more than the longest stored line).
    static let windowBytes: Int64 = 1 << 20

    /// The filter of a request.
    struct Filter {
        var type: EventType?
        var citizen: Pseudonym?
        var from: Day?
        var to: Day?

        func admits(_ recorded: RecordedEvent) -> Bool {
            let event = recorded.event
            if let type, event.type != type { return false }
            if let citizen, event.citizen != citizen { return false }
            if let from, event.effective < from { return false }
            if let to, event.effective > to { return false }
            return true
        }
    }

    /// A place in the ledger: the start of a line (segment, byte offset).
    struct Position { var segment: Int; var offset: Int64 }

    /// The events admitted by `filter` before `position` (nil: the head), latest first, and where
    /// the next (older) page starts (nil: at the first line).
    static func read(_ ledger: Ledger, head: HeadRecord, before position: Position?, filter: Filter) throws(LedgerError) -> (events: [RecordedEvent], next: Position?) {
        var place = position ?? Position(segment: head.segment, offset: head.offset)
        if place.segment > head.segment || (place.segment == head.segment && place.offset > head.offset) { place = Position(segment: head.segment, offset: head.offset) }
        var events: [RecordedEvent] = []
        var scanned: Int64 = 0
        while events.count < pageEventsMax && scanned < pageBytesMax {
            if place.offset == 0 {
                guard place.segment > 1 else { return (events, nil) }
                place = Position(segment: place.segment - 1, offset: try ledger.segmentSize(place.segment - 1))
                continue
            }
            let start = max(0, place.offset - windowBytes)
            var lines: [(offset: Int64, event: RecordedEvent)] = []
            var first = true
            try ledger.forEachLine(segment: place.segment, from: start, to: place.offset, firstLineNumber: 0) { (location, line) throws(LedgerError) in
                // A window that starts inside a line begins with the line's rest: skipped (the next window reads it whole).
                if first && start > 0 { first = false; return }
                first = false
                lines.append((location.offset, try Ledger.decode(line, at: location)))
            }
            scanned += place.offset - start
            var next = Position(segment: place.segment, offset: lines.first?.offset ?? start)
            for line in lines.reversed() {
                if events.count == pageEventsMax { break }
                next = Position(segment: place.segment, offset: line.offset)
                if filter.admits(line.event) { events.append(line.event) }
            }
            if events.count == pageEventsMax { return (events, next) }
            place = Position(segment: place.segment, offset: lines.first?.offset ?? start)
        }
        return (events, place.segment == 1 && place.offset == 0 ? nil : place)
    }

    /// The page.
    static func render(events: [RecordedEvent], next: Position?, query: [(String, String)], typeText: String, citizenText: String,
                       fromText: String, toText: String, jobcenter: String) -> String {
        var body = "<h1>Hændelser <span class=\"en\">Log</span></h1>\n"
        body += "<form class=\"inline\" method=\"get\" action=\"/log\"><div><label for=\"type\">Type</label><select id=\"type\" name=\"type\"><option value=\"\">(alle)</option>"
        for type in EventType.allCases { body += "<option" + (type.rawValue == typeText ? " selected" : "") + ">" + type.rawValue + "</option>" }
        body += "</select></div><div><label for=\"citizen\">Borger <span class=\"en\">pseudonym</span></label><input type=\"text\" id=\"citizen\" name=\"citizen\" placeholder=\"c-…\" value=\""
            + Layout.escape(citizenText) + "\"></div>"
        body += "<div><label for=\"from\">Fra <span class=\"en\">effective from</span></label><input type=\"date\" id=\"from\" name=\"from\" value=\"" + Layout.escape(fromText) + "\"></div>"
        body += "<div><label for=\"to\">Til <span class=\"en\">to</span></label><input type=\"date\" id=\"to\" name=\"to\" value=\"" + Layout.escape(toText) + "\"></div>"
        body += "<button type=\"submit\">Vis</button></form>\n"
        body += "<table class=\"log\"><thead><tr><th>seq</th><th>registreret</th><th>virkning</th><th>type</th><th>kom.</th><th>borger</th><th>fakta</th><th>ret</th></tr></thead><tbody>\n"
        for recorded in events {
            let e = recorded.event
            body += "<tr data-seq=\"\(recorded.seq)\"><td>\(recorded.seq)</td><td>" + Layout.escape(recorded.recordedAt.iso) + "</td><td>" + e.effective.iso + "</td><td>" + e.type.rawValue
                + "</td><td>" + (e.municipality.map(CanonicalEncoder.municipalityText) ?? "–") + "</td><td>" + Layout.escape(e.citizen?.text ?? "–") + "</td><td>"
                + Layout.escape(e.facts.map { "\($0.name)=\($0.value.display)" }.joined(separator: " ")) + "</td><td>"
            if e.type != .ledgerOpened && e.type != .publication && e.type != .correction {
                body += "<a href=\"/record/correction?corrects=\(recorded.seq)&amp;action=retract\">tilbagekald</a> · <a href=\"/record/correction?corrects=\(recorded.seq)&amp;action=supersede\">erstat</a>"
            }
            body += "</td></tr>\n"
        }
        body += "</tbody></table>\n"
        if events.isEmpty { body += "<p class=\"empty\">Ingen hændelser her. <span class=\"en\">No events here.</span></p>\n" }
        body += "<div class=\"pager\"><a href=\"/log\">Nyeste <span class=\"en\">latest</span></a>"
        if let next {
            let parts = query.filter { $0.0 != "before" && !$0.1.isEmpty } + [("before", "\(next.segment):\(next.offset)")]
            body += "<a id=\"older\" href=\"/log?" + Layout.escape(parts.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")) + "\">Ældre <span class=\"en\">older</span> →</a>"
        }
        body += "</div>\n"
        return Layout.page(title: "Hændelser", active: "/log", jobcenter: jobcenter, body: body)
    }
}
