import CN3ObsShims
import N3ObsSupport

/// How the SDK starts its threads: named, running inside the fork gate (stepping out while
/// they wait), and joined by shutdown within its deadline.
enum SDKThread {
    static let hooks = NamedThread.Hooks(enter: n3o_gate_enter, leave: n3o_gate_leave, wait: ForkGate.waitHooks)

    /// Runs `body` on a new thread named `name` (at most 15 bytes show).
    static func start(name: String, _ body: @escaping () -> Void) -> Result<NamedThread, NamedThread.StartFailure> {
        NamedThread.start(name: name, hooks: hooks, body)
    }
}
