# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build deps plugins demo install test test-fuzz fuzz test-docs test-swift test-swift-host test-c test-cli test-install test-ops test-otlp test-python test-prometheus test-examples test-w3c python-install bench bench-deps bench-otlp bench-python bench-exposition bench-delivery clean

all: build

# Debian packages the build needs: libcurl and zlib for the OTLP plugin (CN3ObsHTTP).
deps:
	@bash scripts/apt-install.sh libcurl4-openssl-dev zlib1g-dev

build: deps
	$(SWIFT) build -c release

$(LIB): build

# The example plugin written in C (examples/plugins). It links nothing of n3obs: everything
# it needs comes through the host table. The stdout plugin is built by `swift build`,
# which must run first: on a fresh clone it replaces $(BUILD) with a symlink, taking with
# it anything built there before (order-only, so the plugin is not rebuilt every time).
CSV_PLUGIN := $(BUILD)/libn3obs_csv.so

$(CSV_PLUGIN): examples/plugins/csv_exporter.c include/n3obs.h include/n3obs_exporter.h | build
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS_STRICT) -shared -fPIC -fvisibility=hidden $< -lm -o $@

plugins: $(CSV_PLUGIN)

.build/demo/%: examples/c/%.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L $< $(LDLIBS_N3OBS) -o $@

# The demo: a Python executor (the Namel3ss compat API) runs tasks in parallel; each calls
# the C worker with its traceparent, so one trace crosses both processes. Telemetry leaves
# through the Prometheus endpoint, the OTLP file sink and the stdout exporter; the executor
# prints where to look and a summary. DEMO_ARGS=--serve keeps the endpoint up.
DEMO_OUT := .build/demo
demo: plugins python-install $(DEMO_OUT)/worker
	@rm -f $(DEMO_OUT)/*.jsonl $(DEMO_OUT)/stdout.log
	$(PY) examples/demo/executor.py $(DEMO_OUT)/worker $(DEMO_OUT) $(DEMO_ARGS)

$(DEMO_OUT)/worker: examples/demo/worker.c include/n3obs.h build
	@mkdir -p $(DEMO_OUT)
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L $< $(LDLIBS_N3OBS) -o $@

# Every code block of the README and the docs, compiled and run as written
# (Tests/docs/run_snippets.py); promtool checks the scrape configs among them.
test-docs: plugins python-install
	@command -v promtool >/dev/null || bash scripts/apt-install.sh prometheus
	$(PY) Tests/docs/run_snippets.py

# Every example and the demo, run and checked.
test-examples: plugins python-install $(DEMO_OUT)/worker .build/demo/demo .build/demo/metrics_demo .build/demo/health_demo
	bash Tests/examples/run.sh

.build/demo/%: examples/c/%.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L $< $(LDLIBS_N3OBS) -o $@

test: test-swift test-swift-host test-c test-cli test-install test-ops test-otlp test-python test-prometheus test-examples test-docs test-w3c test-fuzz

# libFuzzer targets (Tests/fuzz): the trace-context parser, metric and label names, label
# values, span attributes, against a libn3obs.so instrumented in its own scratch path
# (.build-fuzz). `make test` gives each 20 s; `make fuzz` FUZZ_SECONDS (default 300).
FUZZ_SECONDS ?= 300

test-fuzz:
	FUZZ_SECONDS=20 bash Tests/fuzz/run.sh

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Tests/fuzz/run.sh

test-swift: deps
	$(SWIFT) test

# A Swift program on the N3Obs product alone (examples/swift-host) runs the shipped plugins.
test-swift-host: build
	bash Tests/swift-host/run.sh

test-c: build plugins
	bash Tests/C/run.sh

test-cli: test-c
	bash Tests/cli/run.sh

PREFIX ?= /usr/local
install: build plugins
	bash scripts/install.sh $(PREFIX)

test-install: build plugins
	bash Tests/install/run.sh

test-ops:
	bash Tests/ops/run.sh

# The OTLP plugin end to end: file and OTLP/HTTP output parsed by opentelemetry-proto,
# outages, rejections, a silent endpoint, a trace across two processes.
test-otlp: build
	bash Tests/otlp/run.sh

# The Python binding: a venv under .build (never committed) with the package built against
# include/ and bundling .build/release/libn3obs.so, plus what its tests and benchmark need.
VENV := .build/venv
PY := $(VENV)/bin/python
PY_DEPS := cffi setuptools wheel pytest prometheus_client opentelemetry-sdk opentelemetry-proto pyyaml

$(PY):
	python3 -m venv $(VENV)

python-install: build $(PY)
	$(PY) -m pip install -q $(PY_DEPS)
	$(PY) -m pip install -q --no-build-isolation --force-reinstall --no-deps ./bindings/python

test-python: python-install
	$(VENV)/bin/pytest -q bindings/python/tests

# The W3C Trace Context suite (a pinned copy in Tests/w3c/trace-context), level 2 strict,
# against a small service on the Python binding: all 41 tests must pass.
test-w3c: python-install
	bash Tests/w3c/run.sh

bench-python: python-install
	$(PY) benchmarks/bench_python.py --markdown $(BENCH)/results.md

# The Prometheus plugin scraped for real: promtool, prometheus_client, a Prometheus server.
test-prometheus: build
	bash Tests/prometheus/run.sh

# Benchmarks: n3obs through libn3obs.so against its peers, in the same run.
BENCH := .build/bench
BENCH_CFLAGS := -O2 -Iinclude -Ibenchmarks

bench-deps:
	@test -f /usr/include/prometheus/registry.h || bash scripts/apt-install.sh prometheus-cpp-dev

$(BENCH)/bench_n3obs: benchmarks/bench_n3obs.c benchmarks/bench_common.h include/n3obs.h build
	@mkdir -p $(BENCH)
	$(CC) -std=c11 $(BENCH_CFLAGS) $< $(LDLIBS_N3OBS) -o $@

$(BENCH)/bench_prometheus_cpp: benchmarks/bench_prometheus_cpp.cpp benchmarks/bench_common.h bench-deps
	@mkdir -p $(BENCH)
	$(CXX) -std=c++17 $(BENCH_CFLAGS) $< -lprometheus-cpp-core -pthread -o $@

$(BENCH)/spans_bench: benchmarks/spans_bench.c include/n3obs.h build
	@mkdir -p $(BENCH)
	$(CC) -std=c99 $(BENCH_CFLAGS) $< $(LDLIBS_N3OBS) -o $@

bench: $(BENCH)/bench_n3obs $(BENCH)/bench_prometheus_cpp $(BENCH)/spans_bench
	python3 benchmarks/run.py $(BENCH) --runs 5 --markdown $(BENCH)/results.md
	$(MAKE) bench-python

# Serializing 10,000 series: the plugin's serializer vs prometheus-cpp and prometheus_client.
$(BENCH)/bench_exposition_cpp: benchmarks/bench_exposition_cpp.cpp benchmarks/bench_common.h bench-deps
	@mkdir -p $(BENCH)
	$(CXX) -std=c++17 -O2 -Ibenchmarks $< -lprometheus-cpp-core -pthread -o $@

BENCH_VENV := .build/venv-prom

bench-exposition: build $(BENCH)/bench_exposition_cpp
	@test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c 'import prometheus_client' 2>/dev/null || $(BENCH_VENV)/bin/pip install -q prometheus_client
	python3 benchmarks/exposition_run.py $(BUILD)/n3obs-bench-exposition $(BENCH)/bench_exposition_cpp \
		$(BENCH_VENV)/bin/python --runs 5 --markdown $(BENCH)/exposition.md

bench: bench-exposition

clean:
	rm -rf .build

# OTLP/JSON encoding against the OpenTelemetry Python SDK's OTLP encoders, on equivalent
# spans (benchmarks/run_otlp.py). Its own rules, so that `make bench` gains it without
# touching the main benchmark's.
$(BENCH)/bench_otlp_encode: benchmarks/bench_otlp_encode.c benchmarks/bench_common.h include/n3obs_exporter.h build
	@mkdir -p $(BENCH)
	$(CC) -std=c11 $(BENCH_CFLAGS) $< -ldl -o $@

bench-otlp: $(BENCH)/bench_otlp_encode
	bash scripts/venv.sh opentelemetry-sdk opentelemetry-exporter-otlp-proto-common opentelemetry-exporter-otlp-json-common
	.build/venv/bin/python benchmarks/run_otlp.py $(BENCH) --runs 5 --markdown $(BENCH)/results_otlp.md

bench: bench-otlp

# Span delivery under the default settings (benchmarks/run_delivery.py): the highest paced
# rate with 0 dropped and the drop fraction unpaced, for the OTLP file and stdout exporters
# against the OpenTelemetry Python SDK's BatchSpanProcessor with an OTLP/JSON file
# exporter; the Python binding's burst; idle wakeups against prometheus-cpp's exposer.
# About 4 minutes.
$(BENCH)/bench_delivery: benchmarks/bench_delivery.c benchmarks/bench_common.h include/n3obs.h build
	@mkdir -p $(BENCH)
	$(CC) -std=c11 $(BENCH_CFLAGS) $< $(LDLIBS_N3OBS) -o $@

$(BENCH)/bench_idle_prometheus_cpp: benchmarks/bench_idle_prometheus_cpp.cpp benchmarks/bench_common.h bench-deps
	@mkdir -p $(BENCH)
	$(CXX) -std=c++17 $(BENCH_CFLAGS) $< -lprometheus-cpp-pull -lprometheus-cpp-core -pthread -o $@

bench-delivery: $(BENCH)/bench_delivery $(BENCH)/bench_idle_prometheus_cpp python-install
	bash scripts/venv.sh opentelemetry-sdk opentelemetry-exporter-otlp-json-common
	$(PY) benchmarks/run_delivery.py $(BENCH) --python $(PY) --markdown $(BENCH)/results_delivery.md

bench: bench-delivery
