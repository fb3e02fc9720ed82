#!/bin/sh
# run_case.sh: run one data-driven experiment case and diff its output.
# Usage: run_case.sh MEBENCH CASE_DIR WORK_DIR
#
# A case folder holds:
#   input.json  the experiment file, validated as `mebench validate ARGS input.json`
#               from inside the case folder (so messages name "input.json")
#   args        optional: the options before the file (default: --no-estimate)
#   cmd         optional: a shell snippet run instead, with $MEBENCH, $CASE and
#               $WORK (an empty scratch folder) set; it may exit 77 to skip
#   status      the expected exit code
#   expected    the exact output (stdout, then stderr)
#   filter      optional: a sed script applied to the output before the diff,
#               for the parts that vary from run to run (drawn seeds, timings)
# With MB_BLESS=1 in the environment, a missing or different `expected` is
# (re)written from the actual output instead: review the diff before committing.
set -u
MEBENCH=$1
CASE=$2
WORK=$3
export MEBENCH CASE WORK
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
out="$WORK/.output"

if [ -f "$CASE/cmd" ]; then
  (cd "$CASE" && sh "$CASE/cmd") >"$out.raw" 2>&1
  got=$?
else
  args="--no-estimate"
  [ -f "$CASE/args" ] && args=$(cat "$CASE/args")
  # shellcheck disable=SC2086
  (cd "$CASE" && "$MEBENCH" validate $args input.json) >"$out.raw" 2>&1
  got=$?
fi
if [ "$got" -eq 77 ]; then
  cat "$out.raw"
  exit 77
fi
if [ -f "$CASE/filter" ]; then
  sed -f "$CASE/filter" "$out.raw" >"$out"
else
  cp "$out.raw" "$out"
fi

if [ "${MB_BLESS:-0}" = 1 ]; then
  cp "$out" "$CASE/expected"
  [ -f "$CASE/status" ] || echo "$got" >"$CASE/status"
fi
want=$(cat "$CASE/status")
fail=0
if [ "$got" -ne "$want" ]; then
  echo "exit status: expected $want, got $got"
  fail=1
fi
if ! diff -u "$CASE/expected" "$out"; then
  echo "output differs from $CASE/expected (- expected, + actual)"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: $(basename "$CASE")"
exit $fail
