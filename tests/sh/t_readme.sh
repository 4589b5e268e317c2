# Every command README.md shows does what README.md says.
#
# Commands are taken from the README itself, so the test keeps up with
# edits: every line of a ```sh block (a trailing `\` continues it), and
# every inline `build/faultsim ...` span in the prose. Each runs with
# bash from a scratch folder that looks like the repository (the source
# folders linked, build/faultsim the binary under test, outputs written
# into the scratch folder), one after another, so a later command may read
# a file an earlier one wrote.
#
# What a command must do:
#   - exit 0, unless the README says otherwise in one of two ways:
#       * an HTML comment on the line right before the ```sh fence,
#         `<!-- exit 1 -->` (every command of the block) or
#         `<!-- exit 0 1 3 -->` (one code per command, in order);
#       * a trailing comment that starts with the code:
#         `cmd   # exit 1, shows why`.
#     When both are given they must agree.
#   - show every output line the README prints under it: comment lines
#     (`# ...`) that follow a command in its block are its output, each
#     found in the command's stdout+stderr with runs of blank space made
#     one (a line "..." stands for elided output and is not looked for).
#
# Not run, on purpose (keep this list short):
#   - `make TARGET ...`: they rebuild, install packages, run this very test
#     suite (make test) or take minutes (soak, bench, curve); the test only
#     checks that the Makefile still has the target.
#   - `build/faultsim check scenarios` and `build/faultsim check --jobs N
#     scenarios ...`: exactly what `make test` runs first (test-scenarios);
#     the second names the reader's own files as a placeholder.
source "$ROOT/tests/sh/lib.sh"
set -e

readme=${README:-$ROOT/README.md}
[ -f "$readme" ] || fail "no README at $readme"

# The extractor: one record per command, fields separated by \037 (a tab
# would let `read` merge empty fields):
#   CMD README-line exit-code-or-"" code-from-the-comment-or-"" command
#   OUT README-line shown-output-line
extract() {
  awk '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    # Splits a command line into the command and its trailing comment (a #
    # outside quotes, at the start or after blank space).
    function split_comment(s,    i, c, q, prev) {
      q = ""; prev = " "
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (q == "" && c == "#" && (prev == " " || prev == "\t")) {
          comment = trim(substr(s, i + 1)); return trim(substr(s, 1, i - 1))
        }
        if (q == "" && (c == "\"" || c == "\047")) q = c
        else if (q != "" && c == q) q = ""
        prev = c
      }
      comment = ""; return trim(s)
    }
    function emit(line, cmd,    said, want) {
      cmd = split_comment(cmd)
      said = (comment ~ /^exit [0-9]+([^0-9]|$)/) ? substr(comment, 6, 1) : ""
      want = ""
      if (nmarks == 1) want = marks[1]
      else if (nmarks > 1) want = marks[++used]
      printf "CMD\037%d\037%s\037%s\037%s\n", line, want, said, cmd
      have_cmd = 1
    }
    BEGIN { inblock = 0; nmarks = 0 }
    {
      line = $0
      if (!inblock && line ~ /^<!-- exit [0-9 ]+ -->$/) {
        s = line; sub(/^<!-- exit /, "", s); sub(/ -->$/, "", s)
        nmarks = split(s, marks, " "); marked_at = NR; next
      }
      if (!inblock && line ~ /^```/) {
        lang = line; sub(/^```/, "", lang)
        inblock = (lang == "sh") ? 2 : 1
        if (marked_at != NR - 1 || inblock != 2) nmarks = 0
        used = 0; have_cmd = 0; cont = ""
        next
      }
      if (inblock && line ~ /^```/) {
        if (inblock == 2 && nmarks > 1 && used != nmarks)
          printf "BAD\037%d\037<!-- exit --> lists %d codes for %d commands\n", marked_at, nmarks, used
        inblock = 0; nmarks = 0; next
      }
      if (inblock == 1) next
      if (inblock == 2) {
        if (cont == "" && line ~ /^[ \t]*#/) {
          if (have_cmd) { s = line; sub(/^[ \t]*# ?/, "", s); printf "OUT\037%d\037%s\n", NR, s }
          next
        }
        if (trim(line) == "" && cont == "") next
        if (line ~ /\\$/) { if (cont == "") start = NR; cont = cont substr(line, 1, length(line) - 1) " "; next }
        if (cont != "") { emit(start, cont line); cont = ""; next }
        emit(NR, line)
        next
      }
      # Prose: inline `build/faultsim ...` spans, which may wrap lines.
      text = (carry != "") ? carry " " line : line
      carry = ""
      while ((i = index(text, "`")) > 0) {
        rest = substr(text, i + 1)
        j = index(rest, "`")
        if (j == 0) { carry = substr(text, i); break }
        span = substr(rest, 1, j - 1)
        if (span ~ /^build\/faultsim /) { comment = ""; printf "CMD\037%d\037\037\037%s\n", NR, span }
        text = substr(rest, j + 1)
      }
      if (trim(line) == "") carry = ""
    }
  ' "$1"
}

# The scratch repository.
repo=$TMPDIR/repo
mkdir -p "$repo/build"
for d in "$ROOT"/*; do
  case $(basename "$d") in build) ;; *) ln -s "$d" "$repo/$(basename "$d")" ;; esac
done
ln -s "$FAULTSIM" "$repo/build/faultsim"

norm() { tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }

# check_readme FILE: runs every command of FILE as described above; sets
# $ran, $skipped and $failures, and prints each problem on stderr.
check_readme() {
  local file=$1 kind line a b cmd want said got shown rest piece target last_out="" last_line=0
  ran=0 skipped=0 failures=0
  problem() { echo "$(basename "$file"):$1: $2" >&2; failures=$((failures + 1)); }
  while IFS=$'\037' read -r kind line a b cmd; do
    case $kind in
      BAD) problem "$line" "$a"; continue ;;
      OUT)
        shown=$(printf '%s' "$a" | norm)
        [ "$last_out" = skip ] && continue
        { [ -z "$shown" ] || [ "$shown" = "..." ]; } && continue
        if [ -z "$last_out" ]; then problem "$line" "output shown under no command"; continue; fi
        # Each piece between "..." elisions must appear in the output.
        rest=$shown
        while [ -n "$rest" ]; do
          piece=${rest%%...*}
          if [ "$piece" = "$rest" ]; then rest=""; else rest=${rest#*...}; fi
          piece=$(printf '%s' "$piece" | norm)
          [ -z "$piece" ] && continue
          grep -qF -- "$piece" "$last_out" || problem "$line" "the command of line $last_line does not show: $piece"
        done
        continue ;;
    esac
    want=$a said=$b
    last_line=$line
    if [ -n "$want" ] && [ -n "$said" ] && [ "$want" != "$said" ]; then
      problem "$line" "<!-- exit $want --> but the comment says exit $said: $cmd"
    fi
    want=${want:-${said:-0}}
    case $cmd in
      make|make\ *)
        target=$(printf '%s\n' "$cmd" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /=/) { print $i; exit } }')
        target=${target:-all}
        grep -q "^$target:" "$ROOT/Makefile" || problem "$line" "the Makefile has no target '$target': $cmd"
        skipped=$((skipped + 1)); last_out=skip; continue ;;
      "build/faultsim check scenarios"|"build/faultsim check --jobs "[0-9]*" scenarios"*)
        skipped=$((skipped + 1)); last_out=skip; continue ;;
    esac
    ran=$((ran + 1))
    last_out=$TMPDIR/out.$ran
    set +e
    (cd "$repo" && timeout 120 bash -c "$cmd") >"$last_out" 2>&1 </dev/null
    got=$?
    set -e
    norm <"$last_out" >"$last_out.n" && mv "$last_out.n" "$last_out"
    if [ "$got" != "$want" ]; then
      problem "$line" "exit $got, the README says $want: $cmd"
      sed 's/^/      /' "$last_out" | head -n 8 >&2
    fi
  done < <(extract "$file")
}

# First the checker itself, on a made-up README: markers, trailing exit
# comments, continuations, shown output, elisions, and a wrong claim of
# each kind, which it must report.
cat > "$TMPDIR/good.md" <<'MD'
Run `build/faultsim --help` first.

<!-- exit 0 1 -->
```sh
printf 'verdict:   FAILED\nsecond line\n'; exit 0
# verdict: FAILED
# ...
false \
  --flag                     # a continued command
```

```sh
sh -c 'exit 3'               # exit 3: undecided
make test
```
MD
check_readme "$TMPDIR/good.md" 2>"$TMPDIR/good.err" || true
[ "$failures" -eq 0 ] || { cat "$TMPDIR/good.err" >&2; fail "the checker rejects a correct README"; }
[ "$ran" -eq 4 ] && [ "$skipped" -eq 1 ] || fail "the checker ran $ran and skipped $skipped commands of good.md, not 4 and 1"
cat > "$TMPDIR/bad.md" <<'MD'
<!-- exit 1 -->
```sh
true                         # exit 0
printf 'verdict: ok\n'
# verdict: FAILED
```

```sh
false
make no-such-target
```
MD
check_readme "$TMPDIR/bad.md" 2>"$TMPDIR/bad.err" || true
bad=$(cat "$TMPDIR/bad.err")
contains "$bad" "bad.md:3: <!-- exit 1 --> but the comment says exit 0"
contains "$bad" "bad.md:4: exit 0, the README says 1"
contains "$bad" "bad.md:5: the command of line 4 does not show: verdict: FAILED"
contains "$bad" "bad.md:9: exit 1, the README says 0"
contains "$bad" "bad.md:10: the Makefile has no target 'no-such-target'"

check_readme "$readme"
echo "README commands: $ran run, $skipped not run (make targets, the suite's own check)"
[ "$ran" -ge 10 ] || fail "only $ran commands found in $readme: is the extractor still reading it?"
[ "$failures" -eq 0 ] || fail "$failures README commands do not do what README.md says"
