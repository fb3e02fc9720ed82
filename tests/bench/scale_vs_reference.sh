#!/bin/sh
# scale_vs_reference.sh: how `mebench assess` scales with the number of
# samples, and how it compares with NIST's ea_non_iid (SP800-90B
# EntropyAssessment 1.1.7) when that tool is installed: wall time, CPU time
# and peak memory of both on the same generated files (uniform bytes and
# timing-like deltas, see gen_samples.c), the two tools run in alternating
# pairs so that both see the same machine load, and mebench's time per
# sample at each size.
#
# Usage: tests/bench/scale_vs_reference.sh [EA_NON_IID]
#   EA_NON_IID   path of ea_non_iid (default $EA_NON_IID, else ea_non_iid on
#                PATH; without it only mebench is measured)
# Environment (all optional):
#   SIZES    sample counts (default "100000 1000000 4000000 16000000")
#   KINDS    gen_samples kinds (default "uniform timing"; also periodic, runs)
#   PAIRS    alternating runs of each tool per file (default 1)
#   REF_MAX  largest size the reference tool runs at (default 4000000: at
#            16,000,000 samples it takes many minutes; set 16000000 for it)
#   THREADS  mebench --threads (default 2)
#   MEBENCH  default build/mebench; GEN  default build/tests/bench/gen_samples
#   KEEP     a directory to keep the generated files in (default: temporary)
# Needs GNU time (/usr/bin/time; Debian package "time"). On a shared machine
# load inflates wall times: the load average is printed with every row, and
# the ratio of a pair (both tools under about the same load) is steadier than
# either time.
set -eu
cd "$(dirname "$0")/../.."
mebench=${MEBENCH:-build/mebench}
gen=${GEN:-build/tests/bench/gen_samples}
tool=${1:-${EA_NON_IID:-$(command -v ea_non_iid || true)}}
sizes=${SIZES:-100000 1000000 4000000 16000000}
kinds=${KINDS:-uniform timing}
pairs=${PAIRS:-1}
ref_max=${REF_MAX:-4000000}
threads=${THREADS:-2}
if [ ! -x "$mebench" ] || [ ! -x "$gen" ]; then
  echo "scale_vs_reference.sh: build first (scripts/build build): $mebench, $gen" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "scale_vs_reference.sh: GNU time is missing (apt-get install time)" >&2
  exit 2
fi
if [ -n "$tool" ] && [ ! -x "$tool" ]; then
  echo "scale_vs_reference.sh: $tool is not executable" >&2
  exit 2
fi
if [ -z "$tool" ]; then
  echo "# ea_non_iid not found (pass its path or set EA_NON_IID): mebench only"
fi
if [ -n "${KEEP:-}" ]; then
  dir=$KEEP
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT INT TERM
fi

# measure OUT CMD...: run CMD, print "wall cpu peak_MB" (GNU time).
measure() {
  out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" >"$out" 2>"$dir/err" || {
    echo "scale_vs_reference.sh: failed: $*" >&2
    cat "$dir/err" >&2
    exit 1
  }
  awk '{ printf "%.2f %.2f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$dir/time"
}
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "? ? ?"; }

printf '%-8s %9s %-10s %9s %9s %9s %12s %10s   %s\n' kind samples tool "wall s" "CPU s" \
  "peak MB" "us/sample" "H_assessed" "load average (1, 5, 15 min)"
summary=""
for kind in $kinds; do
  for n in $sizes; do
    f="$dir/$kind-$n.bin"
    [ -s "$f" ] || "$gen" "$kind" "$n" "$f"
    p=1
    while [ "$p" -le "$pairs" ]; do
      set -- $(measure "$dir/m.out" "$mebench" assess --threads "$threads" "$f")
      mw=$1 mc=$2 mm=$3
      mh=$(sed -n 's/^H_assessed: *\([0-9.]*\).*/\1/p' "$dir/m.out")
      us=$(awk -v w="$mw" -v n="$n" 'BEGIN { printf "%.3f", w * 1e6 / n }')
      printf '%-8s %9s %-10s %9s %9s %9s %12s %10s   %s\n' "$kind" "$n" mebench "$mw" "$mc" \
        "$mm" "$us" "$mh" "$(load)"
      summary="$summary$kind $n $mw $mc $mm
"
      if [ -n "$tool" ] && [ "$n" -le "$ref_max" ]; then
        set -- $(measure "$dir/r.out" "$tool" -i -a "$f" 8)
        rw=$1 rc=$2 rm_=$3
        rh=$(sed -n -e 's/^Assessed min entropy: //p' \
          -e 's/^min(H_original, [0-9]* X H_bitstring): //p' "$dir/r.out")
        printf '%-8s %9s %-10s %9s %9s %9s %12s %10s   %s\n' "$kind" "$n" ea_non_iid "$rw" \
          "$rc" "$rm_" "" "$rh" "$(load)"
        awk -v mw="$mw" -v rw="$rw" -v mc="$mc" -v rc="$rc" -v mm="$mm" -v rm="$rm_" 'BEGIN {
          printf "%-8s %9s %-10s %8.1fx %8.1fx %8.3fx   (reference/mebench time; mebench/reference memory)\n",
            "", "", "ratio", (mw > 0 ? rw / mw : 0), (mc > 0 ? rc / mc : 0), (rm > 0 ? mm / rm : 0) }'
      fi
      p=$((p + 1))
    done
  done
done

# Time per sample at each size against the one at 1,000,000 samples (the
# best of the pairs), per kind.
echo
echo "mebench time per sample (best of $pairs), relative to 1,000,000 samples:"
printf '%s' "$summary" | awk '
  { k = $1 " " $2; if (!(k in w) || $3 < w[k]) { w[k] = $3; c[k] = $4 }; if (!($2 in seen)) { seen[$2] = 1; ns[++nn] = $2 }; if (!($1 in kseen)) { kseen[$1] = 1; ks[++nk] = $1 } }
  END {
    for (i = 1; i <= nk; i++) for (j = 1; j <= nn; j++) {
      k = ks[i] " " ns[j]; if (!(k in w)) continue
      base = ks[i] " 1000000"
      rel = (base in w && w[base] > 0) ? sprintf("%.2fx wall, %.2fx CPU", (w[k] / ns[j]) / (w[base] / 1000000), (c[k] / ns[j]) / (c[base] / 1000000)) : "-"
      printf "  %-8s %9s  %.3f us wall, %.3f us CPU per sample   %s\n", ks[i], ns[j], w[k] * 1e6 / ns[j], c[k] * 1e6 / ns[j], rel
    }
  }'
