#!/usr/bin/env bash
# vectord through the gateway: an index is created, text items with metadata are upserted (embedded
# by embedd's built-in model, named on the index so that the ranking checked here holds under any
# profile, `just smoke-real` with Ollama included), a filtered text search finds the right item; then vectord is killed
# with SIGKILL (no snapshot on the way out) and started again, and the same search answers the same
# hits from the WAL alone. Also: a wrong-dimension item is 400 naming it, a second create is 409.
source "$(dirname "$0")/lib.sh"
ix="smoke_people_${RUN_ID}"
root=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=${LH_RUN_DIR:-$root/.run}
json_post() { req POST "$1" -H 'content-type: application/json' -d "$2"; }

json_post /v1/vectors/indexes "{\"name\":\"$ix\",\"dim\":768,\"metric\":\"cosine\",\"model\":\"hashing-768\"}"
expect_status 201 "create index"
json_post /v1/vectors/indexes "{\"name\":\"$ix\",\"dim\":768,\"metric\":\"cosine\",\"model\":\"hashing-768\"}"
expect_status 409 "second create"
ok "created $ix (a second create is 409)"

json_post "/v1/vectors/indexes/$ix/upsert" '{"items":[
  {"id":"ada","text":"senior rust engineer, compilers and databases","metadata":{"city":"Paris","years":12}},
  {"id":"bo","text":"junior java developer who likes spring","metadata":{"city":"Lyon","years":1}},
  {"id":"cy","text":"rust systems programmer, embedded devices","metadata":{"city":"Lyon","years":6}},
  {"id":"di","text":"python data scientist, pandas and statistics","metadata":{"city":"Paris","years":4}}]}'
expect_status 200 "upsert text items"
expect_eq "$(json 'v.upserted')" 4 "upserted"
json_post "/v1/vectors/indexes/$ix/upsert" '{"items":[{"id":"bad","vector":[1,2,3]}]}'
expect_status 400 "wrong dimension"
expect_eq "$(json 'v.error.issues[0].path')" "items.0.vector" "issue path"
ok "upserted 4 text items; a 3-number vector is 400 naming items.0.vector"

search='{"text":"rust programmer","k":3,"filter":{"city":"Lyon"}}'
json_post "/v1/vectors/indexes/$ix/search" "$search"
expect_status 200 "filtered search"
before=$(json 'v.hits.map(h => h.id + ":" + h.metadata.city).join(",")')
expect_eq "$(json 'v.hits[0].id')" cy "best Lyon hit for a rust programmer"
expect_eq "$(json 'v.hits.every(h => h.metadata.city === "Lyon")')" true "every hit in Lyon"
ok "filtered text search: $before"

pid_file="$run_dir/pids/vectord.pid"
[ -f "$pid_file" ] || fail "no vectord pid file in $run_dir (run through scripts/smoke/run.sh)"
kill -KILL "$(cat "$pid_file")"
port=$(node "$root/scripts/print-config.ts" ports.vectord)
nohup node "$root/apps/vectord/src/main.ts" >>"$run_dir/logs/vectord.log" 2>&1 </dev/null &
echo $! >"$pid_file"
deadline=$((SECONDS + 30))
until [ "$(curl -s --max-time 1 "http://127.0.0.1:$port/ready" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(String(JSON.parse(s).ready))}catch{}})')" = true ]; do
  [ $SECONDS -lt $deadline ] || fail "vectord not ready within 30 s after a restart"
  sleep 0.2
done
ok "vectord killed with SIGKILL and started again"

json_post "/v1/vectors/indexes/$ix/search" "$search"
expect_status 200 "search after restart"
expect_eq "$(json 'v.hits.map(h => h.id + ":" + h.metadata.city).join(",")')" "$before" "hits after restart"
req GET "/v1/vectors/indexes/$ix/items/ada"
expect_status 200 "get item after restart"
expect_eq "$(json 'v.metadata.years')" 12 "metadata after restart"
ok "same hits and metadata after the restart"

req DELETE "/v1/vectors/indexes/$ix"
expect_status 204 "delete index"
ok "deleted $ix"
