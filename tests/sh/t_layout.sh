# The one-way dependencies of the layout: the kernel includes nothing from
# the other folders of sim/ or from models/; models include the node API
# (sim/kernel) and checker hooks (sim/check) only, never the Lua layer,
# reports or the CLI.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
bad=$(grep -n '#include "' sim/kernel/*.[ch] | grep -v '#include "sim/kernel/' || true)
[ -z "$bad" ] || fail "the kernel includes outside sim/kernel: $bad"
bad=$(grep -rn '#include "sim/' models | grep -Ev '#include "sim/(kernel|check)/' || true)
[ -z "$bad" ] || fail "models include more than the node API and checker hooks: $bad"
bad=$(grep -rn '#include "sim/\(lua\|report\|cli\)/' sim/check || true)
[ -z "$bad" ] || fail "checkers include the Lua layer, reports or the CLI: $bad"
for d in kernel lua check report cli; do
  ls sim/$d/*.c >/dev/null 2>&1 || fail "sim/$d has no sources"
done
[ -z "$(ls sim/*.c sim/*.h 2>/dev/null)" ] || fail "files left directly in sim/"
