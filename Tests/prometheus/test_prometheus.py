#!/usr/bin/env python3
"""End-to-end tests of libn3obs_prometheus.so (issue 7), run by Tests/prometheus/run.sh.

scrape_target (a C program) records known metrics and loads the plugin with
n3obs_exporter_load on a free loopback port; these tests scrape it over real sockets and
check what comes back with promtool, prometheus_client's text and OpenMetrics parsers and
a real Prometheus server. Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
"""
import argparse
import base64
import concurrent.futures
import gzip
import http.client
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text

OM_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OM_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"

# What scrape_target records in record_shapes(): (family, sample labels) -> value.
HELP_TEMPERATURE = 'Temperature \\ in a room\nmeasured "now" (°C)'
ROOMS = {"kitchen": 21.5, 'a\\b"c\nd': -3.0, "Zürich ☃ 東京": 1e-9,
         "nan": math.nan, "inf": math.inf, "ninf": -math.inf}
BUCKETS = {"0.01": 1, "0.1": 2, "1.0": 3, "10.0": 4, "+Inf": 5}

ARGS = None
RESULTS = {"passed": 0, "failed": 0}


def report(ok, name, detail=""):
    RESULTS["passed" if ok else "failed"] += 1
    print(("ok - " if ok else "not ok - ") + name, flush=True)
    if not ok and detail:
        for line in detail.rstrip().splitlines():
            print("#   " + line)


def test(fn):
    """Runs fn as one check; an AssertionError or any exception fails it."""
    try:
        fn()
        report(True, fn.__doc__.strip())
    except Exception:
        report(False, fn.__doc__.strip(), traceback.format_exc())
    return fn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    """A running scrape_target with the plugin on its own port."""

    def __init__(self, mode, config=None, env=None):
        self.port = free_port()
        cfg = {"listen": f"127.0.0.1:{self.port}"}
        cfg.update(config or {})
        e = dict(os.environ)
        e["N3OBS_PLUGIN_PATH"] = ARGS.plugin_dir
        e.update(env or {})
        if mode == "env":
            e["N3OBS_PROMETHEUS_ADDR"] = f"127.0.0.1:{self.port}"
        argv = [ARGS.target, mode] + ([] if mode == "env" else [json.dumps(cfg)])
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=e, text=True)
        self.info = json.loads(self.proc.stdout.readline())
        assert self.proc.stdout.readline().strip() == "ready", "scrape_target did not start"
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "ok"

    def get(self, path="/metrics", headers=None, method="GET"):
        """(status, headers dict with lower-case names, body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def stop(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        assert self.proc.returncode == 0, f"scrape_target exited with {self.proc.returncode}"


def promtool(text):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), \
        f"promtool check metrics exit {r.returncode}:\n{r.stdout}{r.stderr}"


def samples_by_name(families):
    out = {}
    for f in families:
        for s in f.samples:
            out.setdefault(s.name, []).append(s)
    return out


def value_of(samples, name, **labels):
    found = [s for s in samples.get(name, []) if s.labels == labels]
    assert len(found) == 1, f"{name}{labels}: {len(found)} samples; have {samples.get(name)}"
    return found[0].value


def same(a, b):
    if math.isnan(b):
        return math.isnan(a)
    return a == b


def check_shapes(families, openmetrics):
    """The values scrape_target recorded, read back through a parser."""
    by_family = {f.name: f for f in families}
    s = samples_by_name(families)
    # counters
    assert by_family["requests"].type == "counter"
    assert value_of(s, "requests_total", method="GET", path="/a") == 3
    assert value_of(s, "requests_total", method="POST", path="/b") == 1.5
    # gauge: escapes, UTF-8, NaN and infinities
    temp = by_family["temperature_celsius"]
    assert temp.type == "gauge" and temp.documentation == HELP_TEMPERATURE, repr(temp.documentation)
    for room, v in ROOMS.items():
        got = value_of(s, "temperature_celsius", room=room)
        assert same(got, v), f"room {room!r}: {got} != {v}"
    if openmetrics:
        assert temp.unit == "celsius"
    # histogram
    h = by_family["request_duration_seconds"]
    assert h.type == "histogram"
    for le, n in BUCKETS.items():
        assert value_of(s, "request_duration_seconds_bucket", route="/x", le=le) == n, le
    assert value_of(s, "request_duration_seconds_count", route="/x") == 5
    assert abs(value_of(s, "request_duration_seconds_sum", route="/x") - 55.555) < 1e-9
    # summary: quantiles within the sketch's 1 %
    assert by_family["payload_bytes"].type == "summary"
    for q in ("0.5", "0.9", "0.99"):   # of 1, 2, ..., 100: the rank's value, give or take one rank
        got = value_of(s, "payload_bytes", kind="json", quantile=q)
        want = float(q) * 100
        assert want - 1.5 <= got <= (want + 1) * 1.01, f"quantile {q}: {got}"
        assert math.isnan(value_of(s, "payload_bytes", kind="none", quantile=q))
    assert value_of(s, "payload_bytes_sum", kind="json") == 5050
    assert value_of(s, "payload_bytes_count", kind="json") == 100
    assert value_of(s, "payload_bytes_count", kind="none") == 0
    # info
    info = by_family["build" if openmetrics else "build_info"]
    assert info.type == ("info" if openmetrics else "gauge")
    assert value_of(s, "build_info", version="1.2.3", commit="abc123") == 1
    # overflow: 9 jobs, the ones over the limit land in one series
    jobs = s["jobs_total"]
    assert sum(x.value for x in jobs) == 9
    overflow = [x for x in jobs if x.labels == {"otel_metric_overflow": "true"}]
    assert len(overflow) == 1 and overflow[0].value >= 1, jobs
    # one family per name, each once
    names = [f.name for f in families]
    assert len(names) == len(set(names)), names


# ---------------------------------------------------------------------------------------

def shapes_tests():
    t = Target("shapes")
    try:
        @test
        def text_default():
            """GET /metrics without Accept: text 0.0.4, promtool clean, prometheus_client reads every value"""
            status, headers, body = t.get()
            assert status == 200 and headers["content-type"] == TEXT_TYPE, (status, headers)
            assert int(headers["content-length"]) == len(body)
            text = body.decode("utf-8")
            promtool(text)
            check_shapes(list(parse_text(text)), openmetrics=False)

        @test
        def openmetrics():
            """Accept: openmetrics-text: OpenMetrics 1.0 with # EOF, units, _created; its parser reads every value"""
            status, headers, body = t.get(headers={"Accept": OM_ACCEPT})
            assert status == 200 and headers["content-type"] == OM_TYPE, (status, headers)
            text = body.decode("utf-8")
            assert text.endswith("# EOF\n")
            assert "# UNIT request_duration_seconds seconds\n" in text
            fams = list(parse_openmetrics(text))
            check_shapes(fams, openmetrics=True)
            created = [s for f in fams for s in f.samples if s.name == "requests_created"]
            assert len(created) == 2 and all(abs(c.value - time.time()) < 3600 for c in created), created

        @test
        def exemplar():
            """the exemplar of the sampled span is on its bucket, with its trace and span ids and value"""
            _, _, body = t.get(headers={"Accept": "application/openmetrics-text"})
            fams = list(parse_openmetrics(body.decode()))
            s = samples_by_name(fams)
            bucket = [x for x in s["request_duration_seconds_bucket"] if x.labels.get("le") == "0.1"][0]
            e = bucket.exemplar
            assert e is not None, bucket
            assert e.labels == {"trace_id": t.info["trace_id"], "span_id": t.info["span_id"]}, e
            assert e.value == t.info["exemplar_value"] and abs(float(e.timestamp.sec) - time.time()) < 3600, e
            others = [x for x in s["request_duration_seconds_bucket"] if x.labels.get("le") != "0.1"]
            assert all(x.exemplar is None for x in others)

        @test
        def gzip_when_accepted():
            """Accept-Encoding: gzip gives a gzip body that decompresses to the exposition (curl --compressed too)"""
            status, headers, body = t.get(headers={"Accept-Encoding": "gzip"})
            assert status == 200 and headers.get("content-encoding") == "gzip", headers
            text = gzip.decompress(body).decode()
            promtool(text)
            check_shapes(list(parse_text(text)), openmetrics=False)
            r = subprocess.run(["curl", "-sS", "--compressed", "-H", "Accept: " + OM_ACCEPT,
                                f"http://127.0.0.1:{t.port}/metrics"], capture_output=True, check=True)
            check_shapes(list(parse_openmetrics(r.stdout.decode())), openmetrics=True)
            _, headers, _ = t.get()
            assert "content-encoding" not in headers, headers

        @test
        def stable_order():
            """two scrapes list the same series in the same order"""
            a = [line.split(" ")[0] for line in t.get()[2].decode().splitlines() if not line.startswith("#")]
            b = [line.split(" ")[0] for line in t.get()[2].decode().splitlines() if not line.startswith("#")]
            assert a == b and len(a) > 20

        @test
        def health_endpoints():
            """/healthz 200 JSON; /readyz 200 with the report, 503 when a critical check fails, 200 again after"""
            status, headers, body = t.get("/healthz")
            assert status == 200 and headers["content-type"] == "application/json"
            assert json.loads(body)["status"] == "ok"
            status, _, body = t.get("/readyz")
            report = json.loads(body)
            assert status == 200 and report["status"] in ("healthy", "degraded"), (status, report)
            assert any(c["name"] == "gate" for c in report["checks"])
            t.command("unhealthy")
            status, _, body = t.get("/readyz")
            assert status == 503 and json.loads(body)["status"] == "unhealthy", (status, body)
            t.command("healthy")
            status, _, _ = t.get("/readyz")
            assert status == 200

        @test
        def not_found_and_methods():
            """404 for other paths; 405 with Allow for other methods; HEAD gives headers only; query strings ignored"""
            assert t.get("/nope")[0] == 404
            assert t.get("/")[0] == 404
            status, headers, _ = t.get("/metrics", method="POST")
            assert status == 405 and headers["allow"] == "GET, HEAD", headers
            assert t.get("/readyz", method="DELETE")[0] == 405
            status, headers, body = t.get("/metrics", method="HEAD")
            assert status == 200 and body == b"" and int(headers["content-length"]) > 0
            assert t.get("/metrics?x=1")[0] == 200

        @test
        def real_prometheus():
            """a real Prometheus server scrapes the endpoint; its query API returns the recorded values"""
            prometheus_reads(t)
    finally:
        t.stop()


def prometheus_reads(t):
    tmp = tempfile.mkdtemp(prefix="n3obs-prom-")
    port = free_port()
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: n3obs
    static_configs:
      - targets: ["127.0.0.1:{t.port}"]
""")
    log = open(os.path.join(tmp, "prometheus.log"), "w")
    server = subprocess.Popen(
        ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        def query(q):
            url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.load(r)["data"]["result"]

        deadline = time.time() + 60
        last = None
        while time.time() < deadline:
            try:
                got = query('requests_total{method="GET",path="/a"}')
                if got:
                    last = got
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert last, "Prometheus never returned requests_total:\n" + open(log.name).read()
        assert float(last[0]["value"][1]) == 3, last
        assert query('up{job="n3obs"}')[0]["value"][1] == "1"
        utf8 = query('temperature_celsius{room="Zürich ☃ 東京"}')
        assert utf8 and float(utf8[0]["value"][1]) == 1e-9, utf8
        bucket = query('request_duration_seconds_bucket{le="+Inf"}')
        assert bucket and float(bucket[0]["value"][1]) == 5, bucket
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def empty_tests():
    t = Target("empty")
    try:
        @test
        def empty_registry():
            """an empty registry: text passes promtool, OpenMetrics is just # EOF or the SDK's own families"""
            status, _, body = t.get()
            assert status == 200
            promtool(body.decode())
            list(parse_text(body.decode()))
            _, _, body = t.get(headers={"Accept": OM_ACCEPT})
            assert body.decode().endswith("# EOF\n")
            list(parse_openmetrics(body.decode()))
    finally:
        t.stop()


def busy_tests():
    t = Target("busy")
    try:
        @test
        def fifty_concurrent_scrapes():
            """50 concurrent scrapes (text, OpenMetrics, gzip) while two threads record: each complete and parseable"""
            def one(i):
                headers = {}
                if i % 2:
                    headers["Accept"] = OM_ACCEPT
                if i % 3 == 0:
                    headers["Accept-Encoding"] = "gzip"
                status, h, body = t.get(headers=headers)
                assert status == 200, status
                if h.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                else:
                    assert int(h["content-length"]) == len(body)
                text = body.decode()
                fams = list(parse_openmetrics(text) if i % 2 else parse_text(text))
                s = samples_by_name(fams)
                total = sum(x.value for x in s["busy_ops_total"])
                assert total > 0
                for x in s["busy_op_seconds_count"]:
                    inf = value_of(s, "busy_op_seconds_bucket", le="+Inf", **x.labels)
                    assert inf == x.value, (inf, x.value)
                return total

            with concurrent.futures.ThreadPoolExecutor(50) as pool:
                totals = list(pool.map(one, range(50)))
            assert len(totals) == 50
            assert max(totals) > min(totals), "every scrape saw the same totals: not fresh?"

        @test
        def scrape_while_recording_is_fresh():
            """each scrape collects fresh: two scrapes in a row see the busy counter grow"""
            def total():
                s = samples_by_name(parse_text(t.get()[2].decode()))
                return sum(x.value for x in s["busy_ops_total"])
            a = total()
            time.sleep(0.05)
            assert total() > a
    finally:
        t.stop()


def raw_exchange(port, data, wait=5.0):
    """Sends raw bytes, returns everything read until the server closes (or wait passes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:   # closed with our excess bytes unread: a reset after the answer
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


def timed_exchange(port, data, wait=8.0):
    """(answer, seconds until the server closed the connection)."""
    started = time.time()
    data = raw_exchange(port, data, wait)
    return data, time.time() - started


def http_tests():
    """Request details (issue 14, item 17), with the default timeouts: an answer that comes
    from a timeout would take 2 s or more."""
    t = Target("shapes")
    try:
        @test
        def absolute_form_target():
            """GET http://host:port/metrics HTTP/1.1 (absolute form, RFC 9112 3.2.2) is served as /metrics"""
            for target in [f"http://127.0.0.1:{t.port}/metrics", "HTTP://Example.com/metrics?x=1"]:
                data, _ = timed_exchange(t.port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 "Connection: close\r\n\r\n".encode())
                assert data.startswith(b"HTTP/1.1 200") and b"\nrequests_total{" in data, (target, data[:200])
            data, _ = timed_exchange(t.port, b"GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: x\r\n"
                                             b"Connection: close\r\n\r\n")
            assert data.startswith(b"HTTP/1.1 200") and data.endswith(b'{"status":"ok"}'), data[:200]
            data, _ = timed_exchange(t.port, b"GET http://127.0.0.1/nope HTTP/1.1\r\nHost: x\r\n"
                                             b"Connection: close\r\n\r\n")
            assert data.startswith(b"HTTP/1.1 404"), data[:200]

        @test
        def a_thousand_small_headers():
            """1,000 small headers (11 KB, under the 16 KB limit) are served; 40 KB of them get 400"""
            headers = b"".join(b"X-%04d: v\r\n" % i for i in range(1000))
            assert 10_000 < len(headers) < 16_384
            data, _ = timed_exchange(t.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + headers
                                     + b"Connection: close\r\n\r\n")
            assert data.startswith(b"HTTP/1.1 200"), data[:200]
            headers = b"".join(b"X-%04d: vvvvvvvvvvvvvvvvvvvvvvvv\r\n" % i for i in range(1200))
            data, waited = timed_exchange(t.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
            assert data.startswith(b"HTTP/1.1 400") and waited < 1, (data[:200], waited)

        @test
        def huge_content_length():
            """GET with Content-Length: 99999999999 gets 413 at once and the connection is closed"""
            data, waited = timed_exchange(t.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
                                                  b"Content-Length: 99999999999\r\n\r\n")
            assert data.startswith(b"HTTP/1.1 413") and waited < 1, (data[:200], waited)
            assert b"\r\nconnection: close\r\n" in data.lower(), data[:200]
            # a small body is read and dropped: the request is served
            data, _ = timed_exchange(t.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                             b"Connection: close\r\n\r\nhello")
            assert data.startswith(b"HTTP/1.1 200"), data[:200]

        @test
        def http_0_9_request_line():
            """an HTTP/0.9 request line (GET /metrics, no version) gets 400 at once and the connection is closed"""
            for line in [b"GET /metrics\r\n", b"GET /metrics\r\n\r\n"]:
                data, waited = timed_exchange(t.port, line)
                assert data.startswith(b"HTTP/1.1 400") and waited < 1, (line, data[:200], waited)

    finally:
        t.stop()


def abuse_tests():
    t = Target("shapes", {"bearer_token": "s3cr\u00e9t-token", "prefix": "app_", "header_timeout_ms": 1000})
    try:
        auth = {"Authorization": "Bearer s3cr\u00e9t-token".encode("utf-8").decode("latin-1")}

        @test
        def bearer_auth():
            """bearer token: 401 with WWW-Authenticate without it or with a wrong one, 200 with it; /healthz open"""
            status, headers, _ = t.get()
            assert status == 401 and headers["www-authenticate"].startswith("Bearer"), headers
            assert t.get(headers={"Authorization": "Bearer wrong"})[0] == 401
            assert t.get(headers={"Authorization": "Basic czNjcjp4"})[0] == 401
            assert t.get("/readyz")[0] == 401
            status, _, body = t.get(headers=auth)
            assert status == 200
            assert t.get(headers={"Authorization": "bearer s3cr\u00e9t-token".encode().decode("latin-1")})[0] == 200
            assert t.get("/healthz")[0] == 200

        @test
        def prefix():
            """prefix "app_" is put before every family name, and the result still passes promtool"""
            text = t.get(headers=auth)[2].decode()
            promtool(text)
            names = [f.name for f in parse_text(text)]
            assert names and all(n.startswith("app_") for n in names), names
            assert "app_requests" in names

        @test
        def slow_client():
            """a client that never finishes its headers does not hold up others and is closed after the timeout"""
            s = socket.create_connection(("127.0.0.1", t.port), timeout=10)
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            started = time.time()
            for _ in range(5):
                assert t.get(headers=auth)[0] == 200
            assert time.time() - started < 1.0, "others were held up"
            data = s.recv(4096)   # the server closes: b"" (or a reset)
            waited = time.time() - started
            s.close()
            assert data == b"" and 0.5 < waited < 5, (data, waited)

        @test
        def idle_connection_closed():
            """a connection that sends nothing is closed after the timeout"""
            s = socket.create_connection(("127.0.0.1", t.port), timeout=10)
            started = time.time()
            assert s.recv(10) == b""
            assert time.time() - started < 5
            s.close()

        @test
        def malformed_requests():
            """malformed requests and oversized headers get 400 and a closed connection; others still served"""
            for junk in [b"GARBAGE\r\n\r\n", b"GET /metrics HTTP/9.9\r\n\r\n",
                         b"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", b"\x00\x01\x02\r\n\r\n",
                         b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"]:
                data = raw_exchange(t.port, junk)
                assert data.startswith(b"HTTP/1.1 400"), (junk[:40], data[:80])
            assert t.get(headers=auth)[0] == 200

        @test
        def keep_alive_and_pipelining():
            """two pipelined requests on one connection get two responses in order"""
            req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                   b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = raw_exchange(t.port, req)
            assert data.startswith(b"HTTP/1.1 200") and b"HTTP/1.1 404" in data, data[:200]
    finally:
        t.stop()

    b = Target("shapes", {"basic_auth": {"username": "prom", "password": "p:w\u00e9"}})
    try:
        @test
        def basic_auth():
            """basic auth: 401 with WWW-Authenticate: Basic, 200 with the right user and password"""
            status, headers, _ = b.get()
            assert status == 401 and headers["www-authenticate"].startswith("Basic"), headers
            good = base64.b64encode("prom:p:w\u00e9".encode()).decode()
            bad = base64.b64encode(b"prom:pw").decode()
            assert b.get(headers={"Authorization": "Basic " + bad})[0] == 401
            assert b.get(headers={"Authorization": "Basic " + good})[0] == 200
            r = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "prom:p:w\u00e9",
                                f"http://127.0.0.1:{b.port}/metrics"], capture_output=True, text=True)
            assert r.stdout == "200", r
    finally:
        b.stop()

    def closed_by_server(sock):
        try:
            return sock.recv(4096) == b""
        except ConnectionResetError:
            return True

    def served(sock):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        return sock.recv(4096).startswith(b"HTTP/1.1 200")

    for config, held_count, why in [({"max_connections": 3, "max_connections_per_peer": 3}, 3, "max_connections"),
                                    ({"max_connections": 10, "max_connections_per_peer": 2}, 2,
                                     "max_connections_per_peer")]:
        c = Target("shapes", config)
        try:
            def connection_cap():
                time.sleep(0.3)   # the server has seen earlier connections (the start-up probe) close
                held = [socket.create_connection(("127.0.0.1", c.port), timeout=10) for _ in range(held_count)]
                try:
                    time.sleep(0.3)   # the server has accepted them all
                    started = time.time()
                    extra = socket.create_connection(("127.0.0.1", c.port), timeout=10)
                    assert served(extra), "the new connection is served"
                    # the oldest waiting one made room, long before its first-request deadline
                    assert closed_by_server(held[0]) and time.time() - started < 1.5, time.time() - started
                    for h in held[1:]:
                        assert served(h), "the other waiting connections are kept"
                    extra.close()
                finally:
                    for h in held:
                        h.close()
            connection_cap.__doc__ = (f"{why} {held_count} reached: a new connection is served and the one that "
                                      "has waited longest for a request is closed to make room")
            test(connection_cap)
        finally:
            c.stop()


# ---------------------------------------------------------------------------------------
# Slow clients (issue 14, item 16): they must not starve a scraper.

SLOW_HEAD = b"GET /metrics HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 100000


def slow_clients_main(port, count, reconnect):
    """The slow clients, in a process of their own as an attacker would be: each sends one
    byte of a request head a second and never finishes it; with reconnect, one the server
    drops connects again at once. Runs until stdin closes, then prints its figures."""
    stop = threading.Event()
    figures = {"connects": 0, "drops": 0, "refused": 0}
    lock = threading.Lock()

    def count_one(key):
        with lock:
            figures[key] += 1

    def client():
        while not stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                count_one("refused")
                if not reconnect:
                    return
                continue
            count_one("connects")
            try:
                s.settimeout(1.0)
                for i in range(len(SLOW_HEAD)):
                    if stop.is_set():
                        return
                    s.sendall(SLOW_HEAD[i:i + 1])
                    try:
                        if not s.recv(4096):
                            break   # closed by the server
                    except socket.timeout:
                        pass   # a second without news: the next byte
            except OSError:
                pass   # reset by the server
            finally:
                s.close()
            if not stop.is_set():
                count_one("drops")
            if not reconnect:
                return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    print("started", flush=True)
    sys.stdin.read()
    stop.set()
    for t in threads:
        t.join(timeout=6)
    with lock:
        print(json.dumps(figures), flush=True)


class SlowClients:
    def __init__(self, port, count, reconnect):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--slow-clients", str(port), str(count),
             "reconnect" if reconnect else "once"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "started"

    def stop(self):
        """Their figures: connects, drops (closed by the server), refused (could not connect)."""
        out, _ = self.proc.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


def scrapes_during(t, clients, scrapes=10, timeout=3.0):
    """Scrapes the endpoint once a second while the slow clients run; the failures."""
    time.sleep(2)   # the clients have taken every slot
    failures = []
    for i in range(scrapes):
        started = time.time()
        try:
            c = http.client.HTTPConnection("127.0.0.1", t.port, timeout=timeout)
            try:
                c.request("GET", "/metrics")
                r = c.getresponse()
                body = r.read()
                if r.status != 200 or b"requests_total" not in body:
                    failures.append(f"scrape {i}: status {r.status}")
            finally:
                c.close()
        except (OSError, http.client.HTTPException) as e:
            failures.append(f"scrape {i}: {type(e).__name__}: {e} after {time.time() - started:.1f} s")
        time.sleep(max(0.0, 1.0 - (time.time() - started)))
    figures = clients.stop()
    return failures, figures


def slow_client_tests():
    t = Target("shapes")
    try:
        @test
        def slow_clients_that_reconnect():
            """150 clients sending a header byte a second and reconnecting when dropped: 10 of 10 scrapes succeed"""
            clients = SlowClients(t.port, 150, reconnect=True)
            failures, figures = scrapes_during(t, clients)
            assert not failures, f"{len(failures)} of 10 scrapes failed: {failures}; clients: {figures}"
            # They were there: more of them than slots, and dropped to make room.
            assert figures["connects"] >= 150 and figures["drops"] > 0, figures

        @test
        def five_hundred_slow_clients():
            """500 slow clients that do not reconnect: 10 of 10 scrapes succeed"""
            clients = SlowClients(t.port, 500, reconnect=False)
            failures, figures = scrapes_during(t, clients)
            assert not failures, f"{len(failures)} of 10 scrapes failed: {failures}; clients: {figures}"
            assert figures["connects"] + figures["refused"] == 500, figures

        @test
        def first_request_deadline():
            """a new connection that sends nothing is closed after 2 s, sooner than the 10 s keep-alive timeout"""
            s = socket.create_connection(("127.0.0.1", t.port), timeout=15)
            started = time.time()
            try:
                assert s.recv(10) == b""
            except ConnectionResetError:
                pass
            waited = time.time() - started
            s.close()
            assert 1.5 < waited < 4, waited
            # a keep-alive connection may idle longer than that between requests
            c = http.client.HTTPConnection("127.0.0.1", t.port, timeout=15)
            try:
                c.request("GET", "/healthz")
                assert c.getresponse().read() == b'{"status":"ok"}'
                time.sleep(3)
                c.request("GET", "/healthz")
                assert c.getresponse().status == 200
            finally:
                c.close()
        @test
        def served_after_the_flood():
            """after the slow clients are gone the endpoint serves as before"""
            assert t.get()[0] == 200
    finally:
        t.stop()


def env_tests():
    t = Target("env", env={"N3OBS_EXPORTERS": "prometheus", "N3OBS_PROMETHEUS_PREFIX": "env_"})
    try:
        @test
        def loaded_from_environment():
            """N3OBS_EXPORTERS=prometheus with N3OBS_PROMETHEUS_ADDR and _PREFIX: served at init, names prefixed"""
            status, _, body = t.get()
            assert status == 200
            names = [f.name for f in parse_text(body.decode())]
            assert "env_requests" in names, names
    finally:
        t.stop()


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--plugin-dir", required=True)
    p.add_argument("--only", help="run only this group: shapes, empty, busy, http, abuse, slow, env")
    ARGS = p.parse_args()
    groups = {"shapes": shapes_tests, "empty": empty_tests, "busy": busy_tests, "http": http_tests,
              "abuse": abuse_tests,
              "slow": slow_client_tests, "env": env_tests}
    for name, fn in groups.items():
        if ARGS.only and ARGS.only != name:
            continue
        try:
            fn()
        except Exception:
            report(False, f"{name}: setting up or stopping scrape_target", traceback.format_exc())
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--slow-clients":
        slow_clients_main(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "reconnect")
    else:
        main()
