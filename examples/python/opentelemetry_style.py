"""Tracing the OpenTelemetry way: start_as_current_span as context manager and decorator,
attributes, events, exceptions, and W3C context across a (simulated) service boundary."""
import asyncio

import n3obs

n3obs.init(service_name="otel-style-example", exporters=[])
tracer = n3obs.get_tracer(__name__)


@tracer.start_as_current_span("fetch")
async def fetch(item: int) -> int:
    await asyncio.sleep(0.005)
    return item * 2


async def handle_request(headers: dict) -> None:
    # Continue the caller's trace from its traceparent header.
    with n3obs.start_as_current_span("handle", context=n3obs.extract(headers),
                                     kind=n3obs.SpanKind.SERVER) as span:
        span.set_attribute("items", 3)
        results = await asyncio.gather(*(fetch(i) for i in range(3)))
        span.add_event("fetched", {"total": sum(results)})
        try:
            raise ValueError("the last step failed")
        except ValueError as e:
            span.record_exception(e)
            span.set_status(n3obs.StatusCode.ERROR, str(e))


with n3obs.start_as_current_span("client call", kind=n3obs.SpanKind.CLIENT):
    outgoing = {}
    n3obs.inject(outgoing)  # what an HTTP client would send
asyncio.run(handle_request(outgoing))

spans = n3obs.drain_spans()
by_id = {s.context.span_id: s for s in spans}
for s in spans:
    parent = by_id[s.parent_span_id].name if s.parent_span_id in by_id else "-"
    print(f"{s.name:12} parent={parent:12} status={s.status.status_code.name}")
assert len({s.context.trace_id for s in spans}) == 1, "one trace across the boundary"
n3obs.shutdown()
