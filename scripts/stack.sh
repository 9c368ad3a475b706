#!/usr/bin/env bash
# Starts, stops and reports the whole stack on this machine (the embedded profile by default):
# eight daemons in the background, logs and pids under one run directory. `up` refuses to start
# twins; `down` stops exactly the pids it started (SIGTERM, then SIGKILL after a grace period).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run_dir=${LH_RUN_DIR:-$root/.run}
daemons=(storaged catalogd ingestd queryd vectord embedd observerd gateway)

alive() { [ -f "$run_dir/pids/$1.pid" ] && kill -0 "$(cat "$run_dir/pids/$1.pid")" 2>/dev/null; }

config() { node "$root/scripts/print-config.ts" "$@"; }

wait_health() { # port daemon
  local deadline=$((SECONDS + 30))
  until [ "$(curl -s --max-time 1 "http://127.0.0.1:$1/health" 2>/dev/null)" = "$2 ok" ]; do
    if ! alive "$2"; then echo "stack: $2 exited; last lines of $run_dir/logs/$2.log:" >&2; tail -n 20 "$run_dir/logs/$2.log" >&2; return 1; fi
    [ $SECONDS -lt $deadline ] || { echo "stack: $2 did not answer /health within 30 s" >&2; return 1; }
    sleep 0.1
  done
}

up() {
  local running=()
  for d in "${daemons[@]}"; do alive "$d" && running+=("$d:$(cat "$run_dir/pids/$d.pid")"); done
  if [ ${#running[@]} -gt 0 ]; then
    echo "stack: already running (${running[*]}); run 'just down' first" >&2
    exit 1
  fi
  mkdir -p "$run_dir/pids" "$run_dir/logs"
  local host ports
  host=$(config server.host)
  mapfile -t ports < <(config "${daemons[@]/#/ports.}")
  for i in "${!daemons[@]}"; do
    local d=${daemons[$i]}
    nohup node "$root/apps/$d/src/main.ts" >>"$run_dir/logs/$d.log" 2>&1 </dev/null &
    echo $! >"$run_dir/pids/$d.pid"
  done
  for i in "${!daemons[@]}"; do
    wait_health "${ports[$i]}" "${daemons[$i]}" || { down; exit 1; }
  done
  local shown=$host
  [ "$host" = "0.0.0.0" ] && shown=127.0.0.1
  local stop_hint=""
  [ "$run_dir" = "$root/.run" ] && stop_hint="; stop with './lh down'"
  echo "lakehouse is up: gateway http://$shown:${ports[7]}  (logs and pids in $run_dir$stop_hint)"
}

down() {
  local pids=()
  for d in "${daemons[@]}"; do
    if alive "$d"; then pids+=("$(cat "$run_dir/pids/$d.pid")"); kill -TERM "${pids[-1]}" 2>/dev/null || true; fi
    rm -f "$run_dir/pids/$d.pid"
  done
  local deadline=$((SECONDS + 15))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.1
    done
  done
  echo "stack: stopped ${#pids[@]} daemon(s)"
}

status() {
  for d in "${daemons[@]}"; do
    if alive "$d"; then echo "$d running (pid $(cat "$run_dir/pids/$d.pid"))"; else echo "$d stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/stack.sh up|down|status" >&2; exit 2 ;;
esac
