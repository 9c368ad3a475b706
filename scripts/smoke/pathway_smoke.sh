#!/usr/bin/env bash
# Pathway memory through the gateway (ADR-004): add -> NOOP -> revise -> retire -> history ->
# replay (once per replay_id) -> update -> cycle refused -> namespaces isolated -> search over live heads
# only; then, on a stack that scripts/smoke/run.sh started, a kill -9 and restart of observerd
# that must change no answer. The search step needs a working vectord.
source "$(dirname "$0")/lib.sh"

ns="smoke_$RUN_ID"
q="?namespace=$ns"
T=/v1/memory/traces
H=(-H 'content-type: application/json')

req POST $T "${H[@]}" -d "{\"namespace\":\"$ns\",\"content\":\"chicago python engineers are in table candidates\",\"metadata\":{\"city\":\"chicago\"}}"
expect_status 201 "add"
first=$(json 'v.trace.uid')
expect_eq "$(json 'v.event + " " + v.trace.status + " " + v.trace.version')" "ADD live 1" "add answer"
req POST $T "${H[@]}" -d "{\"namespace\":\"$ns\",\"content\":\"chicago python engineers are in table candidates\"}"
expect_status 200 "add of the same content"
expect_eq "$(json 'v.event + " " + v.trace.uid')" "NOOP $first" "NOOP returns the live trace"
ok "ADD is 201; the same content again is a 200 NOOP with the same uid"

req POST "$T/$first/revise$q" "${H[@]}" -d '{"content":"chicago python engineers are in table candidates_v2"}'
expect_status 201 "revise"
head=$(json 'v.trace.uid')
expect_eq "$(json 'v.event + " " + v.trace.parent')" "REVISE $first" "revise answer"
req POST $T "${H[@]}" -d "{\"namespace\":\"$ns\",\"content\":\"chicago python engineers earn the most\",\"metadata\":{\"city\":\"chicago\"}}"
expect_status 201 "add a second trace"
doomed=$(json 'v.trace.uid')
req POST "$T/$doomed/retire$q" "${H[@]}" -d '{"reason":"unverified claim"}'
expect_status 200 "retire"
expect_eq "$(json 'v.trace.status + " " + v.trace.retired_reason')" "retired unverified claim" "retire answer"
ok "REVISE supersedes $first with $head; RETIRE keeps $doomed readable as retired"

req GET "$T/$first/history$q"
expect_status 200 "history"
expect_eq "$(json 'v.status + " " + v.head + " " + v.events.map((e) => e.type).join(",")')" "superseded $head ADD,REVISE" "history of the superseded trace"
req GET "$T/$head/history$q"
expect_eq "$(json 'v.lineage.join(",")')" "$first" "lineage of the head"
ok "HISTORY: the superseded trace points at its head, the head's lineage at its parent"

req POST "$T/$head/replay$q" "${H[@]}" -d '{"replay_id":"run-1"}'
expect_status 200 "replay"
req POST "$T/$head/replay$q" "${H[@]}" -d '{"replay_id":"run-1"}'
expect_eq "$(json 'v.event + " " + v.trace.replay_count')" "NOOP 1" "the same replay_id counts once"
for uid in "$first" "$doomed"; do
  req POST "$T/$uid/replay$q" "${H[@]}" -d '{"replay_id":"run-2"}'
  expect_status 409 "replay of a trace that is not live"
  expect_eq "$(json 'v.error.code')" trace_not_live "replay of $uid"
done
ok "REPLAY counts once per replay_id; superseded and retired traces are 409 trace_not_live"

req POST $T "${H[@]}" -d "{\"namespace\":\"$ns\",\"content\":\"follow-up: join candidates_v2 to placements\",\"parent\":\"$head\"}"
child=$(json 'v.trace.uid')
req POST "$T/$head/reparent$q" "${H[@]}" -d "{\"parent\":\"$child\"}"
expect_status 409 "reparent into its own subtree"
expect_eq "$(json 'v.error.code')" cycle_detected "cycle code"
req PATCH "$T/$child$q" "${H[@]}" -d '{"metadata":{"city":"chicago","checked":true}}'
expect_status 200 "update"
expect_eq "$(json 'v.event + " " + v.trace.uid + " " + v.trace.version')" "UPDATE $child 2" "update answer"
req GET "$T/$head?namespace=other_$RUN_ID"
expect_status 404 "a uid of another namespace"
ok "UPDATE keeps the uid at version 2; a cycle is 409 cycle_detected; another namespace's uid is 404"

search() {
  req POST $T/search "${H[@]}" -d "{\"namespace\":\"$ns\",\"query\":\"chicago python engineers\",\"k\":10}"
  expect_status 200 "search"
  json 'v.hits.map((h) => h.uid).sort().join(",")'
}
hits=$(search)
expect_eq "$hits" "$(printf '%s\n' "$head" "$child" | sort | paste -sd,)" "search hits are the live heads only"
ok "SEARCH returns the live heads ($hits), never $first (superseded) or $doomed (retired)"

# A restart must change no answer: only on a stack that run.sh started (its pid file and logs).
pidfile=${LH_RUN_DIR:-/nonexistent}/pids/observerd.pid
if [ -f "$pidfile" ]; then
  req GET "$T/$first/history$q"
  before=$(body)
  req GET "$T?namespace=$ns"
  before_list=$(body)
  kill -KILL "$(cat "$pidfile")"
  nohup node "$(dirname "$0")/../../apps/observerd/src/main.ts" >>"$LH_RUN_DIR/logs/observerd.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  port=${LH_PORTS_OBSERVERD:-3117}
  for _ in $(seq 1 150); do [ "$(curl -s "http://127.0.0.1:$port/health")" = "observerd ok" ] && break; sleep 0.1; done
  req GET "$T/$first/history$q"
  expect_eq "$(body)" "$before" "history after a kill -9 restart"
  req GET "$T?namespace=$ns"
  expect_eq "$(body)" "$before_list" "list after a kill -9 restart"
  expect_eq "$(search)" "$hits" "search after a kill -9 restart"
  ok "a kill -9 and restart of observerd changes no answer"
else
  ok "restart step skipped: observerd was not started by scripts/smoke/run.sh"
fi
