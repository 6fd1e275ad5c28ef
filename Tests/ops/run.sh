#!/usr/bin/env bash
# The operations files: alert rules pass promtool's check and its rule unit tests; every
# PromQL expression of the Grafana dashboard parses (promtool checks them as recording
# rules, with Grafana's variables replaced); the committed dashboard is what its script
# writes. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
bash scripts/apt-install.sh prometheus >/dev/null || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
step() {
    local desc=$1; shift
    if "$@" >"$work/log" 2>&1; then echo "ok - $desc"; passed=$((passed + 1))
    else echo "not ok - $desc"; sed 's/^/#   /' "$work/log"; failed=$((failed + 1)); fi
}
step "alert rules pass promtool check rules" promtool check rules ops/prometheus/n3obs-alerts.yml
step "alert rules pass their unit tests (promtool test rules)" \
    sh -c "cd ops/prometheus && promtool test rules n3obs-alerts.test.yml"
python3 - "$work/dashboard-rules.yml" <<'PY'
import json, sys
d = json.load(open("ops/grafana/n3obs-dashboard.json"))
exprs = [t["expr"] for p in d["panels"] for t in p["targets"]]
with open(sys.argv[1], "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace('"$job"', '".+"')
        f.write(f"      - record: dashboard_expr_{i}\n        expr: {json.dumps(e)}\n")
PY
step "every dashboard expression is valid PromQL" promtool check rules "$work/dashboard-rules.yml"
step "the dashboard JSON is what make_dashboard.py writes" sh -c \
    "cp ops/grafana/n3obs-dashboard.json '$work/committed.json' && python3 ops/grafana/make_dashboard.py >/dev/null && cmp '$work/committed.json' ops/grafana/n3obs-dashboard.json"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
