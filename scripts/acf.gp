# acf.gp: autocorrelation of one point's raw deltas at lags 1..100, each
# repetition separately: mean line, min-max band, white-noise 95% bounds.
set title sprintf("Autocorrelation of raw deltas, %s\nline: mean over %d repetitions; band: min to max;\ndashed: 95%% bounds for white noise (n = %d per repetition)", point_title, nrep, n_per_rep) font ',13'
set xlabel 'lag (operations)'
set ylabel 'autocorrelation'
set xrange [0:maxlag + 1]
set key outside right top
set rmargin 24
set style fill transparent solid 0.25 noborder
plot dat using 1:3:4 with filledcurves lt 1 title 'min to max over repetitions', \
     dat using 1:2 with lines lt 1 title 'mean', \
     white95 with lines dt 2 lw 1 lc rgb '#808080' title '+/- 1.96/sqrt(n)', \
     -white95 with lines dt 2 lw 1 lc rgb '#808080' notitle, \
     0 with lines lw 1 lc rgb '#404040' notitle
