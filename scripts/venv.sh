#!/usr/bin/env bash
# Makes the Python venv the tests and benchmarks share (.build/venv) if it is missing and
# installs the given PyPI packages into it when they are not there yet. Several make
# targets (and several engineers' branches) use the same venv: only ever add to it.
#
#   bash scripts/venv.sh opentelemetry-proto pytest
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p .build
  python3 -m venv "$venv" 2>/dev/null || {
    bash scripts/apt-install.sh python3-venv
    python3 -m venv "$venv"
  }
fi
missing=()
for pkg in "$@"; do
  "$venv/bin/python" -m pip show -q "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}"
fi
