# axis.gp: the x axis of a figure against a swept parameter (axis-*.gp sets
# xlabel, logx, categorical, ncat and xticks: for categories, their names
# at their ranks). Loaded by entropy.gp,
# optime.gp and rate.gp. Categories (modes) are drawn as points with bars:
# a line between them would suggest values in between.
set xlabel xlabel
if (exists('xticks')) { eval('set xtics ('.xticks.')') }
if (logx > 0) {
  set logscale x logx
  set format x '%.0f'
}
# xs(x, i): series i's points nudged sideways so that error bars of series
# sharing an x value stay apart (2% of the axis per series).
slot_(i) = i - (nser + 1) / 2.0
if (categorical) {
  xs(x, i) = x + slot_(i) * 0.06
} else {
  if (logx > 0) {
    xs(x, i) = x * (xhi > xlo ? (1.0 * xhi / xlo) ** (slot_(i) * 0.02) : 1)
  } else {
    xs(x, i) = x + slot_(i) * 0.02 * (xhi > xlo ? xhi - xlo : 1)
  }
}
if (categorical) {
  set xrange [-0.5:ncat - 0.5]
  set offsets 0, 0, graph 0.12, 0
} else {
  # room at the sides for the end points and at the top for the key
  set offsets graph 0.05, graph 0.05, graph 0.12, 0
}
