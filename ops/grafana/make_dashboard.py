#!/usr/bin/env python3
"""Writes n3obs-dashboard.json: a Grafana dashboard for the standard catalogue and the SDK's
own health and pipeline metrics. Edit the PANELS list, then run this script."""
import json
import os

NS = "namel3ss"  # the catalogue's namespace (N3OBS_METRIC_NAMESPACE)

# (title, unit, [(PromQL, legend)], width)
PANELS = [
    ("Executions by status", "ops",
     [(f'sum by (status) (rate({NS}_execution_total{{job=~"$job"}}[$__rate_interval]))', "{{status}}")], 12),
    ("Execution duration (from the histogram)", "s",
     [(f'histogram_quantile({q}, sum by (le) (rate({NS}_execution_duration_seconds_bucket{{job=~"$job"}}'
       f'[$__rate_interval])))', f"p{int(q * 100)}") for q in (0.5, 0.9, 0.99)], 12),
    ("Active executions", "short",
     [(f'sum by (component) ({NS}_active_executions{{job=~"$job"}})', "{{component}}")], 8),
    ("Errors by severity", "ops",
     [(f'sum by (severity) (rate({NS}_error_total{{job=~"$job"}}[$__rate_interval]))', "{{severity}}")], 8),
    ("Task queues", "short",
     [(f'sum by (queue_name, priority) ({NS}_task_queue_length{{job=~"$job"}})', "{{queue_name}} {{priority}}")], 8),
    ("Health by check (1 healthy, 0.5 degraded, 0 unhealthy)", "short",
     [('min by (check) (n3obs_health_status{job=~"$job"})', "{{check}}")], 12),
    ("Spans dropped and export errors", "ops",
     [('sum by (reason) (rate(n3obs_spans_dropped_total{job=~"$job"}[$__rate_interval]))', "dropped: {{reason}}"),
      ('sum by (exporter, signal) (rate(n3obs_export_errors_total{job=~"$job"}[$__rate_interval]))',
       "errors: {{exporter}} {{signal}}")], 12),
]


def panel(i, x, y, title, unit, targets, width):
    return {
        "id": i + 1, "type": "timeseries", "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"x": x, "y": y, "w": width, "h": 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [{"refId": chr(65 + k), "expr": expr, "legendFormat": legend}
                    for k, (expr, legend) in enumerate(targets)],
    }


def dashboard():
    panels, x, y = [], 0, 0
    for i, (title, unit, targets, width) in enumerate(PANELS):
        if x + width > 24:
            x, y = 0, y + 8
        panels.append(panel(i, x, y, title, unit, targets, width))
        x += width
    return {
        "title": "n3obs: executions, health and export", "uid": "n3obs-overview",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"}, "tags": ["n3obs", "namel3ss"],
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
            {"name": "job", "type": "query", "label": "Job", "multi": True, "includeAll": True,
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": f"label_values({NS}_execution_total, job)", "refresh": 2},
        ]},
        "panels": panels,
    }


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "n3obs-dashboard.json")
    with open(out, "w") as f:
        json.dump(dashboard(), f, indent=2)
        f.write("\n")
    print(f"wrote {out}")
