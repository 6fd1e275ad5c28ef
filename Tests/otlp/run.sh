#!/usr/bin/env bash
# The OTLP plugin's end-to-end tests: builds Tests/otlp/otlp_emit against
# .build/release/libn3obs.so (build it first with `swift build -c release`), makes sure the
# venv has opentelemetry-proto and pytest, and runs Tests/otlp/test_otlp.py.
#
#   bash Tests/otlp/run.sh            every test
#   bash Tests/otlp/run.sh -k outage  pytest's own arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
lib=$root/.build/release
for f in libn3obs.so libn3obs_otlp.so; do
  [ -f "$lib/$f" ] || { echo "run.sh: $lib/$f not found; run 'swift build -c release' first" >&2; exit 2; }
done
bash scripts/venv.sh opentelemetry-proto protobuf pytest
mkdir -p .build/otlp
${CC:-cc} -std=c99 -Wall -Wextra -pedantic -Werror -I include Tests/otlp/otlp_emit.c \
  -L "$lib" -ln3obs "-Wl,-rpath,$lib" -lm -pthread -o .build/otlp/otlp_emit
exec .build/venv/bin/python -m pytest -q -p no:cacheprovider Tests/otlp "$@"
