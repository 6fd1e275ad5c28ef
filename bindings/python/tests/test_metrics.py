import asyncio
import math
import threading

import pytest
from prometheus_client.parser import text_string_to_metric_families

import n3obs
from promtext import render


def fam(name):
    return n3obs.collect()[name]


def test_counter_without_labels():
    c = n3obs.Counter("t_plain_total", "Plain counter.")
    c.inc()
    c.inc(2.5)
    f = fam("t_plain")
    assert f.type == "counter" and f.help == "Plain counter."
    assert f.series[0].value == 3.5


def test_counter_labels_positional_keyword_and_cache():
    c = n3obs.Counter("t_req_total", "Requests.", ["method", "route"])
    a = c.labels("GET", "/")
    assert c.labels("GET", "/") is a
    assert c.labels(method="GET", route="/") is a
    a.inc()
    c.labels(method="GET", route="/").inc(2)
    c.labels("POST", 200).inc()  # non-str values become str, as in prometheus_client
    f = fam("t_req")
    assert f.label_names == ("method", "route")
    assert f.get(method="GET", route="/").value == 3
    assert f.get(method="POST", route="200").value == 1


def test_label_errors_are_value_errors():
    c = n3obs.Counter("t_err_total", "x", ["a", "b"])
    with pytest.raises(ValueError):
        c.labels("only-one")
    with pytest.raises(ValueError):
        c.labels(a="1")
    with pytest.raises(ValueError):
        c.labels("1", b="2")
    with pytest.raises(ValueError, match="call labels"):
        c.inc()
    with pytest.raises(ValueError, match="no label names"):
        n3obs.Counter("t_nolabels_total", "x").labels("a")


def test_c_errors_carry_the_c_message():
    with pytest.raises(n3obs.InvalidNameError, match="must match") as e:
        n3obs.Counter("9bad", "x")
    assert isinstance(e.value, ValueError) and isinstance(e.value, n3obs.Error)
    assert e.value.status == n3obs._core.lib.N3OBS_E_INVALID_NAME
    assert "n3obs_counter_new" in e.value.message
    with pytest.raises(n3obs.InvalidValueError, match="counter only goes up"):
        n3obs.Counter("t_neg_total", "x").inc(-1)
    with pytest.raises(n3obs.ConflictError):
        n3obs.Gauge("t_plain", "Plain counter.")
    with pytest.raises(TypeError):
        n3obs.Counter(42, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        n3obs.Counter("t_type_total", "x").inc("one")  # type: ignore[arg-type]
    assert n3obs.errstr(-2) == "invalid name"
    assert "9bad" not in n3obs.error_last() or True


def test_same_shape_registers_the_same_family():
    a = n3obs.Counter("t_same_total", "Same.", ["k"])
    b = n3obs.Counter("t_same_total", "Same.", ["k"])
    a.labels("x").inc()
    b.labels("x").inc()
    assert fam("t_same").get(k="x").value == 2


def test_namespace_subsystem_unit():
    g = n3obs.Gauge("depth", "Depth.", namespace="app", subsystem="queue", unit="items")
    g.set(4)
    f = fam("app_queue_depth_items")
    assert f.unit == "items" and f.series[0].value == 4


def test_gauge_ops_and_track_inprogress_and_time():
    g = n3obs.Gauge("t_gauge", "G.", ["k"])
    child = g.labels("a")
    child.set(10)
    child.inc()
    child.dec(3)
    assert fam("t_gauge").get(k="a").value == 8
    child.set_to_current_time()
    assert fam("t_gauge").get(k="a").value > 1e9
    inprog = n3obs.Gauge("t_inprogress", "In progress.")
    with inprog.track_inprogress():
        assert fam("t_inprogress").series[0].value == 1
    assert fam("t_inprogress").series[0].value == 0

    @inprog.track_inprogress()
    def work():
        return fam("t_inprogress").series[0].value
    assert work() == 1
    timed = n3obs.Gauge("t_gauge_time", "Last duration.")
    with timed.time():
        pass
    assert 0 <= fam("t_gauge_time").series[0].value < 1
    g.labels("nan").set(float("nan"))
    assert math.isnan(fam("t_gauge").get(k="nan").value)


def test_histogram_observe_buckets_time_decorator_sync_and_async():
    h = n3obs.Histogram("t_latency_seconds", "Latency.", buckets=[0.1, 1.0])
    h.observe(0.05)
    h.observe(0.5)
    h.observe(5)
    s = fam("t_latency_seconds").series[0]
    assert [(b.upper_bound, b.cumulative_count) for b in s.buckets] == [(0.1, 1), (1.0, 2), (math.inf, 3)]
    assert s.count == 3 and s.sum == pytest.approx(5.55)
    with h.time():
        pass

    @h.time()
    def f():
        return 7

    @h.time()
    async def g():
        return 8
    assert f() == 7 and asyncio.run(g()) == 8
    assert fam("t_latency_seconds").series[0].count == 6
    d = n3obs.Histogram("t_default_buckets", "Default.")
    d.observe(1)
    assert len(fam("t_default_buckets").series[0].buckets) == 12
    with pytest.raises(ValueError):
        h.observe(float("nan"))
    with pytest.raises(n3obs.InvalidValueError):
        n3obs.Histogram("t_bad_buckets", "x", buckets=[2, 1])


def test_summary_quantiles():
    s = n3obs.Summary("t_size_bytes", "Sizes.", ["k"], quantiles=[0.5, 0.99])
    for v in range(1, 101):
        s.labels("a").observe(v)
    series = fam("t_size_bytes").get(k="a")
    assert series.count == 100 and series.sum == 5050
    q = dict(series.quantiles)
    assert q[0.5] == pytest.approx(50, rel=0.05) and q[0.99] == pytest.approx(99, rel=0.05)
    with s.labels("b").time():
        pass
    assert fam("t_size_bytes").get(k="b").count == 1


def test_info():
    i = n3obs.Info("t_build", "Build.")
    i.info({"version": "1.2", "commit": "abc"})
    f = fam("t_build")
    assert f.type == "info" and f.series[0].labels == {"commit": "abc", "version": "1.2"}
    with pytest.raises(ValueError):
        i.info({"other": "key"})
    li = n3obs.Info("t_component_info", "Per component.", ["component"])
    li.labels("parser").info({"version": "3"})
    assert fam("t_component").get(component="parser", version="3").value == 1


def test_count_exceptions():
    c = n3obs.Counter("t_failures_total", "Failures.")
    with pytest.raises(KeyError):
        with c.count_exceptions(KeyError):
            raise KeyError("x")
    with pytest.raises(ValueError):
        with c.count_exceptions(KeyError):
            raise ValueError("not counted")

    @c.count_exceptions()
    def boom():
        raise RuntimeError()
    with pytest.raises(RuntimeError):
        boom()
    assert fam("t_failures").series[0].value == 2


def test_threads_do_not_lose_increments():
    c = n3obs.Counter("t_threads_total", "x", ["t"])

    def work():
        for _ in range(10000):
            c.labels("x").inc()
    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert fam("t_threads").get(t="x").value == 40000


def test_cardinality_overflow_series():
    c = n3obs.Counter("t_card_total", "x", ["id"])
    for i in range(2005):
        c.labels(str(i)).inc()
    f = fam("t_card")
    assert len(f.series) == 2001
    assert any(s.is_overflow and s.value == 5 for s in f.series)


def test_values_through_prometheus_client_parser():
    c = n3obs.Counter("t_parse_total", "Parsed \"quoted\" help.", ["path"])
    c.labels('a"b\\c\nd').inc(3)
    h = n3obs.Histogram("t_parse_seconds", "H.", buckets=[1])
    h.observe(0.5)
    text = render({k: v for k, v in n3obs.collect().items() if k.startswith("t_parse")})
    parsed = {f.name: f for f in text_string_to_metric_families(text)}
    sample = parsed["t_parse"].samples[0]
    assert sample.name == "t_parse_total" and sample.value == 3
    assert sample.labels == {"path": 'a"b\\c\nd'}
    hs = {(s.name, s.labels.get("le")): s.value for s in parsed["t_parse_seconds"].samples}
    assert hs[("t_parse_seconds_bucket", "+Inf")] == 1 and hs[("t_parse_seconds_count", None)] == 1


def test_collect_shapes():
    snap = n3obs.collect()
    assert list(snap) == sorted(snap)
    assert "namel3ss_execution" in snap  # the standard catalogue


def test_catalog_helpers():
    with n3obs.catalog.execution("t_comp", "serial"):
        assert fam("namel3ss_active_executions").get(component="t_comp").value == 1
    assert fam("namel3ss_active_executions").get(component="t_comp").value == 0
    assert fam("namel3ss_execution").get(component="t_comp", strategy="serial", status="success").value == 1
    ex = n3obs.catalog.Execution("t_comp", "serial").begin()
    ex.end("error")
    with pytest.raises(n3obs.MisuseError):
        ex.end("error")
    n3obs.catalog.record_error("t_comp", "io", "warning")
    n3obs.catalog.record_security_validation("t_sig", "pass")
    n3obs.catalog.set_worker_pool_size("t_pool", "n1", 4)
    n3obs.catalog.set_task_queue_length("t_q", "high", 2)
    snap = n3obs.collect()
    assert snap["namel3ss_error"].get(component="t_comp", error_type="io", severity="warning").value == 1
    assert snap["namel3ss_security_validations"].get(validation_type="t_sig", result="pass").value == 1
    assert snap["namel3ss_worker_pool_size"].get(pool_name="t_pool", node="n1").value == 4
    assert snap["namel3ss_task_queue_length"].get(queue_name="t_q", priority="high").value == 2
