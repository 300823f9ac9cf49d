// Bit rot in every file of a small real ledger, made through the binary (2,307 lines, a
// publication, an access log, the validator's index, the projection's checkpoint and the Merkle
// index): a flipped bit or a zeroed 4 KiB block (aligned, as a disk loses a page) is found by
// `verify` naming the file and the line where the damage starts, or reported as a recoverable
// torn tail naming them (the access log's last piece) or as a recoverable damaged head slot naming
// its line (a flipped bit in one slot: the other names the head, or the segment confirms the
// damaged slot's), or, in a derived file of cache/, ignored:
// verify passes and every output (report as text, JSON and HTML, measure, explain, prove, audit,
// and an append that depends on the validator's state) is byte for byte the undamaged ledger's.
// A damaged segment is then repaired from a mirror and holds its bytes again.
//
// CASELEDGER_BITROT_CASES=N runs N cases (default 40); CASELEDGER_BITROT_SEED=S repeats a run.
// `key-location` is left out: it is a hint to the key file's path that neither verify nor any
// report reads (a damaged path makes a command needing the key refuse: key file not found).

import Foundation
import Testing

@Suite final class BitRotTests {
    let sandbox = Sandbox("bitrot")
    var template: String { sandbox.file("template") }
    static let at = "2014-12-31"

    /// How a damaged file must show.
    enum FileClass { case segment, head, marker, accessLog, publication, cache }

    init() throws {
        let home = sandbox.home
        #expect(try E2E.run(["init", template, "--jobcenter", "Jobcenter Frederikssund", "--municipality", "250", "--recorded-at", "2010-12-31"], home: home).status == 0)
        let generated = try E2E.run(["generate", "--citizens", "70", "--seed", "3", "--with-recorded-at"], home: home)
        #expect(try E2E.run(["append", template, "--historical"], input: generated.out, home: home).status == 0)
        let plan = try Data(contentsOf: E2E.packageRoot.appendingPathComponent("EventLogs/plans/frederikssund-2014.jsonl"))
        #expect(try E2E.run(["append", template], input: plan, home: home).status == 0)
        let published = try E2E.run(["publish", template, "--at", Self.at, "--title", "Resultatmål december 2014"], home: home)
        #expect(published.status == 0, "\(published.err)")
        for purpose in ["revision 2014", "opfølgning"] {
            let explained = try E2E.run(["explain", template, "M3", "--period", "2014", "--user", "revisor", "--purpose", purpose], home: home)
            #expect(explained.status == 0, "\(explained.err)")
        }
        #expect(try E2E.run(["report", template, "--at", Self.at], home: home).status == 0)
        #expect(try E2E.run(["prove", template, "--seq", "3"], home: home).status == 0)
        #expect(try E2E.run(["mirror", template, mirror], home: home).status == 0)
    }

    /// A second copy of the template (caseledger mirror), to repair damaged segments from.
    var mirror: String { sandbox.file("mirror") }

    /// The files a case may damage, relative to the ledger, with their class (empty files have no bits).
    func damageableFiles() throws -> [(name: String, kind: FileClass)] {
        var files: [(String, FileClass)] = []
        let enumerator = FileManager.default.enumerator(atPath: template)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: template + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let size = try FileManager.default.attributesOfItem(atPath: template + "/" + name)[.size] as? Int, size > 0 else { continue }
            let kind: FileClass
            switch name {
            case "key-location": continue
            case "head": kind = .head
            case "CASELEDGER": kind = .marker
            case "access/access-log.jsonl": kind = .accessLog
            default:
                if name.hasPrefix("events/segment-") { kind = .segment }
                else if name.hasPrefix("publications/") { kind = .publication }
                else if name.hasPrefix("cache/") { kind = .cache }
                else { Issue.record("a file the property does not know: \(name)"); continue }
            }
            files.append((name, kind))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Every output a damaged cache could change, from the ledger at `ledger` (in `directory`).
    func outputs(_ ledger: String, in directory: String) throws -> [String: String] {
        let home = sandbox.home
        var results: [String: String] = [:]
        func record(_ name: String, _ arguments: [String], input: Data? = nil) throws {
            let run = try E2E.run(arguments, input: input, home: home)
            results[name] = "\(run.status)\n" + String(decoding: run.out, as: UTF8.self)
        }
        try record("report", ["report", ledger, "--at", Self.at])
        try record("report --json", ["report", ledger, "--at", Self.at, "--json"])
        let html = directory + "/report.html"
        _ = try E2E.run(["report", ledger, "--at", Self.at, "--html", html], home: home)
        results["report --html"] = String(decoding: FileManager.default.contents(atPath: html) ?? Data(), as: UTF8.self)
        try record("measure", ["measure", ledger, "M3", "--period", "2014", "--json"])
        try record("prove --seq", ["prove", ledger, "--seq", "700"])
        try record("prove --from", ["prove", ledger, "--from", "5", "--to", "1000"])
        try record("explain", ["explain", ledger, "M3", "--period", "2014", "--user", "revisor", "--purpose", "kontrol", "--json"])
        try record("audit", ["audit", ledger])
        // An append whose checks read the validator's state (the citizens registered so far).
        let citizen = try firstCitizen(ledger)
        try record("append", ["append", ledger], input: Data((#"{"type":"match_assessed","effective":"2014-12-30","municipality":"250","citizen":"\#(citizen)","facts":{"category":"jobparat"}}"# + "\n").utf8))
        // The appended line's recorded_at (and so the head's hash) is the clock's: only the count is compared.
        let after = try E2E.run(["verify", ledger], home: home)
        results["verify after"] = "\(after.status) " + (String(decoding: after.out, as: UTF8.self).split(separator: "\n").first ?? "")
        return results
    }

    /// The first citizen registered in the template (read from the stored lines).
    func firstCitizen(_ ledger: String) throws -> String {
        let segment = String(decoding: FileManager.default.contents(atPath: template + "/events/segment-000001.jsonl") ?? Data(), as: UTF8.self)
        let range = try #require(segment.range(of: #""type":"citizen_registered","effective":"[0-9-]+","municipality":"250","citizen":"c-[0-9a-f]{16}""#, options: .regularExpression))
        return String(segment[range].suffix(19).dropLast())
    }

    @Test func flippedBitsAndZeroedBlocksAreFoundOrIgnored() throws {
        let cases = Int(ProcessInfo.processInfo.environment["CASELEDGER_BITROT_CASES"] ?? "") ?? 40
        let seed = UInt64(ProcessInfo.processInfo.environment["CASELEDGER_BITROT_SEED"] ?? "") ?? 20_261_205
        var random = SplitMix64(seed: seed)
        let files = try damageableFiles()
        #expect(Set(files.map(\.kind)).count == 6, "every kind of file is in the ledger: \(files.map(\.name))")
        // The derived files: the validator's index (written by an append past 2,000 lines), the
        // projection's checkpoint and the Merkle index.
        for cache in ["cache/ledger-state.bin", "cache/projection.bin", "cache/merkle-index.bin", "cache/merkle-nodes.bin"] {
            #expect(files.contains { $0.name == cache }, "\(cache) in \(files.map(\.name))")
        }
        let baselineCopy = sandbox.file("baseline")
        try FileManager.default.copyItem(atPath: template, toPath: baselineCopy)
        let baseline = try outputs(baselineCopy, in: sandbox.path)
        var found = 0, torn = 0, ignored = 0, repairs = 0, damagedSlots = 0
        for number in 0..<cases {
            let directory = sandbox.file("case-\(number)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let ledger = directory + "/ledger"
            try FileManager.default.copyItem(atPath: template, toPath: ledger)
            let (name, kind) = files[random.below(files.count)]
            let path = ledger + "/" + name
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            let zeroing = random.below(2) == 0
            let damaged: Range<Int>
            if zeroing {
                let block = random.below((bytes.count + 4095) / 4096)
                damaged = (block * 4096)..<min(bytes.count, block * 4096 + 4096)
                for at in damaged { bytes[at] = 0 }
            } else {
                let at = random.below(bytes.count)
                bytes[at] ^= UInt8(1 << random.below(8))
                damaged = at..<(at + 1)
            }
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let what = "case \(number) (seed \(seed)): \(zeroing ? "zeroed" : "flipped a bit in") bytes \(damaged) of \(name)"
            // The 1-based line holding the first damaged byte.
            let line = 1 + bytes[0..<damaged.lowerBound].filter { $0 == 0x0A }.count
            let verified = try E2E.run(["verify", ledger], home: sandbox.home)
            let out = String(decoding: verified.out, as: UTF8.self)
            switch kind {
            case .segment:
                #expect(verified.status == 1 && verified.err.contains("\(name.dropFirst(7)) line \(line):"), "\(what): \(verified.err)")
                found += 1
                // And the mirror gives the damaged lines back.
                let repaired = try E2E.run(["repair", ledger, "--from", mirror], home: sandbox.home)
                #expect(repaired.status == 0, "\(what): repair: \(repaired.err)")
                #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: template + "/" + name), "\(what): repaired bytes")
                repairs += 1
            case .head:
                // A zeroed block takes both slots: a defect. A flipped bit leaves the other slot
                // valid: the head in force is known (the segment confirms a later head the damaged
                // slot names), and verify names the slot as recoverable; the next append mends it.
                let slotLine = zeroing ? 1 : 1 + damaged.lowerBound / 128
                if zeroing {
                    #expect(verified.status == 1 && verified.err.contains("head line \(slotLine):"), "\(what): \(verified.err)")
                    found += 1
                } else {
                    #expect(verified.status == 0 && out.contains("recoverable damaged head slot: head line \(slotLine):"), "\(what): \(out) \(verified.err)")
                    damagedSlots += 1
                }
            case .marker:
                #expect(verified.status == 1 && verified.err.contains("CASELEDGER"), "\(what): \(verified.err)")
                found += 1
            case .accessLog:
                let place = "\(name) line \(line)"
                if verified.status == 0 {
                    #expect(out.contains(place) && out.contains("torn"), "\(what): \(out)")
                    torn += 1
                } else {
                    #expect(verified.status == 1 && verified.err.contains(place + ":"), "\(what): \(verified.err)")
                    found += 1
                }
            case .publication:
                #expect(verified.status == 1 && verified.err.contains("\(name) line 1:"), "\(what): \(verified.err)")
                found += 1
            case .cache:
                #expect(verified.status == 0, "\(what): \(verified.err)")
                let damagedOutputs = try outputs(ledger, in: directory)
                for (command, text) in baseline {
                    #expect(damagedOutputs[command] == text, "\(what): \(command) differs")
                }
                ignored += 1
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        print("bit rot: \(cases) cases (seed \(seed)): \(found) found by verify with file and line, \(torn) reported as a torn tail, \(damagedSlots) as a recoverable damaged head slot, \(ignored) damaged caches ignored; \(repairs) damaged segments repaired from a mirror")
    }
}
