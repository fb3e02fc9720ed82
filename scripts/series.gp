# series.gp: raw deltas of one point in the order they were timed, each
# repetition in its own colour; timed-out or failed operations marked.
set title sprintf("Raw deltas over time, %s\n%d of %d operations shown; %d above the 99.9th percentile (at the top edge);\n%d timed out or failed", point_title, shown, n_total, n_above, n_status) font ',12'
set xlabel 'operation (in timing order, repetitions one after another)'
set ylabel sprintf('raw delta t1 - t0 (ns; %s)', clock)
set yrange [ymin_ns - (ymax_ns - ymin_ns) * 0.03 : ymax_ns + (ymax_ns - ymin_ns) * 0.06 + 1e-9]
set xrange [0:*]
set key outside right top
set rmargin 20
plot for [i=1:nblocks] dat index (i-1) using 1:($2 <= ymax_ns ? $2 : NaN) with points pt 7 ps 0.3 lt i title sprintf('repetition %d', rep_of[i]), \
     dat using 1:($2 > ymax_ns ? ymax_ns + (ymax_ns - ymin_ns) * 0.03 : NaN) with points pt 9 ps 1.0 lc rgb '#555555' title 'above range', \
     dat using 1:($3 != 0 ? ymax_ns + (ymax_ns - ymin_ns) * 0.03 : NaN) with points pt 8 ps 1.6 lw 2 lc rgb '#D00000' title 'timed out / failed'
