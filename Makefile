# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build plugins demo install test test-swift test-c test-cli test-install test-ops bench bench-deps clean

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

.build/demo/%: examples/c/%.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L $< $(LDLIBS_N3OBS) -o $@

# The demo: an instrumented C program whose spans, metrics and health leave through the
# stdout plugin (human-readable) and the C example plugin (CSV files), chosen only by
# N3OBS_EXPORTERS. metrics_demo prints a snapshot through the C API itself.
demo: plugins .build/demo/demo .build/demo/metrics_demo
	@rm -f .build/demo/*.csv
	OTEL_SERVICE_NAME=n3obs-demo N3OBS_EXPORTERS=stdout,csv \
	N3OBS_CSV_METRICS_PATH=.build/demo/metrics.csv N3OBS_CSV_SPANS_PATH=.build/demo/spans.csv \
	.build/demo/demo
	@echo
	@echo "== the C plugin wrote .build/demo/spans.csv ($$(wc -l < .build/demo/spans.csv) lines) and .build/demo/metrics.csv; the first lines:"
	@head -3 .build/demo/spans.csv
	@head -3 .build/demo/metrics.csv

test: test-swift test-c test-cli test-install test-ops

test-swift:
	$(SWIFT) test

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

clean:
	rm -rf .build
