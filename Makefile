# n3obs: `make demo` builds everything and runs the demo; `make test` runs every test.
# Both install what they need on a fresh Debian machine with the Swift toolchain.

SWIFT ?= swift
CC ?= cc
BUILD := .build/release
LIB := $(BUILD)/libn3obs.so
CFLAGS_STRICT := -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude
LDLIBS_N3OBS := -L$(BUILD) -ln3obs -Wl,-rpath,$(abspath $(BUILD)) -lm -pthread

.PHONY: all build demo test test-swift test-c bench clean

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

clean:
	rm -rf .build
