# Every measured block in README.md and docs/*.md matches a fresh run of the
# script that produces it (tools/docs-measured.sh).
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
tools/docs-measured.sh
