#!/bin/sh
# check-format.sh: every C file in the tree is formatted as .clang-format
# says. Skips (77) when clang-format is absent, or of another major version
# than the one the tree is kept with (versions format differently).
# Usage: check-format.sh SOURCE_DIR
set -u
src="${1:?usage: check-format.sh SOURCE_DIR}"
want=14
cf=""
for c in clang-format clang-format-$want; do
  command -v "$c" >/dev/null 2>&1 && cf="$c" && break
done
[ -n "$cf" ] || { echo "SKIP: clang-format is not installed"; exit 77; }
major=$("$cf" --version | sed -n 's/.*version \([0-9][0-9]*\).*/\1/p')
[ "$major" = "$want" ] ||
  { echo "SKIP: $cf is version $major; the tree is kept with clang-format $want"; exit 77; }
cd "$src" || exit 1
bad=0
total=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find harness sources tests -name '*.[ch]'); do
  total=$((total + 1))
  if ! "$cf" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: $cf -i $f)"
    bad=$((bad + 1))
  fi
done
echo "$((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
