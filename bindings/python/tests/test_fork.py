"""Fork: a child made by multiprocessing (fork) or a pre-fork server keeps a working SDK."""

from conftest import run_script

PRELUDE = """
import multiprocessing as mp, os, signal, sys, time
import n3obs
n3obs.init(service_name="fork", exporters=[], ignore_env=True)
requests = n3obs.Counter("fork_requests_total", "Requests.", ["worker"])
requests.labels("parent").inc()
with n3obs.start_as_current_span("before-fork"):
    pass
n3obs.drain_spans()
"""


def test_multiprocessing_fork_children_record_and_collect():
    out = run_script(PRELUDE + """
def child(i, q):
    signal.alarm(20)
    requests.labels(f"w{i}").inc(i + 1)
    with n3obs.start_as_current_span(f"in-child-{i}") as s:
        s.set_attribute("i", i)
    spans = [x.name for x in n3obs.drain_spans()]
    fam = n3obs.collect()["fork_requests"]
    q.put((i, fam.get(worker=f"w{i}").value, spans))

ctx = mp.get_context("fork")
q = ctx.Queue()
ps = [ctx.Process(target=child, args=(i, q)) for i in range(3)]
for p in ps: p.start()
results = sorted(q.get(timeout=30) for _ in ps)
for p in ps: p.join(30); assert p.exitcode == 0, p.exitcode
assert results == [(i, i + 1.0, [f"in-child-{i}"]) for i in range(3)], results
# the parent is untouched and still works
assert n3obs.collect()["fork_requests"].get(worker="w0") is None
requests.labels("parent").inc()
assert n3obs.collect()["fork_requests"].get(worker="parent").value == 2
n3obs.health.report()
print("ok")
""")
    assert out.stdout.strip().endswith("ok")


def test_prefork_server_pattern():
    out = run_script(PRELUDE + """
pids = []
for w in range(2):
    pid = os.fork()
    if pid == 0:
        signal.alarm(20)
        for _ in range(100):
            with n3obs.start_as_current_span("request"):
                requests.labels(f"w{w}").inc()
        ok = (n3obs.collect()["fork_requests"].get(worker=f"w{w}").value == 100
              and len(n3obs.drain_spans()) == 100)
        report = n3obs.health.report()       # the child's own health workers
        ok = ok and report.status in ("healthy", "degraded")
        n3obs.force_flush(5)                   # the child's own export pipeline
        sys.stdout.flush()
        os._exit(0 if ok else 3)
    pids.append(pid)
codes = [os.waitpid(p, 0)[1] for p in pids]
assert codes == [0, 0], codes
print("ok")
""")
    assert out.stdout.strip().endswith("ok")


def test_child_exits_promptly_through_atexit():
    """sys.exit in a forked child runs atexit, whose shutdown returns promptly."""
    out = run_script(PRELUDE + """
pid = os.fork()
if pid == 0:
    signal.alarm(20)
    requests.labels("child").inc()
    sys.exit(0)
t0 = time.time()
_, code = os.waitpid(pid, 0)
assert code == 0 and time.time() - t0 < 3, (code, time.time() - t0)
print("ok")
""")
    assert out.stdout.strip().endswith("ok")


def test_health_report_in_a_forked_child():
    out = run_script(PRELUDE + """
n3obs.health.register("fine", lambda: True, timeout=1.0)
pid = os.fork()
if pid == 0:
    signal.alarm(20)
    r = n3obs.health.report()
    ok = any(c.name == "fine" and c.status == "healthy" for c in r.checks)
    os._exit(0 if ok else 3)
_, code = os.waitpid(pid, 0)
assert code == 0, code
print("ok")
""")
    assert out.stdout.strip().endswith("ok")
