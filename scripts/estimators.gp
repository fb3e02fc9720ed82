# estimators.gp: each SP 800-90B estimator's estimate at each point (median
# over repetitions), the assessed value, and a ring on the estimator that
# binds (the lowest). estimators.dat: point, assessed, binding column, one
# column per estimator that ran, label (column labcol).
set title "Min-entropy estimate of each SP 800-90B estimator per point (extracted bytes), median over repetitions\nassessed: median of each call's lowest estimate (bar: lowest to highest call), so it can sit below every median\nring: the binding estimator, the lowest in the most calls" font ',11'
set ylabel 'min-entropy (bits per byte)'
set xlabel xlabel
set yrange [0:8.4]
set ytics 0, 1, 8
set xrange [-0.5:npoints - 0.5]
set key outside right top
set rmargin 18
# Markers of one point spread sideways so they do not hide each other.
dx(e) = (e - (nest + 1) / 2.0) * 0.3 / (nest > 0 ? nest : 1)
# Many points: labels turn vertical; very many: point numbers only (the
# report's tables say which point is which).
if (npoints > 40) {
  set xlabel 'point (see the report for each point''s configuration)'
  set xtics autofreq
} else {
  set xtics ()
  if (npoints > 5) {
    set xtics rotate by 90 right font ',9'
    set bmargin 14
    # gnuplot misplaces the axis label under vertical tick labels
    unset xlabel
    set label 2 xlabel at graph 0.5, screen 0.055 center
  }
}
if (nest == 0) {
  set label 3 'no estimator ran on the extracted bytes' at graph 0.5, 0.5 center
  plot NaN notitle
} else {
  if (npoints > 40) {
    plot dat using 1:2 with linespoints lt 7 lw 1 dt 2 pt 0 title 'assessed', \
         dat using 1:2:(column(labcol + 1)):(column(labcol + 2)) with yerrorbars lt 7 lw 1 pt 0 notitle, \
         for [e=1:nest] dat using ($1 + dx(e)):(column(3 + e)) with points lt e title est[e], \
         dat using ($1 + dx(column(3))):(column(3) > 0 ? column(3 + column(3)) : NaN) with points pt 6 ps 3 lw 2 lc rgb '#000000' title 'binds'
  } else {
    plot dat using 1:2:xtic(labcol) with linespoints lt 7 lw 1 dt 2 pt 0 title 'assessed', \
         dat using 1:2:(column(labcol + 1)):(column(labcol + 2)) with yerrorbars lt 7 lw 1 pt 0 title 'calls: min-max', \
         for [e=1:nest] dat using ($1 + dx(e)):(column(3 + e)) with points lt e title est[e], \
         dat using ($1 + dx(column(3))):(column(3) > 0 ? column(3 + column(3)) : NaN) with points pt 6 ps 3 lw 2 lc rgb '#000000' title 'binds'
  }
}
