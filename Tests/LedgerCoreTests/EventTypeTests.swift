// Tables indexed by event type rely on `ordinal` being the position in `allCases`, and decoders on
// finding a type from its name's bytes.

import Testing

@testable import LedgerCore

@Suite struct EventTypeTests {
    @Test("ordinal is each type's position in allCases; the spec found by it is the type's own")
    func ordinalIsDeclarationOrder() {
        for (i, type) in EventType.allCases.enumerated() {
            #expect(type.ordinal == i)
            #expect(Catalog.spec(type).type == type)
        }
    }

    @Test("a type is found from its name's bytes, and nothing else is")
    func typeFromNameBytes() {
        for type in EventType.allCases {
            let name = Array(type.rawValue.utf8)
            #expect(name.withUnsafeBytes { EventType(nameBytes: $0) } == type)
            #expect(Array(name.dropLast()).withUnsafeBytes { EventType(nameBytes: $0) } == nil)
            #expect((name + [UInt8(ascii: "x")]).withUnsafeBytes { EventType(nameBytes: $0) } == nil)
            #expect(Array(type.rawValue.uppercased().utf8).withUnsafeBytes { EventType(nameBytes: $0) } == nil)
        }
        #expect([UInt8]().withUnsafeBytes { EventType(nameBytes: $0) } == nil)
    }
}
