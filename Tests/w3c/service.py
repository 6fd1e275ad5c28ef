"""The test service of the W3C Trace Context suite (trace-context/README.md), on n3obs.

Each POST carries a JSON array of {"url": ..., "arguments": [...]}. The service extracts
traceparent/tracestate from the request with n3obs.extract, starts a SERVER span as its
child, and for each entry POSTs the arguments to the url from a CLIENT span of its own
(the suite wants a new parent-id per call) with that span's context injected (n3obs.inject),
as an instrumented service would.

    python service.py [port]     # 0 (the default) picks a free port
It prints "listening on http://127.0.0.1:<port>/test" once it accepts requests.
"""
import json
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import n3obs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        actions = json.loads(self.rfile.read(length) or b"[]")
        # Every header line of each name, in order: several tracestate lines are one list,
        # and two traceparent lines make an invalid value (so a new trace), as the spec says.
        carrier = {name: self.headers.get_all(name)
                   for name in ("traceparent", "tracestate") if self.headers.get_all(name)}
        context = n3obs.extract(carrier)
        with n3obs.start_span("POST /test", context=context, kind=n3obs.SpanKind.SERVER) as server:
            for action in actions:
                with n3obs.start_span("POST", context=n3obs.set_span_in_context(server),
                                      kind=n3obs.SpanKind.CLIENT) as client:
                    headers = {"Content-Type": "application/json"}
                    n3obs.inject(headers, n3obs.set_span_in_context(client))
                    body = json.dumps(action.get("arguments") or []).encode()
                    request = urllib.request.Request(action["url"], data=body, headers=headers,
                                                     method="POST")
                    with urllib.request.urlopen(request, timeout=5) as response:
                        response.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):  # quiet: the harness prints what matters
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    n3obs.init(service_name="w3c-trace-context", exporters=[])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/test", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
