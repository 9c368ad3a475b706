#!/usr/bin/env bash
# The verify gate: every step runs even when an earlier one failed, so one run shows everything
# that is wrong; then a summary of each step, and a non-zero exit if any failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
steps=(typecheck lint units test smoke)
declare -A result seconds
run_step() {
  local name=$1; shift
  printf '\n=== verify: %s ===\n' "$name"
  local start=$SECONDS
  if "$@"; then result[$name]=passed; else result[$name]=FAILED; fi
  seconds[$name]=$((SECONDS - start))
}
run_step typecheck tsc -p tsconfig.json --noEmit
run_step lint biome check .
run_step units scripts/verify-units.sh
run_step test bash -c 'vitest run --coverage && node scripts/coverage-table.ts'
run_step smoke scripts/smoke/run.sh

failed=0
printf '\n=== verify summary ===\n'
for s in "${steps[@]}"; do
  printf '%-10s %-7s %4ss\n' "$s" "${result[$s]}" "${seconds[$s]}"
  [ "${result[$s]}" = passed ] || failed=$((failed + 1))
done
passed=$(( ${#steps[@]} - failed ))
printf 'verify: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
