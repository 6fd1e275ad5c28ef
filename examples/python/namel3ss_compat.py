"""The API the Namel3ss runtime calls, on n3obs: basic setup, a custom metric, a health check,
and an execution recorded once with its duration and active count."""
import asyncio

from n3obs.compat import (HealthCheck, MetricDefinition, MetricType, get_observability_manager,
                          initialize_observability)


async def main() -> None:
    manager = initialize_observability(service_name="namel3ss-example", enable_metrics=True,
                                       enable_tracing=True, enable_health_monitoring=True)
    assert get_observability_manager() is manager

    manager.metrics.register_metric(MetricDefinition(
        name="documents_processed_total", metric_type=MetricType.COUNTER,
        description="Documents processed.", labels=["kind"]))
    manager.metrics.increment_counter("documents_processed_total", {"kind": "pdf"})

    manager.health.register_health_check(HealthCheck(
        name="vector_store", description="The vector store answers.",
        check_function=lambda: True, timeout_seconds=1.0, critical=True, tags={"tier": "storage"}))

    await manager.record_execution_start("planner", "parallel", "exec-1")
    await asyncio.sleep(0.01)
    await manager.record_execution_complete("planner", "parallel", "exec-1", success=True)

    report = await manager.get_health_report()
    summary = await manager.get_metrics_summary()
    print("health:", report.status.value, [c["name"] for c in report.checks])
    print("metrics summary keys:", sorted(summary)[:5])


asyncio.run(main())
