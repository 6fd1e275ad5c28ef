#!/usr/bin/env bash
# The W3C Trace Context test suite (the pinned copy in Tests/w3c/trace-context), level 2 and
# strict, against Tests/w3c/service.py, a small service on the Python binding. Every one of
# the suite's 41 tests must run and pass: a skipped test fails this script too.
# Needs the binding's venv (`make python-install`); installs aiohttp (the harness's) into it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
py=$root/.build/venv/bin/python
[ -x "$py" ] || { echo "run.sh: $py not found; run 'make python-install' first" >&2; exit 2; }
"$py" -c 'import n3obs' || { echo "run.sh: the n3obs binding is not installed in .build/venv" >&2; exit 2; }
"$py" -c 'import aiohttp' 2>/dev/null || "$py" -m pip install -q aiohttp
out=$root/.build/w3c
mkdir -p "$out"

# Two free ports (the harness's default 7777 may be taken on a shared machine).
read -r harness_port service_port < <("$py" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

N3OBS_EXPORTERS= "$py" Tests/w3c/service.py "$service_port" >"$out/service.log" 2>&1 &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$out/service.log" && break
    kill -0 "$service_pid" 2>/dev/null || { cat "$out/service.log" >&2; exit 1; }
    sleep 0.1
done
grep -q '^listening on ' "$out/service.log" || { echo "run.sh: the service did not start" >&2; exit 1; }

status=0
(cd Tests/w3c/trace-context &&
    STRICT_LEVEL=2 SPEC_LEVEL=2 HARNESS_HOST=127.0.0.1 HARNESS_PORT=$harness_port \
        "$py" test.py "http://127.0.0.1:$service_port/test") >"$out/suite.log" 2>&1 || status=$?
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} .*/\1/p' "$out/suite.log")
skipped=$(grep -c -E '\.\.\. skipped' "$out/suite.log" || true)
if [ "$status" -ne 0 ] || [ "${ran:-0}" -ne 41 ] || [ "$skipped" -ne 0 ] || ! tail -n 1 "$out/suite.log" | grep -q '^OK$'; then
    cat "$out/suite.log"
    echo "not ok - W3C Trace Context suite, level 2 strict: ran ${ran:-0} of 41, $skipped skipped, exit $status (log: .build/w3c/suite.log, service: .build/w3c/service.log)"
    exit 1
fi
echo "ok - W3C Trace Context suite, level 2 strict: 41 of 41 passed"
