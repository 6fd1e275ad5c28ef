"""The resource a collector sees, read from the OTLP plugin's file output: the language of
the binding, and an identity per process (service.instance.id, process.pid) that a forked
child does not share with its parent, unless OTEL_RESOURCE_ATTRIBUTES fixes it."""
from __future__ import annotations

import json
import re

from conftest import run_script

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

FORKING = """
import os, sys, n3obs
n3obs.init(service_name="res", exporters=[("otlp", {"file": sys.argv[1] if len(sys.argv) > 1 else %r})])
pid = os.fork()
with n3obs.start_as_current_span("child" if pid == 0 else "parent"):
    pass
n3obs.shutdown()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
print("parent", os.getpid())
"""


def resources(path):
    """(span name, resource attributes) of every span in the file."""
    out = []
    for line in path.read_text().splitlines():
        doc = json.loads(line)
        for rs in doc.get("resourceSpans", []):
            attrs = {kv["key"]: next(iter(kv["value"].values())) for kv in rs["resource"]["attributes"]}
            for ss in rs["scopeSpans"]:
                out += [(s["name"], attrs) for s in ss["spans"]]
    return out


def test_resource_names_the_binding_and_the_process_and_fork_renews_it(tmp_path):
    path = tmp_path / "spans.jsonl"
    proc = run_script(FORKING % str(path))
    parent_pid = proc.stdout.split()[-1]
    got = dict(resources(path))
    assert set(got) == {"parent", "child"}, got
    parent, child = got["parent"], got["child"]
    for attrs in (parent, child):
        assert attrs["telemetry.sdk.language"] == "python"
        assert UUID.match(attrs["service.instance.id"]), attrs
        assert attrs["service.name"] == "res"
    assert parent["process.pid"] == parent_pid
    assert child["process.pid"] != parent_pid
    assert child["service.instance.id"] != parent["service.instance.id"]


def test_resource_attributes_from_the_environment_win(tmp_path):
    path = tmp_path / "spans.jsonl"
    run_script(FORKING % str(path),
               env={"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=fixed-1,process.pid=7"})
    got = dict(resources(path))
    assert set(got) == {"parent", "child"}, got
    for attrs in got.values():
        assert attrs["service.instance.id"] == "fixed-1"
        assert attrs["process.pid"] == "7"
