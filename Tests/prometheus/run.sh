#!/usr/bin/env bash
# The Prometheus plugin's end-to-end tests (issue 7): builds Tests/prometheus/scrape_target.c
# against .build/release/libn3obs.so, then test_prometheus.py scrapes the real endpoint and
# checks it with promtool, prometheus_client's two parsers and a real Prometheus server.
# Installs what it needs on a fresh Debian machine: the `prometheus` package (promtool and
# the server) and prometheus_client in a virtualenv under .build/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
lib=$root/.build/release
for f in libn3obs.so libn3obs_prometheus.so; do
    [ -f "$lib/$f" ] || { echo "run.sh: $lib/$f not found; run 'swift build -c release' first" >&2; exit 2; }
done
bash scripts/apt-install.sh prometheus curl
# The Python binding's venv when it exists, else our own.
venv=$root/.build/venv
[ -x "$venv/bin/python" ] || venv=$root/.build/venv-prom
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import prometheus_client' 2>/dev/null || "$venv/bin/pip" install -q prometheus_client
out=$root/.build/prometheus-tests
mkdir -p "$out"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -Iinclude Tests/prometheus/scrape_target.c \
    -L "$lib" -ln3obs "-Wl,-rpath,$lib" -pthread -lm -o "$out/scrape_target"
exec "$venv/bin/python" Tests/prometheus/test_prometheus.py --target "$out/scrape_target" --plugin-dir "$lib" "$@"
