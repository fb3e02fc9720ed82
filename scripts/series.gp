# series.gp: raw deltas of one point in the order they were timed, each
# repetition in its own colour; timed-out or failed operations marked.
notes_ = (stride > 1 ? sprintf('1 in %d of %d operations (every repetition whole)', stride, n_total) : sprintf('all %d operations', n_total))
if (n_above > 0) { notes_ = notes_."\n".sprintf('%d above the 99.9th percentile (at the top edge)', n_above) }
if (n_status > 0) { notes_ = notes_.sprintf('; %d timed out or failed (red)', n_status) }
set title sprintf("Raw deltas over time, %s\n%s", point_title, notes_) font ',13'
set xlabel (nblocks > 1 ? 'operation (in timing order; repetitions one after another)' : 'operation (in timing order)')
set ylabel sprintf('raw delta t1 - t0 (ns; %s)', clock)
if (logy) {
  # heavy tail: log axis; the floor keeps a zero delta off the axis
  ylo_ = ymin_ns > 0 ? ymin_ns * 0.8 : 0.5
  ytop_ = ymax_ns * 1.3
  set logscale y 10
  set format y '%.0s%c'
  set yrange [ylo_:ymax_ns * 1.6]
  set ylabel sprintf('raw delta t1 - t0 (ns, log scale; %s)', clock)
} else {
  ytop_ = ymax_ns + (ymax_ns - ymin_ns) * 0.03
  set yrange [ymin_ns - (ymax_ns - ymin_ns) * 0.03 : ymax_ns + (ymax_ns - ymin_ns) * 0.06 + 1e-9]
}
set xrange [0:(n_total > 1 ? n_total - 1 : 1)]
set key outside right top
set rmargin 23
plot for [i=1:nblocks] dat index (i-1) using 1:($2 <= ymax_ns ? $2 : NaN) with points pt 7 ps 0.3 lt i title sprintf('repetition %d', rep_of[i]), \
     dat using 1:($2 > ymax_ns ? ytop_ : NaN) with points pt 9 ps 1.0 lc rgb '#555555' title 'above range', \
     dat using 1:(($3 == -1 || $3 > 0) ? ytop_ : NaN) with points pt 8 ps 1.6 lw 2 lc rgb '#D00000' title 'timed out / failed'
