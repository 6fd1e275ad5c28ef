"""Metrics the prometheus_client way, recorded by n3obs: the same objects and calls."""
import time

import n3obs

n3obs.init(service_name="prometheus-style-example", exporters=[])

REQUESTS = n3obs.Counter("app_requests_total", "Requests served.", ["method", "route"])
LATENCY = n3obs.Histogram("app_request_duration_seconds", "Request latency.", ["route"])
IN_FLIGHT = n3obs.Gauge("app_requests_in_flight", "Requests being served.")
BUILD = n3obs.Info("app_build", "Build information.")
BUILD.info({"version": "1.2.3", "commit": "abc123"})


@LATENCY.labels(route="/users").time()
@IN_FLIGHT.track_inprogress()
def handle_users():
    REQUESTS.labels("GET", "/users").inc()
    time.sleep(0.01)


for _ in range(5):
    handle_users()
REQUESTS.labels(method="POST", route="/login").inc(2)

families = n3obs.collect()
print("requests:", {tuple(s.labels.values()): s.value for s in families["app_requests"].series})
print("latency count:", families["app_request_duration_seconds"].get(route="/users").count)
n3obs.shutdown()
