# hcond.gp: assessed min-entropy of every call against the recorded
# condition that explains most of its variance (hcond.gp's cond; the waited
# share when none explains any), one colour and marker per point.
set title sprintf("Min-entropy of each call against its %s\n%s", cond, cond_note) font ',12'
set xlabel cond
set ylabel 'min-entropy of the extracted bytes (bits per byte)'
set yrange [0:8.4]
set ytics 0, 1, 8
# a constant condition (all calls alike) still gets a readable range
if (xhi > xlo) {
  set xrange [xlo - 0.04 * (xhi - xlo) : xhi + 0.04 * (xhi - xlo)]
} else {
  set xrange [xlo - 0.5 : xlo + 0.5]
}
set key outside right top vertical font ',9'
set rmargin 24
plot for [i=1:nblocks] dat index (i-1) using 1:2 with points lt i pt (i <= 10 ? 7 : 5) ps 1.1 title ptitle[i]
