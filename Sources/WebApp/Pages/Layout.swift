import LedgerCore
import Reports

/// The frame of every page: head, the navigation between the pages, the page's body.
///
/// No scripts, no resources from elsewhere: one style sheet from this server (``stylesheet``),
/// inline SVG charts. Danish first, English in small print where the report gives both.
enum Layout {
    /// The pages in the navigation: path, Danish label, English label.
    static let sections: [(path: String, danish: String, english: String)] = [
        ("/goals", "Resultatmål", "Goals"),
        ("/record", "Registrér", "Record"),
        ("/log", "Hændelser", "Log"),
        ("/audit", "Revision", "Audit"),
    ]

    /// A whole page: `title`, the navigation with `active` marked, and `body`.
    static func page(title: String, active: String, jobcenter: String, body: String) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"referrer\" content=\"no-referrer\">\n"
        out += "<title>" + escape(title + " — " + jobcenter) + "</title>\n"
        out += "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body class=\"app\">\n"
        out += "<nav class=\"app\"><span class=\"who\">" + escape(jobcenter) + "</span>"
        for section in sections {
            let current = section.path == active ? " class=\"current\" aria-current=\"page\"" : ""
            out += "<a href=\"" + section.path + "\"" + current + ">" + escape(section.danish) + " <span class=\"en\">" + escape(section.english) + "</span></a>"
        }
        out += "</nav>\n<main>\n" + body + "</main>\n</body>\n</html>\n"
        return out
    }

    /// A page saying what went wrong, with the status.
    static func message(_ status: Int, title: String, danish: String, english: String, jobcenter: String) -> String {
        page(title: title, active: "", jobcenter: jobcenter,
             body: "<h1>" + escape(title) + "</h1>\n<p class=\"problem\" data-status=\"\(status)\">" + escape(danish)
                + " <span class=\"en\">" + escape(english) + "</span></p>\n")
    }

    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String { HTMLReport.escape(text) }

    /// The hidden field with the CSRF token, for every form that posts.
    static func csrfField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(token) + "\">"
    }

    /// The style sheet: the HTML report's (goal cards, badges, charts) and the application's own.
    static let stylesheet = HTMLReport.stylesheet + """
        body.app { max-width: 210mm; padding: 0 4mm 10mm; }
        nav.app { display: flex; gap: 5mm; align-items: baseline; border-bottom: 3px solid var(--ink); padding: 3mm 0 2mm; margin-bottom: 4mm; flex-wrap: wrap; }
        nav.app .who { font-weight: bold; margin-right: auto; }
        nav.app a { color: var(--ink); text-decoration: none; }
        nav.app a.current { font-weight: bold; border-bottom: 2px solid var(--ink); }
        form.inline { display: flex; gap: 3mm; align-items: end; flex-wrap: wrap; margin: 2mm 0 4mm; }
        form.inline label, form.event label { display: block; font-size: 8.5pt; font-weight: bold; }
        form.event .field { margin: 0 0 3mm; }
        form.event .meaning { font-size: 8pt; color: #444; display: block; }
        input, select, button { font: inherit; padding: 1mm 1.5mm; }
        button { cursor: pointer; }
        .error { color: var(--not-met); font-weight: bold; display: block; }
        .problem { font-size: 12pt; }
        .saved { font-size: 13pt; font-weight: bold; color: var(--met); }
        pre.stored { white-space: pre-wrap; word-break: break-all; background: #f3f4f6; padding: 2mm; font-size: 8.5pt; }
        table.log { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
        table.log th { text-align: left; border-bottom: 1.5px solid var(--ink); padding: .8mm 1mm; }
        table.log td { border-bottom: 1px solid var(--rule); padding: .8mm 1mm; vertical-align: top; word-break: break-word; }
        p.drill { margin: -2mm 0 4mm; font-size: 9pt; }
        .pager { display: flex; gap: 4mm; margin: 3mm 0; }

        """
}
