# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build plugins demo test test-swift test-c test-cli test-prometheus bench bench-deps bench-exposition clean

all: build

build:
	$(SWIFT) build -c release

$(LIB): build

# The example plugin written in C (examples/plugins). It links nothing of n3obs: everything
# it needs comes through the host table. The stdout plugin is built by `swift build`.
CSV_PLUGIN := $(BUILD)/libn3obs_csv.so

$(CSV_PLUGIN): examples/plugins/csv_exporter.c include/n3obs.h include/n3obs_exporter.h
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS_STRICT) -shared -fPIC -fvisibility=hidden $< -lm -o $@

plugins: $(CSV_PLUGIN)

.build/demo/metrics_demo: examples/c/metrics_demo.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) $< $(LDLIBS_N3OBS) -o $@

demo: .build/demo/metrics_demo
	.build/demo/metrics_demo

test: test-swift test-c test-cli test-prometheus

test-swift:
	$(SWIFT) test

test-c: build plugins
	bash Tests/C/run.sh

test-cli: test-c
	bash Tests/cli/run.sh

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

bench: $(BENCH)/bench_n3obs $(BENCH)/bench_prometheus_cpp
	python3 benchmarks/run.py $(BENCH) --runs 5 --markdown $(BENCH)/results.md

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
