#!/bin/sh
# assess_vs_reference.sh: wall time and peak memory of `mebench assess` and of
# NIST's ea_non_iid on the same seeded uniform 8-bit files (1,000,000 and
# 100,000 samples), side by side, with their assessed values.
#
# Usage: tests/bench/assess_vs_reference.sh [MEBENCH [EA_NON_IID]]
#   MEBENCH     default build/mebench
#   EA_NON_IID  default $EA_NON_IID, else ea_non_iid on PATH
# Load on a shared machine inflates wall times; CPU time (user + system) is
# printed beside them.
# Needs GNU time (/usr/bin/time; Debian package "time") and python3.
set -eu
cd "$(dirname "$0")/../.."
mebench=${1:-build/mebench}
tool=${2:-${EA_NON_IID:-$(command -v ea_non_iid || true)}}
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  echo "assess_vs_reference.sh: ea_non_iid not found: pass its path or set EA_NON_IID" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "assess_vs_reference.sh: GNU time is missing (apt-get install time)" >&2
  exit 2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

# field FILE LABEL: the value of a `/usr/bin/time -v` line.
field() { sed -n "s/^[[:space:]]*$2: //p" "$1"; }
# seconds "h:mm:ss.ss" or "m:ss.ss" -> seconds
seconds() { echo "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
# kilobytes -> megabytes
mbytes() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

printf '%-10s %-10s %10s %10s %12s %14s\n' samples tool "wall s" "CPU s" "peak MB" "H_assessed"
for n in 1000000 100000; do
  python3 -c "import random,sys; sys.stdout.buffer.write(random.Random(20261121).randbytes($n))" \
    >"$dir/u$n.bin"
  /usr/bin/time -v "$mebench" assess "$dir/u$n.bin" >"$dir/m.out" 2>"$dir/m.time"
  /usr/bin/time -v "$tool" -v -v "$dir/u$n.bin" >"$dir/r.out" 2>"$dir/r.time"
  mw=$(seconds "$(field "$dir/m.time" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
  rw=$(seconds "$(field "$dir/r.time" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
  mc=$(awk -v u="$(field "$dir/m.time" 'User time (seconds)')" -v s="$(field "$dir/m.time" 'System time (seconds)')" 'BEGIN { print u + s }')
  rc=$(awk -v u="$(field "$dir/r.time" 'User time (seconds)')" -v s="$(field "$dir/r.time" 'System time (seconds)')" 'BEGIN { print u + s }')
  mm=$(field "$dir/m.time" 'Maximum resident set size (kbytes)')
  rm_=$(field "$dir/r.time" 'Maximum resident set size (kbytes)')
  mh=$(sed -n 's/^H_assessed: *\([0-9.]*\).*/\1/p' "$dir/m.out")
  rh=$(sed -n 's/^Assessed min entropy: //p' "$dir/r.out")
  printf '%-10s %-10s %10.2f %10.2f %12.1f %14.6f\n' "$n" mebench "$mw" "$mc" "$(mbytes "$mm")" "$mh"
  printf '%-10s %-10s %10.2f %10.2f %12.1f %14.6f\n' "$n" ea_non_iid "$rw" "$rc" "$(mbytes "$rm_")" "$rh"
  awk -v mw="$mw" -v rw="$rw" -v mc="$mc" -v rc="$rc" -v mm="$mm" -v rm="$rm_" 'BEGIN {
    printf "%-10s %-10s %9.1fx %9.1fx %11.2fx   (speed-ups; memory mebench/reference)\n",
      "", "ratio", (mw > 0 ? rw / mw : 0), (mc > 0 ? rc / mc : 0), (rm > 0 ? mm / rm : 0) }'
done
