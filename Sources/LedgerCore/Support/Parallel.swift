import Dispatch

/// Runs independent jobs on several threads and collects their results in order.
public enum Parallel {
    struct Slots<T>: @unchecked Sendable {
        // Each index is written by exactly one worker, and read only after all workers finished.
        let base: UnsafeMutablePointer<T?>
    }

    /// Calls `job(i)` for i in 0..<count on up to `workers` threads; returns the results by index.
    public static func map<T>(count: Int, workers: Int, _ job: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots(base: UnsafeMutablePointer<T?>.allocate(capacity: count))
        slots.base.initialize(repeating: nil, count: count)
        defer { slots.base.deinitialize(count: count); slots.base.deallocate() }
        let next = AtomicCounter()
        let threads = max(1, min(workers, count))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.increment() - 1
                if i >= count { break }
                slots.base[i] = job(i)
            }
        }
        return (0..<count).map { slots.base[$0]! }
    }

    /// The number of processors this process may run on (see ``SystemCalls/processorCount()``).
    public static var processorCount: Int { max(1, SystemCalls.processorCount()) }
}

/// A result computed on another thread while the caller goes on; ``wait()`` returns it.
///
/// Used to decode the next part of a ledger while the current part is applied, and to write an
/// append's chunk while the next is encoded.
public final class Pending<T>: @unchecked Sendable {
    // `result` is written once by the worker before `group` leaves, and read only after `wait`.
    private var result: T?
    private let group = DispatchGroup()

    /// Starts `work` on a global queue.
    public convenience init(_ work: @escaping @Sendable () -> T) {
        self.init(on: .global(), work)
    }

    /// Starts `work` on `queue`.
    init(on queue: DispatchQueue, _ work: @escaping @Sendable () -> T) {
        group.enter()
        queue.async { [self] in
            result = work()
            group.leave()
        }
    }

    /// Waits for the work and returns its result.
    public func wait() -> T {
        group.wait()
        return result!
    }

    /// Waits for the work and returns its result, keeping no reference to it (so that a buffer in
    /// it is uniquely referenced by the caller). Call once.
    func take() -> T {
        group.wait()
        defer { result = nil }
        return result!
    }
}

/// Frees large values (a decoded wave, a batch's events) on another thread, so that the thread on
/// the serial path does not spend its time giving memory back.
public enum Retirement {
    /// Holds the value until the other thread empties it. Emptied there, the value is freed there,
    /// whichever thread lets go of the holder last (capturing the value itself in the block would
    /// free it on the caller's thread whenever the block ran before the caller let go of it).
    private final class Holder<T>: @unchecked Sendable {
        // Written by the caller before the block is queued, and then only by the block.
        var value: T?
        init(_ value: T) { self.value = value }
    }

    /// Frees `value` on a global queue. The caller hands over its last reference (`consume` a
    /// local): a reference it keeps, let go of after the block has run, frees the value on the
    /// caller's thread after all.
    public static func free<T>(_ value: consuming T) {
        let holder = Holder(value)
        DispatchQueue.global().async { holder.value = nil }
    }
}

/// A value guarded by a lock, for state that several decoding threads share (a key loaded on first use).
public final class Locked<T>: @unchecked Sendable {
    // `value` is read and written only between `wait` and `signal`.
    private var value: T
    private let semaphore = DispatchSemaphore(value: 1)

    /// Guards `value`.
    public init(_ value: T) { self.value = value }

    /// Runs `body` with the value, holding the lock.
    public func withLock<R, E: Error>(_ body: (inout T) throws(E) -> R) throws(E) -> R {
        semaphore.wait()
        defer { semaphore.signal() }
        return try body(&value)
    }
}
