// The catalog's Danish texts, which `record` shows the caseworker: every event type and every
// field of every type has one, and none is the English text left untranslated.

import Testing

@testable import LedgerCore

@Suite struct CatalogDanishTests {
    @Test("every event type has a Danish meaning that is not its English one", arguments: EventType.allCases)
    func typeMeaning(type: EventType) {
        let spec = Catalog.spec(type)
        let danish = Catalog.danishTypeMeanings[type]
        #expect(danish != nil, "\(type.rawValue) has no Danish meaning")
        #expect(danish != spec.meaning)
        #expect(spec.meaning(in: .english) == spec.meaning)
    }

    @Test("every field of every type has a Danish meaning that is not its English one", arguments: EventType.allCases)
    func fieldMeanings(type: EventType) {
        let spec = Catalog.spec(type)
        for field in spec.fields {
            let danish = Catalog.danishFieldMeanings[type.rawValue + "." + field.name] ?? Catalog.danishFieldMeanings[field.name]
            #expect(danish != nil, "\(type.rawValue).\(field.name) has no Danish meaning")
            #expect(danish != field.meaning, "\(type.rawValue).\(field.name)")
        }
    }

    @Test("every type-specific Danish meaning names a field that exists")
    func noStrayKeys() {
        for key in Catalog.danishFieldMeanings.keys where key.contains(".") {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let type = EventType(rawValue: parts[0])
            #expect(type != nil, "\(key): no such type")
            if let type { #expect(Catalog.spec(type).field(parts[1]) != nil, "\(key): no such field") }
        }
        for key in Catalog.danishFieldMeanings.keys where !key.contains(".") {
            #expect(EventType.allCases.contains { Catalog.spec($0).field(key) != nil }, "\(key): no type has this field")
        }
    }

    @Test("kind summaries in Danish", arguments: [
        (FieldKind.bool, "ja eller nej"), (.date, "dato ÅÅÅÅ-MM-DD"), (.integer(min: 1, max: 37), "helt tal 1-37"),
        (.choice(["job", "other"]), "en af: job, other"), (.cvr, "CVR-nummer (8 cifre)"),
    ])
    func kindSummary(kind: FieldKind, expected: String) {
        #expect(kind.summary(in: .danish) == expected)
        #expect(kind.summary(in: .english) == kind.summary)
    }
}
