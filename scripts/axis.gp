# axis.gp: the x axis of a figure against a swept parameter (axis-*.gp sets
# xlabel, logx and categorical). Loaded by entropy.gp, optime.gp, rate.gp.
set xlabel xlabel
# Ticks at the swept values themselves, unless there are too many.
if (exists('xticks') && !categorical) { eval('set xtics ('.xticks.')') }
if (logx > 0) {
  set logscale x logx
  set format x '%.0f'
  set offsets graph 0.05, graph 0.05, 0, 0
} else {
  if (categorical) {
    set xrange [-0.5:*]
    set offsets 0, 0.5, 0, 0
  } else {
    set offsets graph 0.05, graph 0.05, 0, 0
  }
}
