#!/usr/bin/env bash
# make install: the library, plugins, headers, pkg-config and CMake files under PREFIX.
#   PREFIX/lib/libn3obs.so          the SDK (its RUNPATH includes $ORIGIN/n3obs)
#   PREFIX/lib/n3obs/               plugins, and the Swift runtime libraries they all need
#   PREFIX/include/n3obs.h, n3obs_exporter.h
#   PREFIX/lib/pkgconfig/n3obs.pc, PREFIX/lib/cmake/n3obs/
#   PREFIX/bin/n3obsctl             the tool (its RUNPATH includes $ORIGIN/../lib/n3obs)
set -euo pipefail
prefix=${1:?usage: install.sh PREFIX}
cd "$(dirname "$0")/.."
build=.build/release
version=$(sed -n 's/^#define N3OBS_VERSION "\(.*\)"/\1/p' include/n3obs.h)
mkdir -p "$prefix/lib/n3obs" "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/n3obs" "$prefix/bin"
install -m 0755 "$build/libn3obs.so" "$prefix/lib/"
for plugin in "$build"/libn3obs_*.so; do install -m 0755 "$plugin" "$prefix/lib/n3obs/"; done
install -m 0755 "$build/n3obsctl" "$prefix/bin/"
install -m 0644 include/n3obs.h include/n3obs_exporter.h "$prefix/include/"
# The Swift runtime libraries libn3obs.so and the Swift plugins load (and theirs).
runtime_dir=$(dirname "$(ldd "$build/libn3obs.so" | awk '/libswiftCore.so/ {print $3}')")
for lib in libswiftCore.so libswift_Concurrency.so libswift_StringProcessing.so libswift_RegexParser.so \
           libswiftGlibc.so libdispatch.so libBlocksRuntime.so libswiftDispatch.so libswiftSynchronization.so \
           libswift_Builtin_float.so; do
    [ -f "$runtime_dir/$lib" ] && install -m 0755 "$runtime_dir/$lib" "$prefix/lib/n3obs/"
done
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" bindings/c/n3obs.pc.in > "$prefix/lib/pkgconfig/n3obs.pc"
sed -e "s|@VERSION@|$version|" bindings/c/n3obsConfig.cmake.in > "$prefix/lib/cmake/n3obs/n3obsConfig.cmake"
sed -e "s|@VERSION@|$version|" bindings/c/n3obsConfigVersion.cmake.in \
    > "$prefix/lib/cmake/n3obs/n3obsConfigVersion.cmake"
echo "installed n3obs $version under $prefix"
