#!/bin/sh
# iid_vs_reference.sh: wall time, CPU time and peak memory of mebench's IID
# track (`mebench assess --iid`) against NIST's ea_iid, and of its restart
# analysis (`mebench restart --matrix`) against NIST's ea_restart, on the
# same seeded files, with their results side by side.
#
# Usage: tests/bench/iid_vs_reference.sh [MEBENCH]
#   MEBENCH     default build/mebench
#   EA_IID      NIST's ea_iid (default: ea_iid on PATH); empty skips it
#   EA_RESTART  NIST's ea_restart (default: ea_restart on PATH); empty skips it
#   CASES       which cases, default "u8 restart markov" (u8: 1,000,000
#               uniform bytes; restart: a 1000 x 1000 4-bit matrix; markov:
#               100,000 bits of a Markov chain, on which 14 of the 19
#               statistics, the compression one among them, never settle,
#               so both tools make all 10,000 permutations: slow)
# Both tools use every core. Load on a shared machine inflates wall times;
# CPU time is printed beside them. The permutation counts differ run to run
# (ea_iid seeds itself randomly; mebench is given --seed 1), and so does the
# work: the compression statistic (a bzip2 length) dominates every
# permutation, and is computed until its counters settle. So each tool's
# CPU time is also given per compression computation (C0 + C1 + C2 of its
# compression row: ea_iid prints the counters at -v -v -v), which is the
# figure to compare; it includes each tool's fixed costs (chi-square, LRS,
# MCV, the unpermuted statistics), spread over the permutations.
# Needs GNU time (/usr/bin/time) and python3.
set -eu
cd "$(dirname "$0")/../.."
mebench=${1:-build/mebench}
ea_iid=${EA_IID-$(command -v ea_iid || true)}
ea_restart=${EA_RESTART-$(command -v ea_restart || true)}
cases=${CASES:-u8 restart markov}
[ -x /usr/bin/time ] || { echo "iid_vs_reference.sh: GNU time is missing" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

field() { sed -n "s/^[[:space:]]*$2: //p" "$1"; }
seconds() { echo "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
# run LABEL RESULT_SED OUT -- COMMAND...: time one command, print a row.
run() {
  label=$1 pat=$2 out=$3
  shift 4
  /usr/bin/time -v "$@" >"$out" 2>"$dir/t" || true
  w=$(seconds "$(field "$dir/t" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
  c=$(awk -v u="$(field "$dir/t" 'User time (seconds)')" -v s="$(field "$dir/t" 'System time (seconds)')" 'BEGIN { print u + s }')
  m=$(field "$dir/t" 'Maximum resident set size (kbytes)')
  r=$(sed -n "$pat" "$out" | head -n 1)
  printf '%-28s %9.2f %9.2f %9.1f  %s\n' "$label" "$w" "$c" "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" "$r"
  cpu=$c
}
# per_perm LABEL OUT AWK_PROGRAM: CPU time of the last run per compression
# computation (the awk program prints C0 + C1 + C2 of the compression row).
per_perm() {
  k=$(awk "$3" "$2" | head -n 1)
  if [ -n "$k" ] && [ "$k" -gt 0 ]; then
    pp=$(awk -v c="$cpu" -v k="$k" 'BEGIN { printf "%.1f", c * 1000 / k }')
    printf '    %s: %s compression computations, %s ms CPU each\n' "$1" "$k" "$pp"
    eval "pp_$1=\$pp"
  fi
}
mb_count='$2 == "compression" && NF >= 7 { print $4 + $5 + $6 }'
ea_count='$1 == "compression" && NF == 4 { print $2 + $3 + $4 }'
ratio() {
  if [ -n "${pp_mebench:-}" ] && [ -n "${pp_ea_iid:-}" ]; then
    awk -v a="$pp_ea_iid" -v b="$pp_mebench" 'BEGIN { printf "    ea_iid / mebench per compression computation: %.1fx\n", a / b }'
  fi
  pp_mebench= pp_ea_iid=
}

echo "load average: $(cat /proc/loadavg 2>/dev/null || uptime)"
printf '%-28s %9s %9s %9s  %s\n' case "wall s" "CPU s" "peak MB" result
for c in $cases; do
  case $c in
  u8)
    python3 -c "import random,sys; sys.stdout.buffer.write(random.Random(20261202).randbytes(1000000))" >"$dir/u8.bin"
    run "u8 1e6 mebench --iid" 's/^H_assessed: *\(.*\)/h \1/p' "$dir/m.out" -- "$mebench" assess --iid --seed 1 "$dir/u8.bin"
    grep -E '^(IID|Permutation tests)' "$dir/m.out" | sed 's/^/    /'
    per_perm mebench "$dir/m.out" "$mb_count"
    if [ -n "$ea_iid" ]; then
      run "u8 1e6 ea_iid" 's/^\(IID permutation tests: .*\)/\1/p' "$dir/r.out" -- "$ea_iid" -v -v -v "$dir/u8.bin" 8
      per_perm ea_iid "$dir/r.out" "$ea_count"
      ratio
    fi
    ;;
  restart)
    python3 -c "
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(min(15, int(r.expovariate(0.25))) for _ in range(1000000)))" >"$dir/rm.bin"
    run "restart mebench" 's/.*restart tests \(.*\)/\1/p' "$dir/m.out" -- "$mebench" restart --matrix "$dir/rm.bin" --bits 4 --h-initial 2
    [ -z "$ea_restart" ] || run "restart ea_restart" 's/^\(min(H_r, H_c, H_I).*\)/\1/p' "$dir/r.out" -- "$ea_restart" -v "$dir/rm.bin" 4 2
    ;;
  markov)
    python3 -c "
import random, sys
r = random.Random(5); b = 0; out = bytearray()
for _ in range(100000):
    if r.random() < 0.3: b ^= 1
    out.append(b)
sys.stdout.buffer.write(bytes(out))" >"$dir/mk.bin"
    run "markov 1e5 mebench --iid" 's/^IID: *\(.*\)/iid \1/p' "$dir/m.out" -- "$mebench" assess --iid --seed 1 "$dir/mk.bin"
    grep -E '^Permutation tests' "$dir/m.out" | sed 's/^/    /'
    per_perm mebench "$dir/m.out" "$mb_count"
    if [ -n "$ea_iid" ]; then
      run "markov 1e5 ea_iid" 's/^\(IID permutation tests: .*\)/\1/p' "$dir/r.out" -- "$ea_iid" -v -v -v "$dir/mk.bin" 1
      per_perm ea_iid "$dir/r.out" "$ea_count"
      ratio
    fi
    ;;
  *) echo "iid_vs_reference.sh: unknown case $c" >&2; exit 2 ;;
  esac
done
echo "load average: $(cat /proc/loadavg 2>/dev/null || uptime)"
