# Jepsen histories in every shape (tests/data/lincheck/shapes/EXPECT: a
# vector, a list, bare maps spread over lines, comments and #_, tagged
# values, sets, error values, log lines with any whitespace) get their
# verdict; before the EDN reader was a real one, all but the log were
# refused. A history file that is not a regular file is read too.
. "$ROOT/tests/sh/lib.sh"
D=$ROOT/tests/data/lincheck/shapes
n=0
while read -r file model want ops; do
  case "$file" in ''|'#'*) continue;; esac
  expect_exit "$want" fs lincheck --model "$model" "$D/$file"
  contains "$OUT" "($ops operations" "$file"
  n=$((n + 1))
done < "$D/EXPECT"
[ "$n" -ge 8 ] || fail "only $n shapes listed"
[ "$(ls "$D" | grep -vc '^EXPECT$')" = "$n" ] || fail "a file in $D is not listed in EXPECT"
# The same history through a pipe (not mapped: read with a bound).
expect_exit 1 fs lincheck --model cas-register <(cat "$D/list_bad.edn")
contains "$OUT" "not linearizable (4 operations"
# Only comments and blanks, a page of spaces exactly (mapped, no NUL after
# it): an empty history.
printf '; nothing recorded\n\n' > c.edn
expect_exit 0 fs lincheck --model register c.edn
contains "$OUT" "linearizable (0 operations"
head -c 4096 /dev/zero | tr '\0' ' ' > blank.edn
expect_exit 0 fs lincheck --model register blank.edn
