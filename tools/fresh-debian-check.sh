#!/bin/sh
# Proves the two-command start on a fresh Debian 12: a clean clone of REPO is
# built and tested as root inside a bookworm minbase chroot that has nothing
# but git, make and ca-certificates, so `make run` and then `make test` must
# install every package they need themselves.
#
#   tools/fresh-debian-check.sh [--rebuild] /path/to/repo
#
# The pristine chroot is made once with debootstrap and cached in
# $FAULTSIM_CHROOT/base (default /var/tmp/faultsim-chroot/base). Every check
# runs in a fresh copy, $FAULTSIM_CHROOT/run, so packages installed by one
# check never hide a missing one from the next; the copy is left in place
# for inspection and replaced by the next check. --rebuild remakes the base.
#
# Prints the tail of each command's output with its exit code and duration.
# Exit status: 0 when `make run` and `make test` succeeded,
# 1 when one failed, 2 on a usage or set-up error.
set -eu

# The mirror this machine's apt already uses (deb822 or one-line format).
host_mirror() {
  { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } | grep -v security | head -n 1
}
MIRROR=${DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || { echo "$0: set DEBIAN_MIRROR (no apt source found on this machine)" >&2; exit 2; }
CACHE=${FAULTSIM_CHROOT:-/var/tmp/faultsim-chroot}
BASE=$CACHE/base
RUN=$CACHE/run
TAIL=${TAIL_LINES:-25}

usage() { echo "usage: $0 [--rebuild] /path/to/repo" >&2; exit 2; }

REBUILD=0
if [ "${1:-}" = "--rebuild" ]; then REBUILD=1; shift; fi
[ $# -eq 1 ] || usage
REPO=$1
[ -d "$REPO" ] || { echo "$0: $REPO: no such directory" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: must run as root (debootstrap, chroot, mount)" >&2; exit 2; }

# Unmounts everything below a directory, deepest first.
unmount_below() {
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}

# Removes a chroot directory, but never while something is mounted in it.
remove_tree() {
  [ -e "$1" ] || return 0
  unmount_below "$1"
  if awk -v d="$1/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    echo "$0: $1 still has mounts; not removing it" >&2
    exit 2
  fi
  rm -rf --one-file-system "$1"
}

now() { date +%s; }

mkdir -p "$CACHE"

# ---- the pristine base, made once ----
if [ "$REBUILD" = 1 ]; then remove_tree "$BASE"; fi
if [ ! -f "$BASE/.faultsim-base-ok" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "== installing debootstrap on the host"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  remove_tree "$BASE.tmp"
  echo "== debootstrap bookworm minbase into $BASE (once)"
  t0=$(now)
  if ! debootstrap --variant=minbase --include=git,make,ca-certificates \
      bookworm "$BASE.tmp" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1; then
    tail -n "$TAIL" "$CACHE/debootstrap.log" >&2
    echo "$0: debootstrap failed (log: $CACHE/debootstrap.log)" >&2
    remove_tree "$BASE.tmp"
    exit 2
  fi
  rm -rf "$BASE.tmp/var/cache/apt/archives/"*.deb
  date -u +%FT%TZ > "$BASE.tmp/.faultsim-base-ok"
  mv "$BASE.tmp" "$BASE"
  echo "   done in $(( $(now) - t0 ))s"
else
  echo "== reusing cached base $BASE (made $(cat "$BASE/.faultsim-base-ok"))"
fi

# ---- a fresh copy for this check ----
remove_tree "$RUN"
t0=$(now)
cp -a "$BASE" "$RUN"
rm -f "$RUN/.faultsim-base-ok"
cp /etc/resolv.conf "$RUN/etc/resolv.conf"
echo "== fresh chroot copy $RUN in $(( $(now) - t0 ))s"

trap 'unmount_below "$RUN"' EXIT
trap 'exit 2' INT TERM HUP

# A clean clone: committed files only, exactly what a new user would get.
git -c safe.directory='*' clone --quiet --no-hardlinks "$REPO" "$RUN/root/faultsim"
echo "== cloned $REPO at $(git -C "$RUN/root/faultsim" log -1 --format='%h %s')"

mount -t proc proc "$RUN/proc"
# apt wants a pty for its log; without one it only warns, so this is optional.
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$RUN/dev/pts" 2>/dev/null || true

# Runs one command as root in the chroot, as a new user would type it.
in_chroot() {
  chroot "$RUN" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/sh -c "cd /root/faultsim && $1"
}

STATUS=0
check() {
  log=$CACHE/$(echo "$1" | tr ' ' '-').log
  echo "== chroot: $1"
  t0=$(now)
  set +e
  in_chroot "$1" > "$log" 2>&1
  rc=$?
  set -e
  echo "-- last $TAIL lines ($log):"
  tail -n "$TAIL" "$log" | sed 's/^/   /'
  echo "-- $1: exit $rc in $(( $(now) - t0 ))s"
  [ "$rc" = 0 ] || STATUS=1
}

# The README's order: a newcomer types `make run`, then `make test`.
check "make run"
check "make test"

echo "== result: $([ "$STATUS" = 0 ] && echo ok || echo FAILED)"
exit "$STATUS"
