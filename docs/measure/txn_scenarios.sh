#!/usr/bin/env bash
# docs/txn.md: every txn scenario over its own seeds (faultsim check).
set -euo pipefail
. docs/measure/locks_lib.sh
check_table scenarios/txn_*.lua
