# optime.gp: time of one timed operation against a swept parameter: the
# median delta (median over repetitions) and the 1st-99th percentile band.
load scriptdir.'/axis.gp'
set title sprintf("Operation time against %s\nline: median delta; band: 1st to 99th percentile (medians over %d repetitions)", axis, repetitions) font ',13'
set ylabel 'time per timed operation (ns)'
set yrange [0:*]
# A corner holds a few series; more would cover the data: the key goes outside.
if (nser > 4) { set key outside right top vertical } else { set key top left }
set style fill transparent solid 0.18 noborder
if (categorical) {
  plot for [i=1:nser] dat index (i-1) using 1:8:9:10 with yerrorbars lt i title ser[i].' (median, p01-p99)'
} else {
  plot for [i=1:nser] dat index (i-1) using 1:9:10 with filledcurves lt i notitle, \
       for [i=1:nser] dat index (i-1) using 1:8 with linespoints lt i title ser[i].' (median)', \
       NaN with filledcurves fc rgb '#707070' title 'band: 1st to 99th percentile'
}
