// `Ledger.mirror`: a second copy brought up to date appending only; a copy that is not a prefix
// of the source is refused untouched, naming its first differing line; a tail left by an
// interrupted mirror is cut off and the mirror completed.

import Foundation
import Testing

@testable import LedgerCore

extension LedgerFileTests {
    @Suite final class MirrorTests {
        let directory = TemporaryDirectory("mirror")

        /// The copy's path.
        var destination: String { directory.file("copy") }

        /// Every file of the copy's `events/` and the head, as bytes, for "untouched" checks.
        func snapshot(_ path: String) -> [String: [UInt8]] {
            var files: [String: [UInt8]] = ["head": readBytes(path + "/head")]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path + "/events")) ?? [] {
                files["events/" + name] = readBytes(path + "/events/" + name)
            }
            return files
        }

        /// Checks that the copy verifies, has the source's head and byte-identical segment files.
        func expectIdentical(_ source: Ledger, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let copy = try Ledger(path: destination)
            let report = try LedgerVerifier.verify(copy)
            #expect(report.tail == nil, sourceLocation: sourceLocation)
            #expect(try copy.readHead() == source.readHead(), sourceLocation: sourceLocation)
            let names = try FileManager.default.contentsOfDirectory(atPath: source.eventsPath).sorted()
            #expect(try FileManager.default.contentsOfDirectory(atPath: copy.eventsPath).sorted() == names, sourceLocation: sourceLocation)
            for name in names {
                #expect(readBytes(copy.eventsPath + "/" + name) == readBytes(source.eventsPath + "/" + name), "\(name)", sourceLocation: sourceLocation)
            }
            #expect(readBytes(destination + "/key-location") == readBytes(source.path + "/key-location"), sourceLocation: sourceLocation)
            #expect(readBytes(destination + "/CASELEDGER") == Array(Ledger.formatMarker.utf8), sourceLocation: sourceLocation)
        }

        @Test func newCopyAcrossSegmentsThenOnlyNewLines() throws {
            var source = try SegmentedLedger.standard(in: directory)
            let first = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(first.created && first.sourceLocked)
            #expect(first.firstSeq == 2 && first.lastSeq == 14)
            try expectIdentical(source.base.ledger)

            let again = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(again.firstSeq == nil && again.lastSeq == 14 && again.copiedBytes == 0 && !again.created)

            // More lines in the head's segment and a new segment: only they are copied.
            let before = readBytes(destination + "/events/segment-000001.jsonl")
            let segment3Before = readBytes(source.base.ledger.segmentPath(3)).count
            source.addLines(2, toSegment: 3)
            source.addLines(4, toSegment: 4)
            let added = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(added.firstSeq == 15 && added.lastSeq == 20)
            let newBytes = readBytes(source.base.ledger.segmentPath(3)).count - segment3Before + readBytes(source.base.ledger.segmentPath(4)).count
            #expect(added.copiedBytes == Int64(newBytes))
            #expect(readBytes(destination + "/events/segment-000001.jsonl") == before)
            try expectIdentical(source.base.ledger)
        }

        @Test func alteredLineRefusedNamingFileAndLine() throws {
            var source = try SegmentedLedger.standard(in: directory)
            _ = try Ledger.mirror(from: source.base.path, to: destination)
            source.addLines(3, toSegment: 3)
            // Line 3 of the copy's segment 2 (seq 8): one byte changed.
            let file = destination + "/events/segment-000002.jsonl"
            var lines = splitLines(readBytes(file))
            let at = try #require(lines[2].firstIndex(of: UInt8(ascii: "0")))
            lines[2][at] = UInt8(ascii: "1")
            writeBytes(file, joinLines(lines))
            let untouched = snapshot(destination)
            do {
                _ = try Ledger.mirror(from: source.base.path, to: destination)
                Issue.record("an altered copy was mirrored to")
            } catch {
                guard case .corrupt(let name, let line, let reason) = error else { Issue.record("\(error)"); return }
                #expect(name == file)
                #expect(line == 3)
                #expect(reason.contains("seq 8") && reason.contains("not a prefix"))
            }
            #expect(snapshot(destination) == untouched)
        }

        @Test func differentLedgerRefused() throws {
            let source = try SegmentedLedger.standard(in: directory)
            let other = TemporaryDirectory("mirror-other")
            let otherLedger = try SegmentedLedger.standard(in: other)
            _ = try Ledger.mirror(from: otherLedger.base.path, to: destination)
            let untouched = snapshot(destination)
            #expect(throws: LedgerError.self) { _ = try Ledger.mirror(from: source.base.path, to: self.destination) }
            do { _ = try Ledger.mirror(from: source.base.path, to: destination) } catch {
                guard case .corrupt(let name, let line, _) = error else { Issue.record("\(error)"); return }
                #expect(name.hasSuffix("/events/segment-000001.jsonl") && line == 1)
            }
            #expect(snapshot(destination) == untouched)
        }

        @Test func longerCopyRefused() throws {
            let source = try SegmentedLedger.standard(in: directory)
            _ = try Ledger.mirror(from: source.base.path, to: destination)
            // The source's head goes back to the end of segment 2 (seq 11); segment 3 is removed.
            let ledger = source.base.ledger
            let head = try ledger.readHead()
            let line11 = try #require(try ledger.event(at: 11, head: head))
            let shorter = HeadRecord(seq: 11, hash: line11.hash, segment: 2, offset: try ledger.segmentSize(2))
            writeBytes(source.base.headPath, shorter.slotBytes + shorter.slotBytes)
            try FileManager.default.removeItem(atPath: ledger.segmentPath(3))
            let untouched = snapshot(destination)
            do {
                _ = try Ledger.mirror(from: source.base.path, to: destination)
                Issue.record("a longer copy was accepted")
            } catch {
                guard case .corrupt(let name, let line, let reason) = error else { Issue.record("\(error)"); return }
                #expect(name.hasSuffix("/events/segment-000003.jsonl") && line == 1)
                #expect(reason.contains("more than the source"))
            }
            #expect(snapshot(destination) == untouched)
        }

        @Test func interruptedMirrorCompleted() throws {
            var source = try SegmentedLedger.standard(in: directory)
            _ = try Ledger.mirror(from: source.base.path, to: destination)
            let segment3 = readBytes(source.base.ledger.segmentPath(3))
            source.addLines(3, toSegment: 3)
            source.addLines(2, toSegment: 4)
            // A mirror that died after writing a line and a half of segment 3's new bytes: bytes
            // beyond the copy's head, never acknowledged.
            let newBytes = Array(readBytes(source.base.ledger.segmentPath(3))[segment3.count...])
            let cut = try #require(newBytes.firstIndex(of: 0x0A)) + 40
            writeBytes(destination + "/events/segment-000003.jsonl", segment3 + newBytes[0..<cut])
            #expect(try #require(try LedgerVerifier.verify(Ledger(path: destination)).tail).torn)
            let resumed = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(resumed.removedTailBytes == Int64(cut))
            #expect(resumed.firstSeq == 15 && resumed.lastSeq == 19)
            try expectIdentical(source.base.ledger)

            // One that died across a segment boundary: segment 5 whole, segment 6 with half a line.
            let headFile = readBytes(destination + "/head")
            source.addLines(2, toSegment: 5)
            source.addLines(2, toSegment: 6)
            writeBytes(destination + "/events/segment-000005.jsonl", readBytes(source.base.ledger.segmentPath(5)))
            writeBytes(destination + "/events/segment-000006.jsonl", Array(readBytes(source.base.ledger.segmentPath(6))[0..<30]))
            #expect(readBytes(destination + "/head") == headFile)
            #expect(try #require(try LedgerVerifier.verify(Ledger(path: destination)).tail).torn)
            let across = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(across.removedTailBytes == Int64(readBytes(source.base.ledger.segmentPath(5)).count + 30))
            #expect(across.firstSeq == 20 && across.lastSeq == 23)
            try expectIdentical(source.base.ledger)
        }

        @Test func interruptedCreationCompleted() throws {
            let source = try SegmentedLedger.standard(in: directory)
            // A creation that died before the marker: a directory with some of its files.
            try FileManager.default.createDirectory(atPath: destination + "/events", withIntermediateDirectories: true)
            writeBytes(destination + "/events/segment-000001.jsonl.tmp", Array("{\"seq\":1,".utf8))
            writeBytes(destination + "/lock", [])
            let result = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(result.created && result.lastSeq == 14)
            try expectIdentical(source.base.ledger)
        }

        @Test("a creation cut off while its marker was written (CASELEDGER.tmp left, every other file there) is completed")
        func interruptedCreationAtTheMarker() throws {
            let source = try SegmentedLedger.standard(in: directory)
            try FileManager.default.createDirectory(atPath: destination + "/events", withIntermediateDirectories: true)
            writeBytes(destination + "/events/segment-000001.jsonl", readBytes(source.base.ledger.segmentPath(1)).prefix(40).map { $0 })
            writeBytes(destination + "/head", readBytes(source.base.path + "/head"))
            writeBytes(destination + "/key-location", readBytes(source.base.path + "/key-location"))
            writeBytes(destination + "/lock", [])
            // A power cut may leave the marker's temporary file empty, torn or whole.
            for marker in [[], Array("caseledger".utf8), Array(Ledger.formatMarker.utf8)] as [[UInt8]] {
                writeBytes(destination + "/CASELEDGER.tmp", marker)
                #expect(try Ledger.mirrorNeedsCreation(destination))
            }
            let result = try Ledger.mirror(from: source.base.path, to: destination)
            #expect(result.created && result.lastSeq == 14)
            try expectIdentical(source.base.ledger)
        }

        @Test func notALedgerRefused() throws {
            let source = try SegmentedLedger.standard(in: directory)
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            writeBytes(destination + "/notes.txt", Array("keep\n".utf8))
            #expect(throws: LedgerError.self) { _ = try Ledger.mirror(from: source.base.path, to: self.destination) }
            #expect(readBytes(destination + "/notes.txt") == Array("keep\n".utf8))
            #expect(throws: LedgerError.self) { _ = try Ledger.mirror(from: source.base.path, to: source.base.path) }
        }

        @Test func damagedSourceNeverCopied() throws {
            let source = try SegmentedLedger.standard(in: directory)
            let file = source.base.ledger.segmentPath(2)
            var lines = splitLines(readBytes(file))
            let at = try #require(lines[1].firstIndex(of: UInt8(ascii: "0")))
            lines[1][at] = UInt8(ascii: "1")
            writeBytes(file, joinLines(lines))
            #expect(throws: LedgerError.self) { _ = try Ledger.mirror(from: source.base.path, to: self.destination) }
            #expect(!FileManager.default.fileExists(atPath: destination))
        }
    }
}
