"""One current span for Python and C in one process (n3obs_set_context_storage).

C code here is libn3obs.so called the ways a Python program calls C: through ctypes.CDLL
(which releases the GIL, as most extensions' blocking calls do), ctypes.PyDLL (which keeps
it, as a C extension's function does) and cffi (n3obs._native)."""
import asyncio
import base64
import ctypes
import json
import socket
import threading

import pytest

import n3obs
from n3obs._core import ffi, lib
from conftest import run_script

LIB = n3obs.__file__.rsplit("/", 1)[0] + "/libn3obs.so"


def _c_functions(loader):
    so = loader(LIB)
    so.n3obs_span_start.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_void_p]
    so.n3obs_span_end.argtypes = [ctypes.c_void_p, ctypes.c_int64]
    so.n3obs_span_make_current.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint64)]
    so.n3obs_scope_close.argtypes = [ctypes.c_uint64]
    so.n3obs_span_current.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return so


C_RELEASING_GIL = _c_functions(ctypes.CDLL)
C_HOLDING_GIL = _c_functions(ctypes.PyDLL)


def c_span(so, name: str) -> None:
    """What a C extension does: a span with no parent given, ended at once."""
    h = ctypes.c_void_p()
    assert so.n3obs_span_start(ctypes.byref(h), name.encode(), None) == 0
    assert so.n3obs_span_end(h, 0) == 0


def by_name(spans):
    return {s.name: s for s in spans}


@pytest.mark.parametrize("so", [C_RELEASING_GIL, C_HOLDING_GIL], ids=["ctypes.CDLL", "ctypes.PyDLL"])
def test_a_c_span_inside_a_python_span_is_its_child(spans, so):
    with n3obs.start_as_current_span("py.request") as parent:
        c_span(so, "c.query")
        with n3obs.start_as_current_span("py.inner"):
            c_span(so, "c.inner")
    c_span(so, "c.outside")
    got = by_name(spans())
    p, inner = got["py.request"].context, got["py.inner"].context
    assert got["c.query"].trace_id == p.trace_id and got["c.query"].parent_span_id == p.span_id
    assert not got["c.query"].parent_is_remote
    assert got["c.inner"].parent_span_id == inner.span_id
    assert got["c.outside"].parent_span_id == 0 and got["c.outside"].trace_id != p.trace_id
    assert parent.get_span_context().span_id == p.span_id


def test_the_cffi_call_without_options_is_a_child_too(spans):
    with n3obs.start_as_current_span("py.request"):
        out = ffi.new("n3obs_span **")
        assert lib.n3obs_span_start(out, b"cffi.query", ffi.NULL) == 0
        assert lib.n3obs_span_end(out[0], 0) == 0
    got = by_name(spans())
    assert got["cffi.query"].parent_span_id == got["py.request"].span_id


@pytest.mark.parametrize("so", [C_RELEASING_GIL, C_HOLDING_GIL], ids=["ctypes.CDLL", "ctypes.PyDLL"])
def test_a_python_span_inside_a_span_made_current_in_c_is_its_child(spans, so):
    h = ctypes.c_void_p()
    assert so.n3obs_span_start(ctypes.byref(h), b"c.handler", None) == 0
    token = ctypes.c_uint64()
    assert so.n3obs_span_make_current(h, ctypes.byref(token)) == 0
    current = n3obs.get_current_span()
    with n3obs.start_as_current_span("py.step"):
        pass
    with n3obs.start_span("py.plain"):
        pass
    assert so.n3obs_scope_close(token) == 0
    assert n3obs.get_current_span() is n3obs.INVALID_SPAN
    assert so.n3obs_span_end(h, 0) == 0
    got = by_name(spans())
    handler = got["c.handler"]
    assert current.get_span_context().span_id == handler.span_id
    assert got["py.step"].parent_span_id == handler.span_id and got["py.step"].trace_id == handler.trace_id
    assert got["py.plain"].parent_span_id == handler.span_id


def test_n3obs_span_current_in_c_is_the_python_span():
    cur = ctypes.c_void_p()
    with n3obs.start_as_current_span("py.request") as s:
        assert C_HOLDING_GIL.n3obs_span_current(ctypes.byref(cur)) == 0
        assert cur.value == int(ffi.cast("uintptr_t", s._h))
    assert C_HOLDING_GIL.n3obs_span_current(ctypes.byref(cur)) == 0
    assert cur.value is None


def test_a_python_child_of_a_c_span_that_ended_keeps_the_trace(spans):
    h = ctypes.c_void_p()
    assert C_HOLDING_GIL.n3obs_span_start(ctypes.byref(h), b"c.short", None) == 0
    token = ctypes.c_uint64()
    assert C_HOLDING_GIL.n3obs_span_make_current(h, ctypes.byref(token)) == 0
    assert C_HOLDING_GIL.n3obs_span_end(h, 0) == 0  # still current, but ended
    with n3obs.start_as_current_span("py.after"):
        pass
    assert C_HOLDING_GIL.n3obs_scope_close(token) == 0
    got = by_name(spans())
    assert got["py.after"].trace_id == got["c.short"].trace_id
    assert got["py.after"].parent_span_id == got["c.short"].span_id


def test_asyncio_tasks_keep_their_own_current_span_for_c(spans):
    async def task(name):
        with n3obs.start_as_current_span(name):
            await asyncio.sleep(0.01)  # the other task runs here, on this thread
            c_span(C_HOLDING_GIL, name + ".c")
            await asyncio.sleep(0.01)
            c_span(C_RELEASING_GIL, name + ".c2")

    async def main():
        await asyncio.gather(task("a"), task("b"), task("c"))
        c_span(C_HOLDING_GIL, "after.gather")

    asyncio.run(main())
    got = by_name(spans())
    for name in "abc":
        assert got[name + ".c"].parent_span_id == got[name].span_id, name
        assert got[name + ".c2"].parent_span_id == got[name].span_id, name
    assert got["after.gather"].parent_span_id == 0


def test_threads_keep_their_own_current_span_for_c(spans):
    barrier = threading.Barrier(4)

    def work(name):
        with n3obs.start_as_current_span(name):
            barrier.wait()
            for i in range(50):
                c_span(C_RELEASING_GIL if i % 2 else C_HOLDING_GIL, f"{name}.c{i}")

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = by_name(spans())
    for i in range(4):
        parent = got[f"t{i}"]
        assert all(got[f"t{i}.c{k}"].parent_span_id == parent.span_id for k in range(50)), i


def test_a_scope_of_c_stays_in_the_task_that_opened_it(spans):
    """A span made current in C inside one task is not current in another."""
    seen = {}

    async def opener():
        h = ctypes.c_void_p()
        C_HOLDING_GIL.n3obs_span_start(ctypes.byref(h), b"c.in.a", None)
        token = ctypes.c_uint64()
        C_HOLDING_GIL.n3obs_span_make_current(h, ctypes.byref(token))
        await asyncio.sleep(0.02)
        seen["a"] = n3obs.get_current_span().get_span_context().span_id
        C_HOLDING_GIL.n3obs_scope_close(token)
        C_HOLDING_GIL.n3obs_span_end(h, 0)

    async def other():
        await asyncio.sleep(0.01)
        seen["b"] = n3obs.get_current_span()

    async def main():
        await asyncio.gather(opener(), other())

    asyncio.run(main())
    got = by_name(spans())
    assert seen["a"] == got["c.in.a"].span_id
    assert seen["b"] is n3obs.INVALID_SPAN


def test_an_observation_in_a_sampled_python_span_has_its_exemplar():
    h = n3obs.Histogram("ctx_exemplar_seconds", "x", buckets=[1, 10])
    with n3obs.start_as_current_span("py.exemplar") as s:
        h.observe(0.5)
    h.observe(5)  # outside any span: no exemplar

    def observe_in_a_thread():
        with n3obs.start_as_current_span("py.thread.exemplar"):
            h.observe(50)
    t = threading.Thread(target=observe_in_a_thread)
    t.start()
    t.join()
    c = s.get_span_context()
    buckets = n3obs.collect()["ctx_exemplar_seconds"].get().buckets
    e = buckets[0].exemplar
    assert e is not None and (e.trace_id, e.span_id, e.value) == (c.trace_id, c.span_id, 0.5), e
    assert buckets[1].exemplar is None
    assert buckets[2].exemplar is not None and buckets[2].exemplar.value == 50


def _hex_ids_as_base64(obj):
    if isinstance(obj, dict):
        return {k: base64.b64encode(bytes.fromhex(v)).decode() if k in ("traceId", "spanId") else
                _hex_ids_as_base64(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_hex_ids_as_base64(x) for x in obj]
    return obj


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


EXEMPLAR_PROGRAM = """
import json, n3obs
n3obs.init(service_name="ctx", exporters=EXPORTERS)
h = n3obs.Histogram("checkout_seconds", "checkout time", buckets=[0.1, 1])
with n3obs.start_as_current_span("checkout") as s:
    h.observe(0.05)
h.observe(0.5)
c = s.get_span_context()
print(json.dumps({"trace_id": f"{c.trace_id:032x}", "span_id": f"{c.span_id:016x}"}), flush=True)
"""


def test_the_exemplar_reaches_the_openmetrics_page():
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
    port = _free_port()
    proc = run_script(EXEMPLAR_PROGRAM.replace(
        "EXPORTERS", f"[('prometheus', {{'listen': '127.0.0.1:{port}'}})]") + f"""
import urllib.request
req = urllib.request.Request("http://127.0.0.1:{port}/metrics",
                             headers={{"Accept": "application/openmetrics-text"}})
print(urllib.request.urlopen(req, timeout=5).read().decode())
n3obs.shutdown()
""")
    ids = json.loads(proc.stdout.splitlines()[0])
    page = proc.stdout.split("\n", 1)[1].rstrip("\n") + "\n"  # print's own newline after # EOF
    fams = {f.name: f for f in text_string_to_metric_families(page)}
    buckets = {s.labels["le"]: s for s in fams["checkout_seconds"].samples if s.name.endswith("_bucket")}
    e = buckets["0.1"].exemplar
    assert e is not None and e.labels == ids and e.value == 0.05, buckets["0.1"]
    assert buckets["1.0"].exemplar is None


def test_the_exemplar_reaches_otlp(tmp_path):
    from google.protobuf.json_format import Parse
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    path = tmp_path / "otlp.jsonl"
    proc = run_script(EXEMPLAR_PROGRAM.replace("EXPORTERS", f"[('otlp', {{'file': {str(path)!r}}})]") +
                      "n3obs.shutdown()\n")
    ids = json.loads(proc.stdout.splitlines()[0])
    points = []
    for line in path.read_text().splitlines():
        doc = json.loads(line)
        if "resourceMetrics" not in doc:
            continue
        for rm in doc["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    if m["name"] == "checkout_seconds":
                        points += m["histogram"]["dataPoints"]
        # what a collector reads: the protobuf message (OTLP/JSON ids are hex, protobuf's JSON base64)
        Parse(json.dumps(_hex_ids_as_base64(doc)), ExportMetricsServiceRequest(), ignore_unknown_fields=False)
    assert points, "no data point for checkout_seconds"
    exemplars = points[-1].get("exemplars", [])
    assert [(x["traceId"], x["spanId"], x["asDouble"]) for x in exemplars] == [
        (ids["trace_id"], ids["span_id"], 0.05)], exemplars
