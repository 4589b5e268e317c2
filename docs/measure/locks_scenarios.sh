#!/usr/bin/env bash
# docs/locks.md: every lock scenario over its own seeds (faultsim check).
set -euo pipefail
. docs/measure/locks_lib.sh
check_table scenarios/lock_*.lua
