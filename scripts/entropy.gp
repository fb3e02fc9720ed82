# entropy.gp: assessed min-entropy against a swept parameter, one line per
# series, bars from the lowest to the highest repetition. Two panels: the
# extracted bytes (bits per byte) and the raw deltas' low bits.
load scriptdir.'/axis.gp'
# Few series fit in a corner; more would cover the data (min-entropy spans the
# whole range), so they get one key, in a right margin kept free for it, and
# the two panels stay the same width.
many_keys = (nser > 4)
if (many_keys) {
  set multiplot layout 1, 2 margins 0.08, 0.79, 0.18, 0.84 spacing 0.09 title sprintf("Assessed min-entropy (SP 800-90B) against %s\nmedian over %d repetitions; bars: min to max", axis, repetitions) font ',13'
} else {
set multiplot layout 1, 2 title sprintf("Assessed min-entropy (SP 800-90B) against %s\nmedian over %d repetitions; bars: min to max", axis, repetitions) font ',13'
}
if (many_keys) { unset key } else { set key bottom right }
set title 'extracted bytes (seed extractor output)'
set ylabel 'min-entropy (bits per byte)'
set yrange [0:8.4]
set ytics 0, 1, 8
if (categorical) {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):2:3:4 with yerrorbars lt i title ser[i]
} else {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):2:3:4 with yerrorlines lt i title ser[i]
}
unset label 100
if (many_keys) { set key at screen 0.99, screen 0.84 right top vertical }
set title sprintf('raw deltas, low %d bits', raw_bits)
set ylabel sprintf('min-entropy (bits per %d-bit symbol)', raw_bits)
set yrange [0:raw_bits * 1.05]
set ytics 0, (raw_bits > 4 ? 1 : 0.5), raw_bits
if (categorical) {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):5:6:7 with yerrorbars lt i title ser[i]
} else {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):5:6:7 with yerrorlines lt i title ser[i]
}
unset multiplot
