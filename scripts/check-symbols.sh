#!/usr/bin/env bash
# Compares the dynamic symbols libn3obs.so exports with the functions the published headers
# declare with N3OBS_API: every exported symbol must be declared and every declared
# function exported. Prints the differences; exits 1 on a mismatch, 2 if it cannot run.
#
# Usage: scripts/check-symbols.sh [path/to/libn3obs.so]
set -u
cd "$(dirname "$0")/.." || exit 2

lib=${1:-.build/release/libn3obs.so}
headers=(include/n3obs.h)
[ -f include/n3obs_exporter.h ] && headers+=(include/n3obs_exporter.h)

if [ ! -f "$lib" ]; then
    echo "check-symbols: $lib not found" >&2
    exit 2
fi
for tool in nm perl; do
    command -v "$tool" >/dev/null || { echo "check-symbols: $tool is required" >&2; exit 2; }
done

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Declared: the identifier before the "(" that follows N3OBS_API, comments and preprocessor
# lines removed (so "#define N3OBS_API ..." does not count), declarations may span lines.
perl -0777 -ne '
    s{/\*.*?\*/}{ }gs;
    s{//[^\n]*}{}g;
    s{^[ \t]*#.*$}{}mg;
    while (/\bN3OBS_API\b([^;(]*?)\b([A-Za-z_]\w*)\s*\(/g) { print "$2\n"; }
' "${headers[@]}" | sort -u >"$tmp/declared"

# Exported: defined dynamic symbols with global or weak binding (upper-case nm types, and
# u/i), absolute ones (version node names) aside. Local entries that the linker leaves in
# .dynsym (lower-case d, b, t...) cannot be bound from outside and do not count.
nm -D --defined-only "$lib" >"$tmp/nm" || { echo "check-symbols: nm failed on $lib" >&2; exit 2; }
awk 'NF >= 3 && $2 ~ /^[BCDGIRSTVWiu]$/ { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" |
    sort -u >"$tmp/exported"

if [ ! -s "$tmp/declared" ]; then
    echo "check-symbols: no N3OBS_API declarations found in ${headers[*]}" >&2
    exit 2
fi

status=0
extra=$(comm -13 "$tmp/declared" "$tmp/exported")
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
if [ -n "$extra" ]; then
    echo "exported by $lib but not declared in ${headers[*]}:"
    sed 's/^/  /' <<<"$extra"
    status=1
fi
if [ -n "$missing" ]; then
    echo "declared in ${headers[*]} but not exported by $lib:"
    sed 's/^/  /' <<<"$missing"
    status=1
fi
if [ $status -eq 0 ]; then
    echo "check-symbols: $(wc -l <"$tmp/declared") declared functions, all exported; nothing else exported"
fi
exit $status
