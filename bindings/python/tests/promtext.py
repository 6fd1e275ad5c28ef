"""Prometheus text format 0.0.4 rendered from n3obs.collect(), FOR TESTS ONLY: the
Prometheus exporter plugin does not exist yet; once it does, tests should scrape it
instead. Lets prometheus_client's parser check the values the snapshot holds."""
from __future__ import annotations

import math
from typing import Dict

import n3obs


def _num(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v))


def _labels(d: Dict[str, str]) -> str:
    if not d:
        return ""
    esc = lambda s: s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in d.items()) + "}"


def render(families: Dict[str, n3obs.Family]) -> str:
    out = []
    for f in families.values():
        name = f.name + ("_info" if f.type == "info" else "")
        head = name + ("_total" if f.type == "counter" else "")
        typ = "gauge" if f.type == "info" else f.type
        out.append(f"# HELP {head} {f.help.replace(chr(92), chr(92) * 2).replace(chr(10), chr(92) + 'n')}")
        out.append(f"# TYPE {head} {typ}")
        for s in f.series:
            labels = dict(s.labels)
            if s.is_overflow:
                labels["otel_metric_overflow"] = "true"
            if f.type == "counter":
                out.append(f"{head}{_labels(labels)} {_num(s.value)}")
            elif f.type in ("gauge", "info"):
                out.append(f"{name}{_labels(labels)} {_num(s.value)}")
            elif f.type == "histogram":
                for b in s.buckets:
                    out.append(f"{name}_bucket{_labels({**labels, 'le': _num(b.upper_bound)})} {b.cumulative_count}")
                out.append(f"{name}_sum{_labels(labels)} {_num(s.sum)}")
                out.append(f"{name}_count{_labels(labels)} {s.count}")
            elif f.type == "summary":
                for q, v in s.quantiles:
                    out.append(f"{name}{_labels({**labels, 'quantile': repr(q)})} {_num(v)}")
                out.append(f"{name}_sum{_labels(labels)} {_num(s.sum)}")
                out.append(f"{name}_count{_labels(labels)} {s.count}")
    return "\n".join(out) + "\n"
