#!/usr/bin/env bash
# Builds and runs the C tests against .build/release/libn3obs.so (build it first with
# `swift build -c release`).
#
#   bash Tests/C/run.sh                 every check
#   bash Tests/C/run.sh test_metrics    only the named programs (header/symbol checks too)
#   VERBOSE=1 bash Tests/C/run.sh       print every line, not only failures
#   VALGRIND=1 bash Tests/C/run.sh      run every program under valgrind (memory errors fail it)
#   VALGRIND=0 bash Tests/C/run.sh      no valgrind at all
# By default, when valgrind is installed, a few programs also run once under valgrind and
# each counts as one check (a library reading freed memory rarely crashes on its own).
#
# Each Tests/C/test_*.c is a program printing "ok N - ..." / "not ok N - ..." lines; the
# header compiles (C99, C++17) and scripts/check-symbols.sh count as one check each. The last
# line is "N passed, N failed" (checks); the exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
libdir=$root/.build/release
out=$root/.build/ctests
cc=${CC:-cc}
cxx=${CXX:-c++}
cflags=(-std=c99 -Wall -Wextra -pedantic -Werror -I include)
ldflags=(-L "$libdir" -ln3obs "-Wl,-rpath,$libdir" -pthread -lm)
timeout_s=${N3OBS_TEST_TIMEOUT:-600}
verbose=${VERBOSE:-0}
runner=()
if [ "${VALGRIND:-0}" = 1 ]; then
    command -v valgrind >/dev/null || { echo "run.sh: VALGRIND=1 but valgrind is not installed" >&2; exit 2; }
    runner=(valgrind -q --error-exitcode=99)
fi

passed=0
failed=0

if [ ! -f "$libdir/libn3obs.so" ]; then
    echo "run.sh: $libdir/libn3obs.so not found; run 'swift build -c release' first" >&2
    echo "0 passed, 1 failed"
    exit 2
fi
mkdir -p "$out"

# one_check DESCRIPTION LOG COMMAND...: runs COMMAND, counts it as one check.
one_check() {
    local desc=$1 log=$2
    shift 2
    if "$@" >"$log" 2>&1; then
        echo "ok - $desc"
        passed=$((passed + 1))
        [ "$verbose" = 1 ] && sed 's/^/#   /' "$log"
    else
        echo "not ok - $desc"
        sed 's/^/#   /' "$log"
        failed=$((failed + 1))
    fi
    return 0
}

echo "== header and symbols"
one_check "n3obs.h compiles alone as C99 (-pedantic -Werror -Wstrict-prototypes)" "$out/header_c99.log" \
    "$cc" "${cflags[@]}" -Wstrict-prototypes -x c -c include/n3obs.h -o "$out/header_c99.o"
one_check "n3obs.h compiles as C11 and included twice" "$out/header_c11.log" \
    sh -c "printf '#include \"n3obs.h\"\n#include \"n3obs.h\"\nint main(void) { return N3OBS_OK; }\n' |
           $cc -std=c11 -Wall -Wextra -pedantic -Werror -I include -x c -c - -o '$out/header_c11.o'"
one_check "n3obs.h compiles as C++17 (Tests/C/header_cxx.cpp)" "$out/header_cxx.log" \
    "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -I include -c Tests/C/header_cxx.cpp \
    -o "$out/header_cxx.o"
if [ -f include/n3obs_exporter.h ]; then
    one_check "n3obs_exporter.h compiles as C99" "$out/exporter_c99.log" \
        "$cc" "${cflags[@]}" -x c -c include/n3obs_exporter.h -o "$out/exporter_c99.o"
    one_check "n3obs_exporter.h compiles as C++17" "$out/exporter_cxx.log" \
        "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -I include -x c++ -c \
        include/n3obs_exporter.h -o "$out/exporter_cxx.o"
fi
one_check "exported symbols match the N3OBS_API declarations (scripts/check-symbols.sh)" \
    "$out/symbols.log" bash scripts/check-symbols.sh "$libdir/libn3obs.so"

if [ $# -gt 0 ]; then
    programs=()
    for name in "$@"; do
        programs+=("Tests/C/${name%.c}.c")
    done
else
    programs=(Tests/C/test_*.c)
fi

for src in "${programs[@]}"; do
    name=$(basename "$src" .c)
    exe=$out/$name
    log=$out/$name.log
    echo "== $name"
    if [ ! -f "$src" ]; then
        echo "not ok - $name: $src not found"
        failed=$((failed + 1))
        continue
    fi
    if ! "$cc" "${cflags[@]}" "$src" -o "$exe" "${ldflags[@]}" >"$out/$name.build.log" 2>&1; then
        echo "not ok - $name compiles"
        sed 's/^/#   /' "$out/$name.build.log"
        failed=$((failed + 1))
        continue
    fi
    # A clean environment: the programs set the variables they test themselves.
    env -u N3OBS_METRIC_NAMESPACE -u N3OBS_METRIC_CARDINALITY_LIMIT -u OTEL_SERVICE_NAME \
        timeout "$timeout_s" ${runner[@]+"${runner[@]}"} "$exe" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$verbose" = 1 ]; then
        cat "$log"
    else
        # failing lines, their diagnostics ("#   ...") and stray output (crash messages)
        # (valgrind's complaints about Swift's DWARF are noise)
        awk '/^not ok /{print; next} /^ok /{next} /^1\.\./{next} /^#   /{print; next} /^#/{next}
             /^### unhandled dwarf/ || /^get_Form_szB/ || /^--[0-9]+-- /{next} {print}' "$log"
    fi
    if ! grep -q '^1\.\.[0-9]' "$log"; then
        echo "not ok - $name ran to its end (exit status $rc; crashed or timed out after $((p + f)) checks)"
        failed=$((failed + 1))
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exit status (got $rc without a failing check)"
        failed=$((failed + 1))
    fi
    echo "# $name: $p passed, $f failed (log: ${log#"$root"/})"
done

# The misuse test names every function of the header, and runs once more with the program
# built under AddressSanitizer (libn3obs.so as built: ASan's interceptors still see the
# library's memcpy/strlen reach past the small heap buffers the test passes).
if [ $# -eq 0 ] || [[ " $* " == *" test_misuse "* ]]; then
    echo "== misuse: coverage and AddressSanitizer"
    missing=$(grep -o 'N3OBS_API [^(]*(' include/n3obs.h | grep -o 'n3obs_[a-z0-9_]*(' | tr -d '(' |
              while read -r fn; do grep -q "\b$fn(" Tests/C/test_misuse.c || echo "$fn"; done)
    one_check "test_misuse calls every N3OBS_API function${missing:+ (missing: $(echo $missing))}" \
        "$out/misuse_coverage.log" test -z "$missing"
    if "$cc" "${cflags[@]}" -fsanitize=address -fno-omit-frame-pointer -g Tests/C/test_misuse.c \
        -o "$out/test_misuse_asan" "${ldflags[@]}" >"$out/test_misuse_asan.build.log" 2>&1; then
        one_check "test_misuse under AddressSanitizer: every check passes, no memory error" \
            "$out/test_misuse_asan.log" env ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
            timeout "$timeout_s" "$out/test_misuse_asan"
    else
        echo "not ok - test_misuse builds with -fsanitize=address"
        sed 's/^/#   /' "$out/test_misuse_asan.build.log"
        failed=$((failed + 1))
    fi
fi

# fork() under load: three more runs of the fork stress test at once, each competing with
# the others for the cores (a hang shows as a child killed by its deadline).
if [ $# -eq 0 ] && [ -x "$out/test_fork_stress" ]; then
    echo "== fork stress under load"
    pids=()
    for k in 1 2 3; do
        env N3OBS_FORK_STRESS_FORKS=150 timeout "$timeout_s" "$out/test_fork_stress" >"$out/fork_stress_load_$k.log" 2>&1 &
        pids+=($!)
    done
    for k in 1 2 3; do
        if wait "${pids[$((k - 1))]}"; then
            echo "ok - fork stress under load, run $k: $(grep -o '[0-9]* of [0-9]* children[^(]*' "$out/fork_stress_load_$k.log")"
            passed=$((passed + 1))
        else
            echo "not ok - fork stress under load, run $k (log: ${out#"$root"/}/fork_stress_load_$k.log)"
            grep -E '^not ok|^#   ' "$out/fork_stress_load_$k.log" | head -5
            failed=$((failed + 1))
        fi
    done
fi

memcheck_programs=(test_lifecycle test_bad_input test_cardinality test_config_env test_span_pool test_span_end)
if [ "${VALGRIND:-auto}" = auto ] && [ $# -eq 0 ]; then
    if command -v valgrind >/dev/null; then
        echo "== memcheck"
        for name in "${memcheck_programs[@]}"; do
            [ -x "$out/$name" ] || continue
            vlog=$out/$name.memcheck.log
            env -u N3OBS_METRIC_NAMESPACE -u N3OBS_METRIC_CARDINALITY_LIMIT -u OTEL_SERVICE_NAME \
                timeout "$timeout_s" valgrind -q --error-exitcode=99 "$out/$name" >"$vlog" 2>&1
            rc=$?
            # Valgrind itself giving up (e.g. on debug info it cannot read) checked nothing.
            if grep -q -E '^==[0-9]+== Valgrind: |Giving up' "$vlog"; then rc=98; fi
            if [ "$rc" -ne 99 ] && [ "$rc" -ne 98 ] && [ "$rc" -ne 124 ]; then
                echo "ok - memcheck: $name has no memory errors under valgrind"
                passed=$((passed + 1))
            else
                echo "not ok - memcheck: $name has no memory errors under valgrind (log: ${vlog#"$root"/})"
                grep -m1 -A8 -E 'Invalid (read|write)|uninitialised|Mismatched free|Invalid free|Valgrind: ' "$vlog" |
                    sed 's/^/#   /'
                failed=$((failed + 1))
            fi
        done
    else
        echo "# memcheck skipped: valgrind is not installed"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
