# Who holds a TCP port on this machine. Source it; `port_holder PORT` prints "<pid> <command line>"
# of the process listening on PORT (any address) and returns 0, or prints nothing and returns 1
# when nothing listens. A listener this user may not inspect prints as "? (another user's process)".
# ss first (iproute2, on every Debian); /proc/net/tcp{,6} where ss is missing; with neither ss nor
# awk it cannot tell, says so on stderr and returns 2 (never "free" unchecked).

port_holder() {
  local port=$1 pid="" listening=0
  if command -v ss >/dev/null 2>&1; then
    local line try
    # ss maps sockets to processes from a scan of /proc made before it lists the sockets, so a
    # socket opened in between shows without its process: ask again before calling it unknown.
    for try in 1 2 3; do
      line=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n1)
      [ -n "$line" ] && listening=1
      pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
      [ -z "$line" ] || [ -n "$pid" ] && break
    done
  elif ! command -v awk >/dev/null 2>&1; then
    echo "cannot tell whether port $port is free: neither ss (apt-get install iproute2) nor awk is installed" >&2
    return 2
  else
    local hex inodes inode fd
    hex=$(printf '%04X' "$port")
    inodes=$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    [ -n "$inodes" ] && listening=1
    for inode in $inodes; do
      for fd in /proc/[0-9]*/fd/*; do
        if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then pid=${fd#/proc/}; pid=${pid%%/*}; break 2; fi
      done
    done
  fi
  [ $listening -eq 1 ] || return 1
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
    printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ $//')"
  else
    printf '? (another user'"'"'s process)\n'
  fi
}
