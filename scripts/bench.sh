#!/usr/bin/env bash
# Runs the benchmarks (all, or those named), each against its raw engine in the same run;
# `--check` compares the latest results with the recorded ratios instead (bench/check.ts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# --check: the latest results against bench/baseline.json; reports falls over 20 %, always exits 0.
if [ "${1:-}" = "--check" ]; then
  node bench/check.ts || echo "bench --check could not run; it never fails the gate" >&2
  exit 0
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then for f in bench/*/run.ts; do names+=("$(basename "$(dirname "$f")")"); done; fi
mkdir -p bench/results
for n in "${names[@]}"; do
  echo "=== bench $n ==="
  node "bench/$n/run.ts"
done
