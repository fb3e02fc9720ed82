# rate.gp: assessed entropy rate (bits/s of extracted output) against a swept
# parameter, median over repetitions with min-max bars.
load scriptdir.'/axis.gp'
set title sprintf("Entropy rate against %s\nassessed bits/byte x extracted bytes/s; median over %d repetitions, bars: min to max", axis, repetitions) font ',13'
set ylabel 'entropy rate (bits/s)'
set format y '%.1s %c'
set yrange [0:*]
# A corner holds a few series; more would cover the data: the key goes outside.
if (nser > 4) { set key outside right top vertical } else { set key top left }
if (categorical) {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):11:12:13 with yerrorbars lt i title ser[i]
} else {
  plot for [i=1:nser] dat index (i-1) using (xs($1, i)):11:12:13 with yerrorlines lt i title ser[i]
}
