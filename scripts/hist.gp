# hist.gp: histogram of the raw deltas of one point (all repetitions), log
# counts, up to the 99.9th percentile.
set title sprintf("Histogram of raw deltas, %s\n%d deltas from %d call%s; bins of %g ns%s", point_title, n_total, n_calls, n_calls == 1 ? '' : 's', binw_ns, n_above > 0 ? sprintf('; %d above the 99th percentile not shown', n_above) : '') font ',13'
set xlabel sprintf('raw delta t1 - t0 (ns; %s)', clock)
set ylabel 'count (log scale)'
set logscale y 10
set yrange [0.8:*]
set style fill solid 0.85 noborder
set boxwidth binw_ns absolute
set key off
if (!empty) { set xrange [xmin_ns:xmax_ns] }
if (empty) {
  set label 1 'no deltas recorded' at graph 0.5, 0.5 center
  set xrange [0:1]
  plot NaN notitle
} else {
  plot dat using 1:2 with boxes lt 1
}
