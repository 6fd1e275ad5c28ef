#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/fuzz against an instrumented libn3obs.so and runs
# each for FUZZ_SECONDS (default 300).
#
#   bash Tests/fuzz/run.sh                       every target
#   bash Tests/fuzz/run.sh fuzz_trace_context    only the named targets
#   FUZZ_SECONDS=20 bash Tests/fuzz/run.sh       a short budget (make test-fuzz)
#   bash Tests/fuzz/run.sh --reproduce FILE...   run the targets once on saved inputs
#                                                (Tests/fuzz/crashes/<target>-*)
#
# The library is built from this tree in its own scratch path (.build-fuzz, never the
# release build others link) with coverage and AddressSanitizer in the Swift code and in
# the C parts (swiftc -sanitize=fuzzer,address, clang -fsanitize=fuzzer-no-link,address);
# the targets are built with the Swift toolchain's clang, whose libFuzzer provides the
# coverage runtime.
#
# Each target starts from its committed seed corpus (Tests/fuzz/corpus/<target>) and
# keeps what it learns in .build-fuzz/corpus/<target>, so longer runs build on earlier
# ones. A crash or a broken invariant stops the target; its input is in
# .build-fuzz/artifacts/ (copy it to Tests/fuzz/crashes/ to keep it). The exit status is
# non-zero when any target failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
scratch=$root/.build-fuzz
lib=$scratch/release
bin=$scratch/bin
seconds=${FUZZ_SECONDS:-300}
clang=${FUZZ_CLANG:-}
if [ -z "$clang" ]; then
    # The Swift toolchain's clang: the one whose libFuzzer matches the Swift coverage.
    clang=$(dirname "$(readlink -f "$(command -v swift)")")/clang
fi
all_targets=(fuzz_trace_context fuzz_metric_names fuzz_label_values fuzz_attributes)

reproduce=0
if [ "${1:-}" = --reproduce ]; then
    reproduce=1
    shift
fi

# Serialise builds: make test-fuzz and make fuzz may run at once in one tree.
mkdir -p "$scratch" "$bin"
exec 9>"$scratch/.lock"
flock 9

echo "== building the instrumented libn3obs.so in $scratch"
# Not `--sanitize=fuzzer --sanitize=address`: SwiftPM passes them to swiftc as two flags,
# in no fixed order, and the last one wins, so half the builds had no coverage.
swift build -c release --product n3obs --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address \
    >"$scratch/build.log" 2>&1 || {
    tail -30 "$scratch/build.log"
    echo "run.sh: the instrumented build failed (log: $scratch/build.log)" >&2
    exit 2
}

build_target() {
    local t=$1
    "$clang" -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude \
        -fsanitize=fuzzer,address -fuse-ld=lld "Tests/fuzz/$t.c" \
        -L "$lib" -ln3obs "-Wl,-rpath,$lib" -o "$bin/$t"
}

# The library must carry the Swift code's coverage, not only the C parts' few hundred
# counters: without it the fuzzer is blind inside the parser and the validators.
build_target fuzz_trace_context || exit 2
counters=$(SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin/fuzz_trace_context" -runs=0 2>&1 |
    sed -n 's/.*inline 8-bit counters): \([0-9]*\) .*/\1/p')
if [ "${counters:-0}" -lt 2000 ]; then
    echo "run.sh: libn3obs.so has ${counters:-no} coverage counters; the Swift code is not instrumented" >&2
    exit 2
fi

failed=0
if [ "$reproduce" = 1 ]; then
    for f in "$@"; do
        t=$(basename "$f")
        t=${t%%-*}
        build_target "$t" || exit 2
        echo "== $t on $f"
        ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$bin/$t" "$f" || failed=$((failed + 1))
    done
    exit $((failed > 0))
fi

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    build_target "$t" || exit 2
    work=$scratch/corpus/$t
    mkdir -p "$work" "$scratch/artifacts"
    dict=()
    [ -f "Tests/fuzz/$t.dict" ] && dict=("-dict=Tests/fuzz/$t.dict")
    echo "== $t for ${seconds} s"
    # ASan's leak check at exit would report the families and series, which live until
    # the process exits by design; the Swift runtime's backtracer would race ASan's report.
    if ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 SWIFT_BACKTRACE=enable=no "$bin/$t" -max_total_time="$seconds" \
        -rss_limit_mb=3072 -timeout=10 -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$scratch/artifacts/$t-" "$work" "Tests/fuzz/corpus/$t" \
        >"$scratch/$t.log" 2>&1; then
        echo "ok - $t: $(grep -E 'DONE|stat::number_of_executed_units' "$scratch/$t.log" | tr -s '\t ' ' ' | paste -sd' ' )"
    else
        echo "not ok - $t (log: $scratch/$t.log)"
        grep -E 'fuzz invariant|ERROR: |SUMMARY|^    #[0-9]|Test unit written' "$scratch/$t.log" | head -40 | sed 's/^/#   /'
        failed=$((failed + 1))
    fi
done
echo "$(( ${#targets[@]} - failed )) passed, $failed failed"
exit $((failed > 0))
