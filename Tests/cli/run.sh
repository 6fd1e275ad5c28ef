#!/usr/bin/env bash
# Tests of n3obsctl as a user runs it. Uses the plugins Tests/C/test_plugins.c builds
# (run.sh runs that first). Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
ctl=.build/release/n3obsctl
plugins=.build/ctests/plugins
passed=0
failed=0

expect() { # expect DESCRIPTION EXIT_STATUS TEXT_IN_OUTPUT -- COMMAND...
    local desc=$1 want=$2 text=$3
    shift 4
    local out status
    out=$("$@" 2>&1)
    status=$?
    if [ "$status" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
        echo "ok - $desc"
        passed=$((passed + 1))
    else
        echo "not ok - $desc (exit $status, wanted $want and '$text')"
        sed 's/^/#   /' <<<"$out"
        failed=$((failed + 1))
    fi
}

expect "version" 0 "abi" -- "$ctl" version
expect "a good plugin: its name and capabilities" 0 "capabilities: spans, metrics, health" -- \
    "$ctl" plugin check "$plugins/libn3obs_counting.so" --config '{"path":"/dev/null"}'
expect "by name through N3OBS_PLUGIN_PATH" 0 "name:         counting" -- \
    env N3OBS_PLUGIN_PATH="$plugins" "$ctl" plugin check named --config '{"path":"/dev/null"}'
expect "not found: exit 3" 3 "no libn3obs_nothing.so" -- "$ctl" plugin check nothing
expect "not a shared object: exit 4" 4 "not a shared object" -- "$ctl" plugin check "$plugins/libn3obs_text.so"
expect "no entry point: exit 5" 5 "exports neither" -- "$ctl" plugin check "$plugins/libn3obs_noentry.so"
expect "ABI too new: exit 6" 6 "newer than" -- \
    "$ctl" plugin check "$plugins/libn3obs_newabi.so" --config '{"path":"/dev/null"}'
expect "refused, with the plugin's reason: exit 7" 7 "no api_key in the configuration" -- \
    "$ctl" plugin check "$plugins/libn3obs_refuse.so"
expect "table too small: exit 8" 8 "needs" -- \
    "$ctl" plugin check "$plugins/libn3obs_smalltable.so" --config '{"path":"/dev/null"}'
expect "writable by others: exit 9" 9 "N3OBS_PLUGIN_ALLOW_INSECURE" -- \
    "$ctl" plugin check "$plugins/libn3obs_unsafe.so" --config '{"path":"/dev/null"}'
expect "usage: exit 2" 2 "usage" -- "$ctl" plugin check

# Every command and group answers --help and -h with its usage, and exit 0.
for command in "" version plugin "plugin check" help; do
    for flag in --help -h; do
        # shellcheck disable=SC2086 # the command's words are meant to split
        expect "n3obsctl${command:+ $command} $flag" 0 "usage: n3obsctl ${command:-COMMAND}" -- "$ctl" $command $flag
    done
done
expect "help COMMAND: that command's help" 0 "usage: n3obsctl plugin check PATH|NAME" -- "$ctl" help plugin check
top=$("$ctl" --help)
for synopsis in "version" "plugin check PATH|NAME" "help [COMMAND...]"; do
    expect "the top-level help lists '$synopsis'" 0 "  $synopsis" -- printf '%s\n' "$top"
done
expect "no command: the help, exit 2" 2 "commands:" -- "$ctl"
expect "a group without its subcommand: its help, exit 2" 2 "plugin check PATH|NAME" -- "$ctl" plugin
expect "unknown command: exit 2" 2 "unknown command 'frobnicate'" -- "$ctl" frobnicate
expect "unknown subcommand: exit 2" 2 "unknown command 'plugin frobnicate'" -- "$ctl" plugin frobnicate
expect "extra argument: exit 2" 2 "takes no arguments" -- "$ctl" version extra
expect "unknown option: exit 2" 2 "unknown option '--frobnicate'" -- \
    "$ctl" plugin check "$plugins/libn3obs_counting.so" --frobnicate
expect "--config without a value: exit 2" 2 "--config needs" -- \
    "$ctl" plugin check "$plugins/libn3obs_counting.so" --config

# The exit statuses: every code a test above produced is in the help, and the README's list
# is exactly the one the help prints.
statuses=$(sed -n '/^exit status:/,$p' <<<"$top")
for code in 0 1 2 3 4 5 6 7 8 9; do
    expect "exit status $code is documented in --help" 0 "  $code  " -- printf '%s\n' "$statuses"
done
expect "README.md lists the exit statuses as --help prints them" 0 "" -- \
    bash -c '[[ $(cat README.md) == *"$1"* ]]' _ "$statuses"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
