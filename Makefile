# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build demo test test-swift test-c test-cli test-python python-install bench bench-deps bench-python clean

all: build

build:
	$(SWIFT) build -c release

$(LIB): build

.build/demo/metrics_demo: examples/c/metrics_demo.c include/n3obs.h build
	@mkdir -p .build/demo
	$(CC) $(CFLAGS_STRICT) $< $(LDLIBS_N3OBS) -o $@

demo: .build/demo/metrics_demo
	.build/demo/metrics_demo

test: test-swift test-c test-cli test-python

test-swift:
	$(SWIFT) test

test-c: build
	bash Tests/C/run.sh

test-cli: test-c
	bash Tests/cli/run.sh

# The Python binding: a venv under .build (never committed) with the package built against
# include/ and bundling .build/release/libn3obs.so, plus what its tests and benchmark need.
VENV := .build/venv
PY := $(VENV)/bin/python
PY_DEPS := cffi setuptools wheel pytest prometheus_client opentelemetry-sdk opentelemetry-proto

$(PY):
	python3 -m venv $(VENV)

python-install: build $(PY)
	$(PY) -m pip install -q $(PY_DEPS)
	$(PY) -m pip install -q --no-build-isolation --force-reinstall --no-deps ./bindings/python

test-python: python-install
	$(VENV)/bin/pytest -q bindings/python/tests

bench-python: python-install
	$(PY) benchmarks/bench_python.py --markdown $(BENCH)/results.md

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
	$(MAKE) bench-python

clean:
	rm -rf .build
