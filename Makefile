# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build demo test test-swift test-c bench bench-deps clean

all: build

build:
	$(SWIFT) build -c release

$(LIB): build

.build/demo/metrics_demo: examples/c/metrics_demo.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) $< $(LDLIBS_N3OBS) -o $@

demo: .build/demo/metrics_demo
	.build/demo/metrics_demo

test: test-swift test-c

test-swift:
	$(SWIFT) test

test-c: build
	bash Tests/C/run.sh

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

clean:
	rm -rf .build
