#!/bin/sh
# version_commit.sh SOURCE_DIR MEBENCH: the commit mebench records in every
# run.json (and prints with --version) is the source's HEAD, not the commit
# of the last CMake configure. Skipped outside a git checkout.
head=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || exit 77
v=$("$2" --version) || exit 1
case "$v" in
  *"commit $head;"*) exit 0 ;;
  *"commit unknown;"*) exit 77 ;;
esac
echo "version_commit: '$v' but the source is at $head" >&2
exit 1
