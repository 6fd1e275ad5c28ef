import asyncio
import json
import time

import pytest

import n3obs
from n3obs import HealthStatus


def test_register_bool_status_tuple_and_exception():
    n3obs.health.register("t_ok", lambda: True, description="always fine", tags=["a"])
    n3obs.health.register("t_down", lambda: False)
    n3obs.health.register("t_slow", lambda: (HealthStatus.DEGRADED, "slow disk"), tags={"k": "v"})
    n3obs.health.register("t_raises", lambda: 1 / 0)

    async def acheck():
        await asyncio.sleep(0)
        return "healthy"
    n3obs.health.register("t_async", acheck)
    r = n3obs.health.report()
    assert r["t_ok"].status is HealthStatus.HEALTHY and r["t_ok"].description == "always fine"
    assert r["t_ok"].tags == ["a"]
    assert r["t_down"].status is HealthStatus.UNHEALTHY
    assert r["t_slow"].status is HealthStatus.DEGRADED and r["t_slow"].detail == "slow disk"
    assert r["t_slow"].tags == ["k=v"]
    assert r["t_raises"].status is HealthStatus.UNHEALTHY
    assert "ZeroDivisionError" in r["t_raises"].detail
    assert r["t_async"].status is HealthStatus.HEALTHY
    assert r.status is not HealthStatus.HEALTHY  # failing non-critical checks: degraded at least
    assert json.loads(r.json)["status"] == r.status.value
    for name in ("t_ok", "t_down", "t_slow", "t_raises", "t_async"):
        n3obs.health.unregister(name)


def test_critical_failure_makes_the_report_unhealthy_and_timeouts_are_reported():
    n3obs.health.register("t_critical", lambda: False, critical=True)
    n3obs.health.register("t_hangs", lambda: time.sleep(2), timeout=0.1)
    r = n3obs.health.report()
    assert r.status is HealthStatus.UNHEALTHY
    assert r["t_critical"].critical
    assert r["t_hangs"].timed_out and r["t_hangs"].status is HealthStatus.UNHEALTHY
    assert r.duration < 1.5
    one = n3obs.health.run_check("t_critical")
    assert [c.name for c in one.checks] == ["t_critical"]
    assert n3obs.health.last_report() is not None
    n3obs.health.unregister("t_critical")
    n3obs.health.unregister("t_hangs")


def test_errors():
    n3obs.health.register("t_dup", lambda: True)
    with pytest.raises(n3obs.ConflictError):
        n3obs.health.register("t_dup", lambda: True)
    with pytest.raises(n3obs.ConflictError):
        n3obs.health.register("cpu", lambda: True)  # a built-in's name
    with pytest.raises(n3obs.InvalidArgumentError):
        n3obs.health.unregister("t_never_registered")
    with pytest.raises(TypeError):
        n3obs.health.register("t_not_callable", 42)  # type: ignore[arg-type]
    with pytest.raises(n3obs.InvalidNameError):
        n3obs.health.register("", lambda: True)
    n3obs.health.unregister("t_dup")


def test_health_metrics_are_set():
    n3obs.health.register("t_metric", lambda: (HealthStatus.DEGRADED, ""))
    n3obs.health.report()
    s = n3obs.collect()["n3obs_health_status"].get(check="t_metric")
    assert s is not None and s.value == 0.5
    n3obs.health.unregister("t_metric")
