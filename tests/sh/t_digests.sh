# The trace digest of every shipped scenario at seeds 1 and 2 (and the 2PC
# lab graded against its broken solution), pinned: a kernel change that
# alters any run (an event order, a random draw, a traced count) fails
# here instead of passing silently. Recorded with the binary before the
# issue 10 kernel changes, which left every digest as it was.
#
# A change that means to alter runs updates this table in the same
# commit, saying why: regenerate a line with
#   faultsim run SCENARIO --seed N [--set K=V] --json | jq -r .trace_digest
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"

cat > "$TMPDIR/pinned" <<'TABLE'
scenarios/compare_2pc.lua 1 e2ab4dbbc2318fc9401921425daf70ee
scenarios/compare_2pc.lua 2 d1c1bd6efbe080ac2bb7ee68d1766363
scenarios/compare_quorum.lua 1 cea195f1bd80f39687719075cfb265c5
scenarios/compare_quorum.lua 2 59f493a193770c77ffb219b1a7de8208
scenarios/determinism.lua 1 038852c38802afe066ad923ba0f67197
scenarios/determinism.lua 2 07b6b91421f3f40344dbce5c0bcda82b
scenarios/echo.lua 1 8278931fd1a7d9335448477f31e28310
scenarios/echo.lua 2 b803b8cdca3f6c4410db51475794f36a
scenarios/faults_timed.lua 1 cac8b6e1c611a10fa4784e971e965891
scenarios/faults_timed.lua 2 a6144565a0466664e9fdf8d1e51d17b0
scenarios/hooks.lua 1 6acb996c05aa3ea9e0ffb650873178b2
scenarios/hooks.lua 2 6acb996c05aa3ea9e0ffb650873178b2
scenarios/kv_abd.lua 1 40602f624dbbb9e6c213f35ad447640f
scenarios/kv_abd.lua 2 ca625f67305af48e4d78b2fb1e6e3a0a
scenarios/kv_availability.lua 1 77b52fca63a25fa6cdedfa330bcc5151
scenarios/kv_availability.lua 2 744ac235b07a2e7173bb96b228b8c8c5
scenarios/kv_join.lua 1 e269b8b752199a4b3b19b559c215203c
scenarios/kv_join.lua 2 ae501b9cc5aef9f1f31312fff947cab1
scenarios/kv_leave.lua 1 e4d5a5434e3f3fc8751ea49761d5f270
scenarios/kv_leave.lua 2 5bf7ae23df18f8d8f8d2636c9994302c
scenarios/kv_partition.lua 1 8ff064cf039e1fac4334ba24311b85ad
scenarios/kv_partition.lua 2 d79eaa09e2f7bfb037ae2bfaa5f3e7b0
scenarios/kv_sloppy.lua 1 8ed48a3d6138100f1cf605982717a990
scenarios/kv_sloppy.lua 2 600e6d1d6ad2a4cb999db5f043cb9f8f
scenarios/labs/2pc/grade.lua 1 5849753ce282f181c83bad8be6d59ae8
scenarios/labs/2pc/grade.lua 2 d086f1f515ffc3f4204bb8f37d908d02
scenarios/lock_gc_pause.lua 1 d5ea82049492a3c16dcb7344dd058258
scenarios/lock_gc_pause.lua 2 d84ba70e76706ff45b7bfe497f8de470
scenarios/lock_gc_pause_fenced.lua 1 6f9f02e7f7d233132c6b609ebeb1ff93
scenarios/lock_gc_pause_fenced.lua 2 9b263097bb0253bd0b91a050e3630c97
scenarios/lock_lease_renew.lua 1 f0b5ce65f98854e3537106ef37b6d395
scenarios/lock_lease_renew.lua 2 d33ed0c5bab94dc63c8492724125babd
scenarios/lock_naive_pause.lua 1 0e7d3f4031a1f973527e0f72e72369ea
scenarios/lock_naive_pause.lua 2 3d6f499b400b4aabc2d293eae40a23b1
scenarios/lock_redlock_clock_jump.lua 1 e6dcab24d1f09b380f4f7f6a229a6892
scenarios/lock_redlock_clock_jump.lua 2 99643435317cb325dfcaca2e5d0bbb9e
scenarios/lock_redlock_crashes.lua 1 caca1ed82250b1224fd7bbd8ccbaa7be
scenarios/lock_redlock_crashes.lua 2 dc98039565307a2eae33bd4d1633507e
scenarios/lock_redlock_restart.lua 1 9787fdfde939e409da320bfcfd7ef5d7
scenarios/lock_redlock_restart.lua 2 49144e479a4b19bbf9ecaf81cac2f31b
scenarios/lock_redlock_restart_delayed.lua 1 b8a50a578fac11f14a8987516bc73df1
scenarios/lock_redlock_restart_delayed.lua 2 a5b2c32286f5d5b67311538f5896d537
scenarios/nemesis.lua 1 9c3fb2477be712efb0c1537293349f18
scenarios/nemesis.lua 2 5fadc4bac24d02e93fee5f4cda4e865c
scenarios/open_loop.lua 1 6ee257d095ce9cf52ddf64bcc6b320c9
scenarios/open_loop.lua 2 9174127366eed96c6295f0f84f2b0f62
scenarios/triggers.lua 1 79b1d3d7b4937332a3581ba5b9a94258
scenarios/triggers.lua 2 ec47e908961b6f53b24630af848de561
scenarios/txn_2pc_coord_crash.lua 1 dc1a3c71b5eeb45aa634eda7ce40666d
scenarios/txn_2pc_coord_crash.lua 2 8e2e527beb8f7316ec8ff64071494d45
scenarios/txn_2pc_lost_tail.lua 1 d30e4bed09e4d4bed6c1e52da12d97b7
scenarios/txn_2pc_lost_tail.lua 2 b167d6456024e0a6f90c95f6a7d9fa29
scenarios/txn_2pc_lost_tail_unforced.lua 1 7e291f44e292f969f97a6e22620ce7e6
scenarios/txn_2pc_lost_tail_unforced.lua 2 758651922f9a9740e30eb54e249ebf7d
scenarios/txn_2pc_mixed.lua 1 da6d5d5f860a2077cd3594cb34c67683
scenarios/txn_2pc_mixed.lua 2 e8fc9065b8fcdd64ac4070f9114a96b5
scenarios/txn_2pc_nofault.lua 1 a65a19b13817d4d4388f41118bd7a8a4
scenarios/txn_2pc_nofault.lua 2 522dd0ba79e71306c8de8f5d08b8f641
scenarios/txn_2pc_part_crash.lua 1 aa0efe0d8751cad5e0e4c0bf33156135
scenarios/txn_2pc_part_crash.lua 2 518185f1a5559f36114565385e537117
scenarios/txn_2pc_partition.lua 1 bea57617e662be0af8421ec217ac4e8c
scenarios/txn_2pc_partition.lua 2 2d620e51d33e362cc87d0b8097fdabd5
scenarios/txn_3pc_coord_crash.lua 1 c9c855a79234db82879f50dc19a822b9
scenarios/txn_3pc_coord_crash.lua 2 8577236fe32a13a54f141fdcc719d05e
scenarios/txn_3pc_partition.lua 1 24d1e4c190c850d6ca1a312c63fc4467
scenarios/txn_3pc_partition.lua 2 31ac447cbd6907c203eb6b720d509258
scenarios/txn_3pc_recover_uncertain.lua 1 4c9ee95636c20dca68f5c0549f52b852
scenarios/txn_3pc_recover_uncertain.lua 2 b83621751aa857d9cf6621e1738ca99a
scenarios/labs/2pc/grade.lua 5 84d95e4592923796bab20d8d23b877b7 solution=_broken_2pc.lua
TABLE

# scenario seed [set] → the digest now, two runs at a time.
awk '{ print $1, $2, ($4 == "" ? "-" : $4) }' "$TMPDIR/pinned" |
  xargs -P 2 -n 3 sh -c 'set -- "$0" "$1" "$2"
    if [ "$3" = - ]; then d=$("$FAULTSIM" run "$1" --seed "$2" --json | jq -r .trace_digest)
    else d=$("$FAULTSIM" run "$1" --seed "$2" --set "$3" --json | jq -r .trace_digest); fi
    echo "$1 $2 $d"' > "$TMPDIR/now"
n=$(wc -l < "$TMPDIR/pinned")
[ "$n" -ge 60 ] || fail "the table has only $n rows"
bad=0
while read -r file seed digest rest; do
  got=$(awk -v f="$file" -v s="$seed" '$1 == f && $2 == s { print $3 }' "$TMPDIR/now" | head -n 1)
  if [ "$got" != "$digest" ]; then
    echo "$file seed $seed${rest:+ ($rest)}: digest $got, pinned $digest" >&2
    bad=$((bad + 1))
  fi
done < "$TMPDIR/pinned"
[ "$bad" -eq 0 ] || fail "$bad of $n pinned runs changed"
