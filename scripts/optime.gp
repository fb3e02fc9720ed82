# optime.gp: time of one timed operation against a swept parameter: per
# series, the median over repetitions of each call's median delta, with bars
# from the lowest to the highest call (the spread over repetitions), and a
# light band from the 1st to the 99th percentile of the deltas. Series are
# nudged sideways (xs, axis.gp) so their bars do not overlap.
load scriptdir.'/axis.gp'
set title sprintf("Operation time against %s\npoints: median over %d repetitions of each call's median delta\nbars: the lowest to the highest call (spread over repetitions)%s", axis, repetitions, categorical ? '' : '; band: 1st-99th percentile of the deltas') font ',12'
set ylabel 'time per timed operation (ns)'
set yrange [0:*]
# A corner holds a few series; more would cover the data: the key goes outside.
if (nser > 4) { set key outside right top vertical } else { set key top left }
set style fill transparent solid 0.12 noborder
if (categorical) {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):8:18:19 with yerrorbars lt i title ser[i].' (median, min-max of calls)'
} else {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):9:10 with filledcurves lt i notitle, \
       for [i=1:nser] dat index (i-1) using (xs($1, i)):8:18:19 with yerrorlines lt i title ser[i].' (median, min-max of calls)', \
       NaN with filledcurves fc rgb '#707070' title 'band: 1st to 99th percentile'
}
