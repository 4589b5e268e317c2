# `faultsim ring` (issue 10, point 8): a weight outside 1e-6..1e12 is bad
# input (1e308 once became 10^8 virtual nodes: 151 s and 4.3 GB for one
# key), a continuum is at most 10^7 points, and empty key lines are placed
# like any other key (the bounded path passed NULL to memcpy: the SAN build
# of this test catches that).
. "$ROOT/tests/sh/lib.sh"
F=$FAULTSIM
for w in 1e308 1e13 0 -1 nan inf 1e-7 x ""; do
  for algo in vnodes bounded ketama rendezvous; do
    expect_exit 2 timeout 10 sh -c 'echo k | "$1" ring --algo "$2" --server a --server "b=$3"' sh "$F" "$algo" "$w"
    contains "$ERR" "faultsim ring: --server b=$w: weight must be a number from 1e-06 to 1e+12"
    [ -z "$OUT" ] || fail "output for a bad weight: $OUT"
  done
done
for w in 1e12 1e-6 0.5 3; do
  expect_exit 0 timeout 10 sh -c 'echo k | "$1" ring --algo vnodes --server a --server "b=$2"' sh "$F" "$w"
done
expect_exit 2 timeout 20 sh -c 'echo k | "$1" ring --algo vnodes --vnodes 10000000 --server a --server b' sh "$F"
contains "$ERR" "20000000 virtual nodes is too many (at most 10000000"
# Empty keys, alone and among others, in every algorithm.
for algo in ketama vnodes jump rendezvous bounded modulo; do
  expect_exit 0 sh -c 'printf "\n\n" | "$1" ring --algo "$2" --server a --server b' sh "$F" "$algo"
  [ "$(printf '%s\n' "$OUT" | grep -c "^	[ab]$")" = 2 ] || fail "$algo: empty keys gave: $OUT"
  expect_exit 0 sh -c 'printf "x\n\ny\n" | "$1" ring --algo "$2" --server a --server b --stats' sh "$F" "$algo"
  contains "$OUT" "keys	3"
done
# A huge epsilon caps capacities at the number of keys instead of overflowing.
expect_exit 0 sh -c 'seq 10 | "$1" ring --algo bounded --epsilon 1e308 --server a --server b --stats' sh "$F"
contains "$OUT" "keys	10"
