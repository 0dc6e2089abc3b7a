import CKernels
import Foundation
import Testing

/// The pool hands out chunks of a loop from a shared counter: every index of
/// every loop runs exactly once, whatever the count and however the threads race.
@Suite struct ThreadPoolTests {
    /// Adds one to each counter of its range (ctx: Int32 counters).
    static let countEach: bs_range_fn = { ctx, begin, end in
        let h = ctx!.assumingMemoryBound(to: Int32.self)
        for i in Int(begin)..<Int(end) { h[i] += 1 }
    }

    @Test func everyIndexRunsOnce() {
        bs_set_threads(2)  // no effect when another test started the pool first
        for count in [1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 1000] {
            var hits = [Int32](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { buffer in
                for _ in 0..<20 {
                    bs_parallel_for(Int32(count), Self.countEach, buffer.baseAddress!, 1)
                }
            }
            #expect(hits.allSatisfy { $0 == 20 }, "count \(count): \(hits.prefix(20))")
        }
    }

    /// Loops started on several threads at once each cover their own indices
    /// exactly once: the pool takes one, the others run on their callers.
    @Test func concurrentLoopsDoNotShareAJob() {
        bs_set_threads(2)
        let threads = 4, loops = 40000, count = 97
        let hits = UnsafeMutableBufferPointer<Int32>.allocate(capacity: threads * count)
        hits.initialize(repeating: 0)
        defer { hits.deallocate() }
        let done = DispatchGroup(), base = UInt(bitPattern: hits.baseAddress!)  // a Sendable address
        for t in 0..<threads {
            done.enter()
            Thread {
                let mine = UnsafeMutablePointer<Int32>(bitPattern: base)! + t * count
                for _ in 0..<loops {
                    bs_parallel_for(Int32(count), Self.countEach, mine, 1)
                }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(hits.allSatisfy { $0 == loops }, "\(Array(hits).filter { $0 != loops }.prefix(10))")
    }
}
