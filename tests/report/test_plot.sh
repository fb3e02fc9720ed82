#!/bin/sh
# test_plot.sh: scripts/plot end to end on the fixture run: every figure of
# figures.tsv as a non-empty PNG and SVG, no gnuplot warnings; and without
# gnuplot, a clear message and exit 6.
# Usage: test_plot.sh SOURCE_DIR MEBENCH OUTDIR
set -u
src=$1
export MEBENCH=$2
out=$3
fixture=$src/tests/data/report/run
fail=0
pass=0
check() { # check DESCRIPTION COMMAND...
  what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi
}

# Without gnuplot: exit 6 and a message that says what is missing, whether
# GNUPLOT points nowhere or PATH has no gnuplot.
msg=$(GNUPLOT=/nonexistent/gnuplot sh "$src/scripts/plot" "$fixture" --out "$out/none" 2>&1)
rc=$?
check "GNUPLOT pointing nowhere exits 6 (got $rc)" [ "$rc" -eq 6 ]
check "the message names gnuplot and how to install it: $msg" \
  sh -c 'case "$1" in *"gnuplot is needed"*"install gnuplot 5"*) exit 0 ;; esac; exit 1' - "$msg"
msg=$(env -u GNUPLOT PATH=/nonexistent /bin/sh "$src/scripts/plot" "$fixture" --out "$out/none" 2>&1)
rc=$?
check "no gnuplot on PATH exits 6 (got $rc)" [ "$rc" -eq 6 ]
check "nothing was drawn without gnuplot" [ ! -e "$out/none" ]

# Usage errors.
sh "$src/scripts/plot" >/dev/null 2>&1
check "no RESULTS_DIR is a usage error" [ $? -eq 2 ]
sh "$src/scripts/plot" "$fixture" --point x >/dev/null 2>&1
check "--point x is a usage error" [ $? -eq 2 ]

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "SKIP: gnuplot is not installed; the drawing part needs it ($pass passed, $fail failed)"
  [ $fail -eq 0 ] && exit 77
  exit 1
fi

# MEBENCH naming no program: exit 1 with a message, not the shell's 127.
rm -rf "$out/nomb"
msg=$(MEBENCH=/nonexistent/mebench sh "$src/scripts/plot" "$fixture" --out "$out/nomb" 2>&1)
rc=$?
check "MEBENCH pointing nowhere exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "the message names MEBENCH: $msg" \
  sh -c 'case "$1" in *"MEBENCH"*) exit 0 ;; esac; exit 1' - "$msg"
check "nothing was made without mebench" [ ! -e "$out/nomb" ]

rm -rf "$out/plots"
mkdir -p "$out"
sh "$src/scripts/plot" "$fixture" --out "$out/plots" --point 1 >"$out/stdout" 2>"$out/stderr"
rc=$?
check "scripts/plot succeeds (got $rc)" [ "$rc" -eq 0 ]
if [ -s "$out/stderr" ]; then
  echo "gnuplot or plot wrote to stderr:" >&2
  cat "$out/stderr" >&2
fi
check "no warnings or errors on stderr" [ ! -s "$out/stderr" ]
n=0
tab=$(printf '\t')
while IFS=$tab read -r script name vars title; do
  case "$script" in '#'* | '') continue ;; esac
  n=$((n + 1))
  check "$name.png exists and is non-empty" [ -s "$out/plots/$name.png" ]
  check "$name.svg exists and is non-empty" [ -s "$out/plots/$name.svg" ]
  check "$name.png is a PNG" sh -c 'head -c 8 "$1" | od -An -c | grep -q "P   N   G"' - "$out/plots/$name.png"
  check "$name.svg is complete SVG" grep -q '</svg>' "$out/plots/$name.svg"
done <"$out/plots/data/figures.tsv"
# 3 axis figures for num_ports, estimators, hcond, 4 histograms, series, acf.
check "11 figures listed (got $n)" [ "$n" -eq 11 ]
for f in entropy-num_ports optime-num_ports rate-num_ports estimators hcond hist-p0 hist-p3 \
  series-p1 acf-p1; do
  check "$f.png drawn" [ -s "$out/plots/$f.png" ]
done
check "every figure names the machine" grep -q "vm (Intel(R) Xeon(R) Processor)" "$out/plots/entropy-num_ports.svg"
check "the summary line counts the figures" grep -q "11 figure(s)" "$out/stdout"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
