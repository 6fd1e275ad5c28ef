import asyncio
import contextvars
import threading

import pytest

import n3obs
from n3obs import SpanKind, Status, StatusCode


def by_name(spans):
    return {s.name: s for s in spans}


def test_start_as_current_span_nests_and_records(spans):
    with n3obs.start_as_current_span("parent", kind=SpanKind.SERVER, attributes={"a": 1}) as p:
        assert n3obs.get_current_span() is p
        p.set_attribute("s", "v")
        p.set_attribute("f", 1.5)
        p.set_attribute("b", True)
        p.set_attribute("arr", ["x", "y"])
        p.set_attributes({"ints": [1, 2], "floats": (1.0, 2.5), "bools": [True, False]})
        p.add_event("cache.miss", {"key": "k1"})
        with n3obs.start_as_current_span("child") as c:
            assert c.is_recording()
        p.set_status(Status(StatusCode.OK))
    assert n3obs.get_current_span() is n3obs.INVALID_SPAN
    got = by_name(spans())
    parent, child = got["parent"], got["child"]
    assert parent.kind is SpanKind.SERVER and parent.parent_span_id == 0
    assert child.parent_span_id == parent.span_id and child.trace_id == parent.trace_id
    assert parent.attributes == {"a": 1, "s": "v", "f": 1.5, "b": True, "arr": ("x", "y"),
                                 "ints": (1, 2), "floats": (1.0, 2.5), "bools": (True, False)}
    assert parent.events[0].name == "cache.miss" and parent.events[0].attributes == {"key": "k1"}
    assert parent.status.status_code is StatusCode.OK
    assert parent.end_time_unix_nano >= parent.start_time_unix_nano > 0


def test_exception_is_recorded_with_error_status(spans):
    with pytest.raises(KeyError):
        with n3obs.start_as_current_span("fails"):
            raise KeyError("missing")
    s = spans()[0]
    assert s.status.status_code is StatusCode.ERROR
    assert s.status.description == "KeyError: 'missing'"
    ev = s.events[0]
    assert ev.name == "exception" and ev.attributes["exception.type"] == "KeyError"
    assert "missing" in ev.attributes["exception.message"]
    assert "Traceback" in ev.attributes["exception.stacktrace"]


def test_decorator_sync_and_async(spans):
    @n3obs.start_as_current_span("sync-op")
    def f(x):
        return n3obs.get_current_span().name, x

    @n3obs.start_as_current_span("async-op")
    async def g(x):
        await asyncio.sleep(0)
        return n3obs.get_current_span().name, x

    assert f(1) == ("sync-op", 1)
    assert asyncio.run(g(2)) == ("async-op", 2)
    assert f(3) == ("sync-op", 3)
    assert sorted(s.name for s in spans()) == ["async-op", "sync-op", "sync-op"]


def test_asyncio_gather_each_task_sees_its_parent(spans):
    async def leaf(i):
        await asyncio.sleep(0.01 * (3 - i))
        with n3obs.start_as_current_span(f"leaf{i}"):
            await asyncio.sleep(0)

    async def branch(i):
        with n3obs.start_as_current_span(f"branch{i}"):
            await asyncio.sleep(0.005 * i)
            await leaf(i)

    async def main():
        with n3obs.start_as_current_span("root"):
            await asyncio.gather(*(branch(i) for i in range(3)))

    asyncio.run(main())
    got = by_name(spans())
    for i in range(3):
        assert got[f"branch{i}"].parent_span_id == got["root"].span_id
        assert got[f"leaf{i}"].parent_span_id == got[f"branch{i}"].span_id


def test_threads_see_the_context_they_are_given(spans):
    seen = {}

    def work(tag):
        with n3obs.start_as_current_span(tag):
            seen[tag] = True

    with n3obs.start_as_current_span("main"):
        ctx = contextvars.copy_context()
        t1 = threading.Thread(target=ctx.run, args=(work, "with-context"))
        t2 = threading.Thread(target=work, args=("fresh-thread",))
        t1.start(); t2.start(); t1.join(); t2.join()
    got = by_name(spans())
    assert got["with-context"].parent_span_id == got["main"].span_id
    assert got["fresh-thread"].parent_span_id == 0  # a new thread starts with no span, as in OTel


def test_child_of_an_ended_parent_keeps_the_trace(spans):
    async def main():
        with n3obs.start_as_current_span("short-parent") as p:
            task = asyncio.get_running_loop().create_task(asyncio.sleep(0.01))
            late = asyncio.get_running_loop().create_task(child_later())
        await task
        await late

    async def child_later():
        await asyncio.sleep(0.02)
        with n3obs.start_as_current_span("late-child"):
            pass

    asyncio.run(main())
    got = by_name(spans())
    assert got["late-child"].trace_id == got["short-parent"].trace_id
    assert got["late-child"].parent_span_id == got["short-parent"].span_id


def test_start_span_explicit_context_links_and_end(spans):
    root = n3obs.start_span("manual", attributes={"k": "v"})
    ctx = n3obs.set_span_in_context(root)
    child = n3obs.start_span("manual-child", context=ctx, links=[root.get_span_context()])
    child.add_link(root.get_span_context(), {"why": "test"})
    child.update_name("renamed-child")
    child.end()
    child.end()  # a second end does nothing
    child.set_attribute("ignored", 1)  # on an ended span: ignored, as in OpenTelemetry
    root.end()
    got = by_name(spans())
    assert got["renamed-child"].parent_span_id == got["manual"].span_id
    assert len(got["renamed-child"].links) == 2
    assert got["renamed-child"].links[1].attributes == {"why": "test"}
    with n3obs.use_span(root):
        assert n3obs.get_current_span() is root


def test_record_exception_and_status_forms(spans):
    with n3obs.start_as_current_span("manual-status", record_exception=False) as s:
        try:
            raise ValueError("bad")
        except ValueError as e:
            s.record_exception(e, attributes={"extra": 1})
        s.set_status(StatusCode.ERROR, "explicit")
    got = spans()[0]
    assert got.status == Status(StatusCode.ERROR, "explicit")
    assert got.events[0].attributes["extra"] == 1


def test_inject_extract_round_trip(spans):
    carrier = {}
    n3obs.inject(carrier)
    assert carrier == {}
    with n3obs.start_as_current_span("client") as c:
        n3obs.inject(carrier)
    sc = c.get_span_context()
    # sampled, and random (Trace Context level 2): the SDK's trace ids are random
    assert carrier["traceparent"] == f"00-{sc.trace_id:032x}-{sc.span_id:016x}-03"
    ctx = n3obs.extract({"TraceParent": carrier["traceparent"], "tracestate": "vendor=1"})
    assert ctx.remote.is_remote and ctx.remote.trace_state == "vendor=1"
    with n3obs.start_as_current_span("server", context=ctx, kind=SpanKind.SERVER) as s:
        out = {}
        n3obs.inject(out)
        assert out["tracestate"] == "vendor=1"
    got = by_name(spans())
    assert got["server"].trace_id == sc.trace_id
    assert got["server"].parent_span_id == sc.span_id and got["server"].parent_is_remote
    empty = n3obs.extract({"traceparent": "00-" + "0" * 32 + "-" + "0" * 16 + "-01"})
    assert empty.remote is None
    with n3obs.start_as_current_span("fresh", context=empty):
        pass
    assert by_name(spans())["fresh"].parent_span_id == 0
    later = {}
    n3obs.inject(later, context=ctx)
    assert later["traceparent"] == carrier["traceparent"]


def test_tracer_object_and_errors(spans):
    tracer = n3obs.get_tracer("my.lib", "1.0")
    with tracer.start_as_current_span("via-tracer"):
        pass
    assert spans()[0].name == "via-tracer"
    with pytest.raises(TypeError):
        with n3obs.start_as_current_span("bad-attr") as s:
            s.set_attribute("k", object())
    with pytest.raises(n3obs.TooLongError):
        n3obs.start_span("x" * 5000)
    with pytest.raises(ValueError):
        n3obs.start_span("k", kind=99)
    assert n3obs.spans_dropped() == 0


def test_otel_enums_are_accepted(spans):
    from opentelemetry.trace import SpanKind as OtelKind, StatusCode as OtelStatus
    with n3obs.start_as_current_span("otel-kind", kind=OtelKind.CLIENT) as s:
        s.set_status(OtelStatus.ERROR, "x")
    got = spans()[0]
    assert got.kind is SpanKind.CLIENT and got.status.status_code is StatusCode.ERROR


def test_lean_and_general_starts_share_a_thread_safely(spans):
    """A lean child start leaves its parent in the per-thread opts; a start under an ended
    parent right after must not see it."""
    with n3obs.start_as_current_span("p1") as p1:
        with n3obs.start_as_current_span("lean-child"):
            pass
    late = n3obs.start_span("under-ended", context=n3obs.set_span_in_context(p1))
    late.end()
    got = by_name(spans())
    assert got["under-ended"].parent_span_id == got["p1"].span_id


def test_a_block_object_is_entered_once_and_decorated_calls_get_new_spans(spans):
    block = n3obs.start_as_current_span("once")
    assert not block.is_recording()  # not started before the block
    with block as span:
        assert span is block and span.is_recording()
    with pytest.raises(RuntimeError, match="entered once"):
        with block:
            pass
    assert n3obs.get_current_span() is n3obs.INVALID_SPAN

    @n3obs.start_as_current_span("decorated", attributes={"k": 1})
    def f():
        return n3obs.get_current_span()
    first, second = f(), f()
    assert first is not second and first.is_ended and second.is_ended
    got = [s for s in spans() if s.name == "decorated"]
    assert len(got) == 2 and got[0].span_id != got[1].span_id
    assert all(s.attributes == {"k": 1} for s in got)


def test_remote_parent_tracestate_reaches_the_lean_child(spans):
    ctx = n3obs.extract({"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                         "tracestate": "vendor=abc,other=1"})
    with n3obs.start_as_current_span("server", context=ctx):
        with n3obs.start_as_current_span("lean-child") as child:
            sc = child.get_span_context()
    assert sc.trace_state == "vendor=abc,other=1"
    assert sc.trace_id == 0x0af7651916cd43dd8448eb211c80319c
    assert by_name(spans())["lean-child"].context.trace_state == "vendor=abc,other=1"


def test_hot_calls_from_threads_while_health_callbacks_record(spans):
    """The per-span and per-value calls keep the GIL (n3obs._hot). Health checks run on the
    SDK's threads and call back into Python; recording from both sides at once must
    neither deadlock nor lose anything."""
    counter = n3obs.Counter("hot_threads_total", "Recorded from threads and checks.")
    done = {"check": 0, "thread": 0}
    dropped_before = n3obs.spans_dropped()

    def check():
        counter.inc()
        with n3obs.start_as_current_span("from-check"):
            pass
        done["check"] += 1
        return True
    n3obs.health.register("records_while_checked", check)
    stop = threading.Event()
    lock = threading.Lock()

    def work():
        n = 0
        while not stop.is_set() and n < 500:
            with n3obs.start_as_current_span("from-thread") as s:
                s.set_attribute("k", 1)
                counter.inc()
            n += 1
        with lock:
            done["thread"] += n
    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(20):
            report = n3obs.health.report()
            assert report["records_while_checked"].status is n3obs.HealthStatus.HEALTHY
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        n3obs.health.unregister("records_while_checked")
    assert not any(t.is_alive() for t in threads)
    got = spans()
    ended = done["check"] + done["thread"]
    assert done["check"] >= 20 and done["thread"] > 0
    assert len(got) + n3obs.spans_dropped() - dropped_before == ended
    assert {s.name for s in got} <= {"from-check", "from-thread"}
    assert n3obs.collect()["hot_threads"].series[0].value == ended
