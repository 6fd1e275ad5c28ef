#!/usr/bin/env bash
# make install into a temporary prefix, then build examples against the installed copy
# with pkg-config and with CMake's find_package(n3obs), and run them. Prints
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
bash scripts/apt-install.sh cmake pkg-config >/dev/null || exit 2
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
passed=0
failed=0
step() { # step DESCRIPTION COMMAND...
    local desc=$1; shift
    if "$@" >"$work/log" 2>&1; then echo "ok - $desc"; passed=$((passed + 1))
    else echo "not ok - $desc"; sed 's/^/#   /' "$work/log"; failed=$((failed + 1)); fi
}
contains() { grep -qF -- "$2" "$1"; }

step "make install PREFIX=$prefix" bash scripts/install.sh "$prefix"
step "headers, library, plugins, pkg-config and CMake files are installed" test -f "$prefix/include/n3obs.h" \
    -a -f "$prefix/include/n3obs_exporter.h" -a -f "$prefix/lib/libn3obs.so" \
    -a -f "$prefix/lib/n3obs/libn3obs_stdout.so" -a -f "$prefix/lib/pkgconfig/n3obs.pc" \
    -a -f "$prefix/lib/cmake/n3obs/n3obsConfig.cmake"
step "libn3obs.so looks for the runtime and plugins in lib/n3obs" \
    sh -c "readelf -d '$prefix/lib/libn3obs.so' | grep -q 'ORIGIN/n3obs'"

# The installed n3obsctl finds the Swift runtime that install.sh bundles in lib/n3obs, even
# where the toolchain is absent: the toolchain's runtime folder (where ldd finds it today)
# is hidden under an empty tmpfs in a private mount namespace.
ctl=$prefix/bin/n3obsctl
step "n3obsctl looks for the runtime in ../lib/n3obs" \
    sh -c "readelf -d '$ctl' | grep RUNPATH | grep -qF '\$ORIGIN/../lib/n3obs'"
runtime_dir=$(dirname "$(ldd "$ctl" | awk '/libswiftCore.so/ {print $3}')")
hide() { # hide COMMAND: run it with the toolchain's runtime folder hidden
    unshare -m sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' _ "$runtime_dir" "$@"
}
case $runtime_dir in
"$prefix"/*) echo "ok - # skip: no toolchain runtime outside the prefix to hide" ;;
*)
    if ! unshare -m true 2>/dev/null; then
        echo "ok - # skip: cannot hide $runtime_dir (unshare -m needs root)"
    else
        step "without the toolchain ($runtime_dir hidden), n3obsctl --help exits 0" hide "$ctl" --help
        bundled_core() { hide ldd "$ctl" | grep -qF "=> $prefix/bin/../lib/n3obs/libswiftCore.so"; }
        step "it loads libswiftCore.so from lib/n3obs" bundled_core
        step "and checks the installed stdout plugin" hide "$ctl" plugin check "$prefix/lib/n3obs/libn3obs_stdout.so"
    fi ;;
esac

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
step "pkg-config knows n3obs" pkg-config --exists n3obs
step "an example builds with pkg-config" sh -c \
    "cc -std=c99 -Wall -Wextra -pedantic -Werror examples/c/metrics_demo.c \$(pkg-config --cflags --libs n3obs) -lm -o '$work/pc_demo'"
step "and runs against the installed library" sh -c "'$work/pc_demo' > '$work/pc.out'"
step "its output has its metrics" contains "$work/pc.out" 'http_requests (counter)'
step "the installed stdout plugin loads by name from lib/n3obs" sh -c \
    "N3OBS_EXPORTERS=stdout '$work/pc_demo' > '$work/pc_stdout.out' 2>&1 && grep -q '^# metrics at' '$work/pc_stdout.out'"

step "an example builds with CMake's find_package(n3obs)" sh -c \
    "cmake -S examples/c/cmake -B '$work/cmake' -DCMAKE_PREFIX_PATH='$prefix' && cmake --build '$work/cmake'"
step "and runs" sh -c "'$work/cmake/metrics_demo' | grep -q 'http_requests (counter)'"
mkdir -p "$work/wants9"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(wants9 C)\nfind_package(n3obs 9.0 REQUIRED)\n' \
    > "$work/wants9/CMakeLists.txt"
step "find_package(n3obs 9.0) refuses this major version" sh -c \
    "! cmake -S '$work/wants9' -B '$work/wants9/build' -DCMAKE_PREFIX_PATH='$prefix'"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
