# style.gp: the terminal, fonts, grid and machine/date stamp every figure
# shares. Expects term ('png' or 'svg'), out (the file) and stamp (common.gp).
reset
if (term eq 'svg') {
  set terminal svg size 1000,620 dynamic font 'Sans,12' background rgb 'white'
} else {
  set terminal pngcairo size 1000,620 font 'Sans,11' background rgb 'white'
}
set termoption noenhanced
set output out
set datafile missing '?'
set grid xtics ytics lc rgb '#e0e0e0' lw 1 dt 1
set border 3 lc rgb '#404040'
set tics nomirror out
set key noenhanced
set bmargin 6
# Colour-blind-safe palette (Okabe-Ito), one line type per series.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.0
set linetype 2 lc rgb '#D55E00' lw 2 pt 5 ps 1.0
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.1
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.1
set linetype 5 lc rgb '#E69F00' lw 2 pt 13 ps 1.1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 3 ps 1.0
set linetype 7 lc rgb '#000000' lw 2 pt 1 ps 1.0
set linetype 8 lc rgb '#F0E442' lw 2 pt 2 ps 1.0
set linetype 9 lc rgb '#999999' lw 2 pt 4 ps 1.0
set linetype 10 lc rgb '#8B4513' lw 2 pt 6 ps 1.0
set linetype cycle 10
# Every figure names the machine and the run's date.
set label 100 stamp at screen 0.01, 0.02 left font ',9' tc rgb '#505050' noenhanced
