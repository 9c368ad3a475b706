#!/usr/bin/env bash
# The agent loop end to end through the gateway (issue 13 item 5), deterministic with the built-in
# embedder: a staffing CSV is ingested, its bios indexed with one from-dataset call, a filtered search
# finds Chicago candidates, the observer checks the claim "every returned candidate is in Chicago"
# with SQL over the returned ids (a hallucinated Denver claim is rejected and cannot seal), the
# playbook is sealed on the accepted review, and a second run with a similar task finds the first
# run's playbook first. Writes a JSON report (LH_SMOKE_AGENT_REPORT, default a temp file): on two
# fresh stacks the hashes are identical (`just smoke-agent-loop-twice`).
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
# Fixed dataset and index names, so that two fresh stacks hash the same claims and checks; the
# playbook namespace is per run (it is in no hash), so a rerun on the same stack (the replication
# probe runs this script again) ranks only its own playbooks.
ds=agent_candidates
ix=agent_candidate_bios
ns=agent_loop_${RUN_ID}
report=${LH_SMOKE_AGENT_REPORT:-$SMOKE_TMP/agent_loop_report.json}
json_post() { req POST "$1" -H 'content-type: application/json' -d "$2"; }

req POST "/v1/ingest/$ds?format=csv&mode=replace" --data-binary "@$root/tests/fixtures/staffing/candidates.csv" \
  -H 'content-type: text/csv'
expect_status 200 "ingest candidates.csv"
expect_eq "$(json 'v.rows_ingested')" 12 "rows ingested"
ok "ingested the staffing fixture as $ds"

# vectord answers 503 until it has loaded its indexes (right after a start): wait for it.
deadline=$((SECONDS + 60))
until req GET /v1/vectors/indexes && [ "$STATUS" = 200 ]; do
  [ $SECONDS -lt $deadline ] || fail "vectord not serving within 60 s: HTTP $STATUS"
  sleep 0.2
done
req DELETE "/v1/vectors/indexes/$ix" # a rerun on the same stack starts from an empty index
json_post /v1/vectors/indexes "{\"name\":\"$ix\",\"dim\":768,\"metric\":\"cosine\"}"
expect_status 201 "create index"
json_post "/v1/vectors/indexes/$ix/from-dataset" \
  "{\"dataset\":\"$ds\",\"id_column\":\"id\",\"text_column\":\"bio\",\"metadata_columns\":[\"city\",\"title\"]}"
expect_status 202 "from-dataset"
deadline=$((SECONDS + 60))
while :; do
  req GET "/v1/vectors/indexes/$ix"
  state=$(json 'v.job ? v.job.state : "none"')
  [ "$state" = done ] && break
  [ "$state" = failed ] && fail "from-dataset failed: $(json 'v.job.error')"
  [ $SECONDS -lt $deadline ] || fail "from-dataset not done within 60 s (state $state)"
  sleep 0.2
done
expect_eq "$(json 'v.count')" 12 "indexed bios"
ok "indexed the bio column with one from-dataset call"

# One run of the loop: search, review the claim, and (run 1) seal or (run 2) find the playbook.
json_post "/v1/vectors/indexes/$ix/search" '{"text":"senior python engineer in Chicago","k":3,"filter":{"city":"Chicago"}}'
expect_status 200 "filtered search"
ids=$(json 'JSON.stringify(v.hits.map(h => h.id))')
expect_eq "$(json 'v.hits.length')" 3 "hits"
expect_eq "$(json 'v.hits.every(h => h.metadata.city === "Chicago")')" true "every hit in Chicago"
ok "search found $ids in Chicago"

in_list=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).map(i => `'"'"'${i}'"'"'`).join(", "))' "$ids")
claim() { # city
  printf '{"claim":"every returned candidate is in %s","check":{"sql":"SELECT id FROM %s WHERE city = '"'"'%s'"'"' AND id IN (%s)","expect":{"op":"contains","values":%s}},"context":{"task":"senior python engineer in Chicago"}}' \
    "$1" "$ds" "$1" "$in_list" "$ids"
}
json_post /v1/observer/reviews "$(claim Denver)"
expect_status 201 "review of the hallucinated claim"
expect_eq "$(json 'v.verdict + "/" + v.degraded')" reject/false "hallucinated claim"
bad_review=$(json 'v.review_id')
json_post /v1/observer/reviews "$(claim Chicago)"
expect_status 201 "review of the true claim"
expect_eq "$(json 'v.verdict + "/" + v.degraded')" accept/false "true claim"
review_id=$(json 'v.review_id')
review_hash=$(json 'v.input_hash')
req GET "/v1/observer/reviews/$review_id"
expect_status 200 "stored review"
expect_eq "$(json 'v.input_hash')" "$review_hash" "stored review's hash"
ok "observer: the Denver claim is reject, the Chicago claim accept ($review_id)"

steps=$(printf '[{"tool":"vectors.search","index":"%s","text":"senior python engineer in Chicago","k":3,"filter":{"city":"Chicago"}},{"tool":"observer.review","claim":"every returned candidate is in Chicago"}]' "$ix")
playbook() { # review_id
  printf '{"task":"find a senior python engineer in Chicago","steps":%s,"review_id":"%s","outputs":{"candidate_ids":%s},"tags":["staffing"],"namespace":"%s"}' \
    "$steps" "$1" "$ids" "$ns"
}
# A decoy playbook of another task, sealed on its own accepted review, so that "first" below is a
# ranking. Only under the built-in embedder, which this smoke is specified for: a production model
# is probed here for the loop itself, not for what it thinks is similar.
req GET /v1/embed/models
is_builtin=$(json 'v.models.some(m => m.name === v.default_model && m.provider === "hashing")')
decoy_id=
if [ "$is_builtin" = true ]; then
  json_post /v1/observer/reviews "{\"claim\":\"candidate c06 is a forklift operator\",\"check\":{\"sql\":\"SELECT title FROM $ds WHERE id = 'c06'\",\"expect\":{\"op\":\"eq\",\"value\":\"Forklift Operator\"}}}"
  expect_eq "$(json 'v.verdict')" accept "decoy review"
  json_post /v1/memory/playbooks "{\"task\":\"schedule forklift operators for the Denver warehouse\",\"steps\":[{\"tool\":\"manual\"}],\"review_id\":\"$(json 'v.review_id')\",\"namespace\":\"$ns\"}"
  expect_status 201 "seal the decoy"
  decoy_id=$(json 'v.playbook_id')
fi
json_post /v1/memory/playbooks "$(playbook "$bad_review")"
expect_status 409 "seal on a rejected review"
expect_eq "$(json 'v.error.code')" review_not_accepted "seal on a rejected review"
json_post /v1/memory/playbooks "$(playbook "$review_id")"
expect_status 201 "seal"
body >"$SMOKE_TMP/sealed.json"
playbook_id=$(json 'v.playbook_id')
expect_eq "$(json 'v.verdict')" accept "sealed verdict"
receipt_key=$(json 'v.receipt.key')
req GET "/v1/storage/objects/$receipt_key"
expect_status 200 "the receipt's event"
expect_eq "$(json 'v.kind + "/" + v.type + "/" + v.sha256')" \
  "playbook/SEAL/$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).receipt.sha256)' "$SMOKE_TMP/sealed.json")" "receipt event"
ok "sealed $playbook_id on $review_id (a rejected review is 409); its receipt names the stored event"

# Run 2: a similar task surfaces the first run's playbook first.
json_post /v1/memory/playbooks/search "{\"task\":\"senior python developer based in Chicago\",\"k\":3,\"namespace\":\"$ns\"}"
expect_status 200 "playbook search"
expect_eq "$(json 'v.hits[0] && v.hits[0].playbook_id')" "$playbook_id" "first hit of the second run"
expect_eq "$(json 'v.hits[0].review_id')" "$review_id" "its review"
if [ -n "$decoy_id" ]; then
  expect_eq "$(json 'v.hits.map(h => h.playbook_id).join()')" "$playbook_id,$decoy_id" "both playbooks, the similar one first"
fi
ok "a second run with a similar task finds $playbook_id first${decoy_id:+ (the forklift decoy second)}"

node -e '
const fs = require("fs")
const sealed = JSON.parse(fs.readFileSync(process.argv[1]))
const report = {
  ids: JSON.parse(process.argv[2]),
  review_id: process.argv[3],
  review_input_hash: process.argv[4],
  verdict: sealed.verdict,
  playbook_id: sealed.playbook_id,
  input_hash: sealed.input_hash,
  output_hash: sealed.output_hash,
  receipt: sealed.receipt,
}
fs.writeFileSync(process.argv[5], JSON.stringify(report, null, 2) + "\n")
' "$SMOKE_TMP/sealed.json" "$ids" "$review_id" "$review_hash" "$report"
ok "report: $(node -e 'const r=require(process.argv[1]);process.stdout.write(`input ${r.input_hash.slice(0,19)}… output ${r.output_hash.slice(0,19)}…`)' "$report")"
