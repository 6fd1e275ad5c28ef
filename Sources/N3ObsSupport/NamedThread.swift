import Glibc

/// A joinable pthread with a name (`n3obs-...`, as `ps -L` and /proc/<pid>/task/*/comm show
/// it), so that every thread the SDK and its plugins start can be counted, told apart and
/// joined at shutdown. Shared by the SDK (health checks) and the plugins, which do not link
/// the SDK; the SDK passes hooks that keep the thread inside its fork gate.
public final class NamedThread: @unchecked Sendable {
    /// What runs around the body on the new thread (the SDK's fork gate); plugins need none.
    public struct Hooks: Sendable {
        public let enter: @convention(c) () -> Void
        public let leave: @convention(c) () -> Void
        public let wait: MonotonicCondition.WaitHooks?
        public init(enter: @escaping @convention(c) () -> Void, leave: @escaping @convention(c) () -> Void,
                    wait: MonotonicCondition.WaitHooks?) {
            self.enter = enter
            self.leave = leave
            self.wait = wait
        }
    }

    private var tid = pthread_t()
    private let sync: MonotonicCondition
    private var ended = false
    private var joined = false
    public let name: String

    private init(name: String, hooks: Hooks?) {
        self.name = name
        sync = MonotonicCondition(hooks: hooks?.wait)
    }

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread named `name` (Linux shows 15 bytes of it).
    /// - Returns: the thread, or why it could not start.
    public static func start(name: String, hooks: Hooks? = nil,
                             _ body: @escaping () -> Void) -> Result<NamedThread, StartFailure> {
        let thread = NamedThread(name: name, hooks: hooks)
        let context = Unmanaged.passRetained(Body {
            setCurrentName(name)
            hooks?.enter()
            body()
            // Inside the gate still: a fork never finds this lock held.
            thread.sync.withLock {
                thread.ended = true
                thread.sync.broadcast()
            }
            hooks?.leave()
        }).toOpaque()
        let rc = pthread_create(&thread.tid, nil, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return .failure(StartFailure(reason: "pthread_create: \(String(cString: strerror(rc)))"))
        }
        // Named by its creator too, so nobody who saw it start finds it under the process' name.
        setName(of: thread.tid, name)
        return .success(thread)
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Waits until the thread has ended or the monotonic clock reaches `deadline` (ns), and
    /// joins it if it ended. A thread still running then (a body that does not return) is
    /// detached instead: it is left to end on its own, and false says so.
    @discardableResult
    public func join(untilMonotonic deadline: UInt64) -> Bool {
        let (first, done) = sync.withLock { () -> (Bool, Bool) in
            if joined { return (false, ended) }
            joined = true
            while !ended && MonotonicCondition.now() < deadline { sync.wait(untilMonotonic: deadline) }
            return (true, ended)
        }
        guard first else { return done }
        // Once `ended` is set the thread only leaves the gate and returns: this join is short.
        if done { pthread_join(tid, nil) } else { pthread_detach(tid) }
        return done
    }

    /// Joins the thread however long it takes.
    public func join() { join(untilMonotonic: UInt64.max) }

    /// Whether the thread calling it is this one (a thread must not join itself).
    public var isCurrent: Bool { pthread_equal(tid, pthread_self()) != 0 }

    /// In a forked child: the thread stayed in the parent; never join or detach it here.
    public func forgetAfterFork() {
        sync.resetWaitersAfterFork()
        joined = true
    }

    /// Names the calling thread. pthread_setname_np is not in Swift's Glibc module, so it
    /// is looked up once.
    public static func setCurrentName(_ name: String) { setName(of: pthread_self(), name) }

    private static func setName(of thread: pthread_t, _ name: String) {
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        guard let fn = setName.map(UnsafeMutableRawPointer.init(bitPattern:)) ?? nil else { return }
        let short = String(decoding: Array(name.utf8.prefix(15)), as: UTF8.self)
        _ = short.withCString { unsafeBitCast(fn, to: SetName.self)(thread, $0) }
    }

    private static let setName: Int? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np")
        .map { Int(bitPattern: $0) }
}
