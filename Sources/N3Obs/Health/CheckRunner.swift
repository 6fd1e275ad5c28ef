import CN3ObsShims

/// How a report runs its checks: decide under the lock what each check needs (a cached
/// result, a stuck result, joining a run in flight, or a new run), start the new runs on
/// the pool, then wait for each until its own deadline.
extension HealthRegistry {
    /// What a report does about one check: a result known now, or a run to wait for.
    /// (A struct rather than an enum with payloads: valgrind flags the spare-bit tag
    /// reads Swift generates for such enums, which would hide real memory errors.)
    private struct Plan {
        var result: CheckResult?
        var wait: (check: HealthCheck, run: CheckRun)?
        static func done(_ r: CheckResult) -> Plan { Plan(result: r, wait: nil) }
        static func wait(_ c: HealthCheck, _ r: CheckRun) -> Plan { Plan(result: nil, wait: (c, r)) }
    }

    func run(_ selected: [HealthCheck]?, honourIntervals: Bool) -> HealthReport {
        let startedUnix = n3o_realtime_ns()
        let started = n3o_monotonic_ns()
        var plans: [Plan] = []
        var toStart: [(HealthCheck, CheckRun)] = []
        var fresh: [CheckResult] = []
        let list = sync.withLock { () -> [HealthCheck] in
            let list = selected ?? allChecksSorted()
            let now = n3o_monotonic_ns()
            for check in list {
                if honourIntervals, check.intervalNanos > 0, var r = check.lastResult,
                   now &- r.decidedMonotonic < check.intervalNanos {
                    r.cached = true
                    plans.append(.done(r))
                } else if let run = check.inFlight {
                    if now >= run.deadline {
                        let r = stuckResult(check, run, now: now)
                        fresh.append(r)
                        plans.append(.done(r))
                    } else {
                        plans.append(.wait(check, run)) // another report started it: share it
                    }
                } else {
                    let run = CheckRun(startedMonotonic: now, startedUnixNano: n3o_realtime_ns(),
                                       timeoutNanos: check.timeoutNanos)
                    check.inFlight = run
                    toStart.append((check, run))
                    plans.append(.wait(check, run))
                }
            }
            return list
        }
        for (check, run) in toStart {
            if let refusal = pool.submit({ [self] in execute(check, run) }) {
                sync.withLock {
                    if check.inFlight === run { check.inFlight = nil }
                    let now = n3o_monotonic_ns()
                    var r = CheckResult(of: check, status: .unhealthy, detail: "not started: \(refusal)",
                                        run: run, durationNanos: 0, now: now)
                    r.decidedMonotonic = 0 // never reused through the interval
                    run.result = r
                }
            }
        }
        let results = sync.withLock { () -> [CheckResult] in
            var results = [CheckResult?](repeating: nil, count: plans.count)
            while true {
                let now = n3o_monotonic_ns()
                var earliest = UInt64.max
                for i in plans.indices where results[i] == nil {
                    if let r = plans[i].result {
                        results[i] = r
                    } else if let (check, run) = plans[i].wait {
                        if let r = run.result {
                            results[i] = r
                            fresh.append(r)
                        } else if now >= run.deadline {
                            run.abandoned = true
                            let r = timedOutResult(check, run, now: now)
                            run.result = r // other reports sharing the run see the same
                            check.lastResult = r
                            results[i] = r
                            fresh.append(r)
                        } else {
                            earliest = min(earliest, run.deadline)
                        }
                    }
                }
                if earliest == .max { break }
                sync.wait(untilMonotonic: earliest)
            }
            return results.compactMap { $0 }
        }
        _ = list
        if let metrics { fresh.forEach(metrics.record) }
        return HealthReport(checks: results, timeUnixNano: startedUnix,
                            durationNanos: Int64(clamping: n3o_monotonic_ns() &- started))
    }

    /// Runs the body on a pool thread and returns how to publish its result.
    private func execute(_ check: HealthCheck, _ run: CheckRun) -> @Sendable () -> Void {
        let outcome = check.definition.body()
        let end = n3o_monotonic_ns()
        let (status, detail) = Self.interpret(outcome)
        let result = CheckResult(of: check, status: status, detail: detail, run: run,
                                 durationNanos: end &- run.startedMonotonic, now: end)
        return { [self] in publish(result, of: check, run) }
    }

    private func publish(_ result: CheckResult, of check: HealthCheck, _ run: CheckRun) {
        sync.withLock {
            if check.inFlight === run { check.inFlight = nil }
            // A report that gave up on this run has reported it as timed out; that stays
            // the check's latest result rather than a late answer.
            if !run.abandoned {
                run.result = result
                check.lastResult = result
            }
            sync.broadcast()
        }
    }

    /// A C callback may return any int; only the three statuses are trusted.
    static func interpret(_ outcome: HealthOutcome) -> (HealthStatus, String) {
        if let status = HealthStatus(rawValue: outcome.rawStatus) { return (status, outcome.detail) }
        var detail = "the check returned \(outcome.rawStatus), which is not a health status "
            + "(0 healthy, 1 degraded, 2 unhealthy)"
        if !outcome.detail.isEmpty { detail += "; its detail: \(outcome.detail)" }
        return (.unhealthy, detail)
    }

    private func timedOutResult(_ check: HealthCheck, _ run: CheckRun, now: UInt64) -> CheckResult {
        var r = CheckResult(of: check, status: .unhealthy,
                            detail: "timed out after \(check.definition.timeoutMilliseconds) ms",
                            run: run, durationNanos: now &- run.startedMonotonic, now: now)
        r.timedOut = true
        return r
    }

    private func stuckResult(_ check: HealthCheck, _ run: CheckRun, now: UInt64) -> CheckResult {
        let ms = (now &- run.startedMonotonic) / 1_000_000
        var r = CheckResult(
            of: check, status: .unhealthy,
            detail: "stuck: a run started \(ms) ms ago is still running past its timeout of "
                + "\(check.definition.timeoutMilliseconds) ms; not started again",
            run: run, durationNanos: now &- run.startedMonotonic, now: now)
        r.stuck = true
        r.decidedMonotonic = 0 // re-examined by the next report, never cached
        return r
    }
}
