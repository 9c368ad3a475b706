#!/usr/bin/env bash
# Issue 13's "done when": the agent-loop smoke passes on two fresh stacks in a row and both runs
# report identical hashes (review input hash, playbook input and output hashes) and the same ids.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
for run in 1 2; do
  LH_SMOKE_AGENT_REPORT="$reports/run-$run.json" "$root/scripts/smoke/run.sh" agent_loop
done
node -e '
const [a, b] = process.argv.slice(1).map((f) => require(f))
const keys = ["ids", "verdict", "review_input_hash", "input_hash", "output_hash"]
const differ = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
if (differ.length) { console.error(`agent loop: runs differ in ${differ.join(", ")}`); console.error(a, b); process.exit(1) }
console.log(`agent loop: two fresh stacks, identical hashes: input ${a.input_hash} output ${a.output_hash}`)
' "$reports/run-1.json" "$reports/run-2.json"
