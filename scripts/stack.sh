#!/usr/bin/env bash
# Starts, stops and reports the whole stack on this machine (the embedded profile by default):
# eight daemons in the background, logs and pids under one run directory. `up` refuses to start
# twins and refuses a configured port that something else holds (naming it); it reports up only
# when each port answers from the pid it started. `down` stops exactly the pids it started
# (SIGTERM, then SIGKILL after a grace period). LH_LOG_LEVEL_<DAEMON>=debug sets one daemon's level.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source "$root/scripts/lib/ports.sh"
run_dir=${LH_RUN_DIR:-$root/.run}
daemons=(storaged catalogd ingestd queryd vectord embedd observerd gateway)

# Per-daemon log levels are this script's knob, not configuration keys: take them out of the
# environment (the config loader refuses unknown LH_ names) and hand each to its daemon alone.
declare -A log_level
for d in "${daemons[@]}"; do
  var="LH_LOG_LEVEL_${d^^}"
  if [ -n "${!var:-}" ]; then log_level[$d]=${!var}; fi
  unset "$var"
done

alive() { [ -f "$run_dir/pids/$1.pid" ] && kill -0 "$(cat "$run_dir/pids/$1.pid")" 2>/dev/null; }

config() { node "$root/scripts/print-config.ts" "$@"; }

# Up means: our pid is alive, it is the one listening on its port, and /health answers there.
# Another stack answering on the same port is not our daemon being up.
wait_health() { # port daemon
  local deadline=$((SECONDS + 30)) pid holder
  pid=$(cat "$run_dir/pids/$2.pid")
  while :; do
    if ! alive "$2"; then echo "stack: $2 exited; last lines of $run_dir/logs/$2.log:" >&2; tail -n 20 "$run_dir/logs/$2.log" >&2; return 1; fi
    if [ "$(curl -s --max-time 1 "http://127.0.0.1:$1/health" 2>/dev/null)" = "$2 ok" ]; then
      holder=$(port_holder "$1" || true)
      [ "${holder%% *}" = "$pid" ] && return 0
      if [ -n "$holder" ] && [ "${holder%% *}" != "?" ]; then
        echo "stack: port $1 of $2 answers from pid $holder, not from the $2 this run started (pid $pid)" >&2
        return 1
      fi
    fi
    [ $SECONDS -lt $deadline ] || { echo "stack: $2 did not answer /health within 30 s" >&2; return 1; }
    sleep 0.1
  done
}

# Every configured port must be free before anything starts: a daemon that loses the race for
# its port exits, and a health check would be answered by whoever holds it.
check_ports_free() { # ports...
  local i busy=0 holder rc
  for i in "${!daemons[@]}"; do
    rc=0
    holder=$(port_holder "${ports[$i]}") || rc=$?
    if [ $rc -eq 0 ]; then
      echo "stack: port ${ports[$i]} (${daemons[$i]}) is in use by pid $holder" >&2
      busy=1
    elif [ $rc -ne 1 ]; then
      busy=1
    fi
  done
  if [ $busy -eq 1 ]; then
    echo "stack: nothing started; stop what holds those ports, or move this stack: LH_PORTS_<DAEMON>=<port> or [ports] in lakehouse.toml" >&2
    return 1
  fi
}

up() {
  local running=()
  for d in "${daemons[@]}"; do alive "$d" && running+=("$d:$(cat "$run_dir/pids/$d.pid")"); done
  if [ ${#running[@]} -gt 0 ]; then
    echo "stack: already running (${running[*]}); run 'just down' first" >&2
    exit 1
  fi
  local host
  host=$(config server.host)
  mapfile -t ports < <(config "${daemons[@]/#/ports.}")
  check_ports_free || exit 1
  mkdir -p "$run_dir/pids" "$run_dir/logs"
  # Each daemon's environment and node flags as its systemd unit sets them (memory settings;
  # packages/shared/src/daemon-env.ts).
  local -A unit_env=() unit_flags=()
  local daemon setting
  while read -r daemon setting; do
    if [[ $setting == --* ]]; then unit_flags[$daemon]+="$setting"$'\n'; else unit_env[$daemon]+="$setting"$'\n'; fi
  done < <(node "$root/scripts/print-daemon-env.ts")
  for i in "${!daemons[@]}"; do
    local d=${daemons[$i]} level=() tuning=() flags=()
    [ -n "${log_level[$d]:-}" ] && level=(LH_LOG_LEVEL="${log_level[$d]}")
    [ -n "${unit_env[$d]:-}" ] && mapfile -t tuning < <(printf '%s' "${unit_env[$d]}")
    [ -n "${unit_flags[$d]:-}" ] && mapfile -t flags < <(printf '%s' "${unit_flags[$d]}")
    env "${level[@]}" "${tuning[@]}" nohup node "${flags[@]}" "$root/apps/$d/src/main.ts" >>"$run_dir/logs/$d.log" 2>&1 </dev/null &
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
