// swift-tools-version:6.0
// CaseLedger: an append-only, hash-chained case activity ledger for Danish jobcenters.
// The product depends on the Swift toolchain alone: no package dependencies.
import PackageDescription

/// Settings applied to every Swift target, each with the reason it is there.
let strictSettings: [SwiftSetting] = [
    // Imports that leak into a module's public API must be declared, so a reader
    // sees from each file what it depends on.
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Existential types are spelled `any P`, so their cost is visible where used.
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "CaseLedger",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "caseledger", targets: ["caseledger"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
    ],
    dependencies: [],
    targets: [
        // Libraries, from the bottom up.
        // SHA-256 compression with the x86 SHA extensions, selected at run time.
        .target(name: "CSHA256", path: "Sources/CSHA256"),
        // A cache prefetch hint for the replay's fold (Swift has no prefetch of its own).
        .target(name: "CPrefetch", path: "Sources/CPrefetch"),
        // Process-wide facts and settings Swift's Glibc module lacks: the processors a process may run on
        // (sched_getaffinity needs _GNU_SOURCE) and the allocator's settings (mallopt is in <malloc.h>).
        .target(name: "CProcess", path: "Sources/CProcess"),
        // The event model, canonical encoding, hashing and log storage.
        .target(name: "LedgerCore", dependencies: ["CSHA256", "CProcess"], swiftSettings: strictSettings),
        // Projections: the replay of events into measures, goals and their evaluation. Pure folds, no I/O
        // except the replay driver that reads a ledger.
        .target(name: "Projections", dependencies: ["LedgerCore", "CPrefetch"], swiftSettings: strictSettings),
        // Reports: text and JSON renderings of measures and goals.
        .target(name: "Reports", dependencies: ["Projections", "LedgerCore"], swiftSettings: strictSettings),
        // Simulation: a deterministic synthetic history of events, for tests, benchmarks and the demo.
        .target(name: "Simulation", dependencies: ["LedgerCore"], swiftSettings: strictSettings),
        // The web front's HTTP/1.1 server on the system's sockets: the request parser and its limits, responses, connections.
        .target(name: "WebServer", dependencies: ["LedgerCore"], swiftSettings: strictSettings),
        // The web front (`caseledger serve`): the pages over one ledger, its session and CSRF tokens, the state kept current.
        .target(name: "WebApp", dependencies: ["WebServer", "LedgerCore", "Projections", "Reports"], swiftSettings: strictSettings),
        // The command-line front: parses arguments, calls the libraries, prints.
        .target(name: "CaseLedgerCommands", dependencies: ["LedgerCore", "Projections", "Reports", "Simulation", "WebServer", "WebApp"], swiftSettings: strictSettings),

        // The executable.
        .executableTarget(name: "caseledger", dependencies: ["CaseLedgerCommands"], swiftSettings: strictSettings),

        // Tests.
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore"], swiftSettings: strictSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["LedgerCore"], swiftSettings: strictSettings),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "LedgerCore", "Reports", "Simulation"], swiftSettings: strictSettings),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "LedgerCore"], swiftSettings: strictSettings),
        .testTarget(name: "WebServerTests", dependencies: ["WebServer", "WebApp", "LedgerCore", "Projections", "Reports", "Simulation"], swiftSettings: strictSettings),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Projections", "LedgerCore", "Simulation"], swiftSettings: strictSettings),
    ]
)
