import Testing
import Foundation
@testable import LedgerCore

/// The `caseledger` process sets glibc's allocator for large folds on several threads
/// (`SystemCalls.tuneAllocator()`, called by the executable before any command).
@Suite struct AllocatorSettingsTests {
    @Test func glibcAcceptsEverySetting() throws {
        #if canImport(Glibc)
        // Each setting glibc refuses is counted out: a wrong constant or value in the C target
        // (CProcess) shows here as less than 3.
        #expect(SystemCalls.tuneAllocator() == 3)
        // Memory still comes and goes under the settings: 8 MiB, now below the mmap threshold.
        let bytes = 8 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        block.initializeMemory(as: UInt8.self, repeating: 0xA5, count: bytes)
        #expect(block.load(fromByteOffset: bytes - 1, as: UInt8.self) == 0xA5)
        block.deallocate()
        #else
        #expect(SystemCalls.tuneAllocator() == 0)
        #endif
    }
}
