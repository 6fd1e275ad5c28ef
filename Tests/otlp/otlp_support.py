"""Helpers for the OTLP plugin's tests: running otlp_emit, parsing OTLP/JSON with the
opentelemetry-proto messages, and local OTLP/HTTP receivers on loopback ports."""

from __future__ import annotations

import base64
import gzip
import json
import os
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".build" / "release"
EMIT = ROOT / ".build" / "otlp" / "otlp_emit"

ID_KEYS = {"traceId", "spanId", "parentSpanId"}


def hex_ids_to_base64(value):
    """OTLP/JSON writes ids as hex; proto3's JSON mapping (and so json_format) wants
    base64 for bytes fields. Converts every id field, in spans, links and exemplars."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ID_KEYS and isinstance(v, str):
                assert v == v.lower() and len(v) in (16, 32), f"{k} {v!r} is not lowercase hex"
                out[k] = base64.b64encode(bytes.fromhex(v)).decode()
            else:
                out[k] = hex_ids_to_base64(v)
        return out
    if isinstance(value, list):
        return [hex_ids_to_base64(v) for v in value]
    return value


def parse_request(doc: dict):
    """The proto message of one OTLP/JSON request, unknown fields rejected."""
    if "resourceSpans" in doc:
        msg = ExportTraceServiceRequest()
    elif "resourceMetrics" in doc:
        msg = ExportMetricsServiceRequest()
    else:
        raise AssertionError(f"neither traces nor metrics: {list(doc)}")
    json_format.Parse(json.dumps(hex_ids_to_base64(doc)), msg, ignore_unknown_fields=False)
    return msg


def emit_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "N3OBS_"))}
    env.update({
        "N3OBS_EXPORTERS": "otlp",
        "N3OBS_PLUGIN_PATH": str(RELEASE),
        "OTEL_SERVICE_NAME": "otlp-test",
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,team=obs",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
        "N3OBS_HEALTH_BUILTINS": "none",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_emit(*args, timeout=120, **env):
    """Runs otlp_emit; returns (parsed stdout JSON, stderr text, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([str(EMIT), *map(str, args)], env=emit_env(**env), capture_output=True,
                       text=True, timeout=timeout)
    took = time.monotonic() - t0
    assert p.returncode == 0, f"otlp_emit {args} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    return json.loads(p.stdout.strip().splitlines()[-1]), p.stderr, took


class Receiver:
    """An OTLP/HTTP receiver on 127.0.0.1. `respond(n, path, body)` gives (status, body,
    headers) for the n-th request (from 0); every request is recorded with its decoded
    body."""

    def __init__(self, respond=None):
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        respond = respond or (lambda n, path, body: (200, b"{}", {}))
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
                with receiver.lock:
                    n = len(receiver.requests)
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                              "body": body, "time": time.monotonic()})
                status, out, headers = respond(n, self.path, body)
                with receiver.lock:
                    receiver.requests[n]["status"] = status
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path="/v1/traces", ok_only=False):
        """Decoded bodies sent to path (only those answered 200 with ok_only)."""
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests
                    if r["path"] == path and (not ok_only or r.get("status") == 200)]


class SilentReceiver:
    """Accepts connections and never answers (reads nothing, writes nothing)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.held: list[socket.socket] = []
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                continue

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()
        for c in self.held:
            c.close()
        self.sock.close()


def spans_of(requests) -> list[dict]:
    return [s for r in requests for rs in r["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]


def attr(span_or_point: dict, key: str):
    for kv in span_or_point.get("attributes", []):
        if kv["key"] == key:
            return kv["value"]
    return None
