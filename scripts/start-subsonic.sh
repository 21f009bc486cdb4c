#!/usr/bin/env bash
# Starts a real Subsonic API server (Debian's supysonic) on a free loopback port with a library of the project's
# generated tracks, for the Subsonic client tests, and prints what they need as KEY=VALUE lines:
#
#   scripts/start-subsonic.sh [--tracks N]   -> SUBSONIC_URL=… SUBSONIC_USER=… SUBSONIC_PASSWORD=… SUBSONIC_DIR=…
#   scripts/start-subsonic.sh --stop DIR     (stops it and removes DIR)
#
# Needs the Debian packages supysonic and python3-waitress (scripts/setup.sh --tests installs them). Everything
# (config, SQLite database, cache, copied music) lives in a temporary folder; nothing listens beyond 127.0.0.1.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--stop" ]; then
  dir="${2:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "start-subsonic: nothing to stop" >&2; exit 0; }
  [ -f "$dir/server.pid" ] && kill "$(cat "$dir/server.pid")" 2>/dev/null || true
  rm -rf "$dir"
  exit 0
fi
tracks=6
[ "${1:-}" = "--tracks" ] && tracks="$2"

command -v supysonic-cli >/dev/null 2>&1 && command -v supysonic-server >/dev/null 2>&1 \
  || { echo "start-subsonic: supysonic not found (apt-get install supysonic python3-waitress)" >&2; exit 1; }
/usr/bin/python3 -c 'import waitress' 2>/dev/null || { echo "start-subsonic: python3-waitress not found (apt-get install python3-waitress)" >&2; exit 1; }

free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "start-subsonic: no free port found" >&2; return 1
}

dir=$(mktemp -d /tmp/blazormood-subsonic.XXXXXX)
mkdir -p "$dir/music/BlazorMood Synth/Starter" "$dir/cache"
# Two moods, so albums and songs differ: the first N tracks of the happy and sad playlists.
n=0
for f in "$repo"/playlists/emotion_happy/*.opus "$repo"/playlists/emotion_sad/*.opus; do
  [ "$n" -lt "$tracks" ] || break
  cp "$f" "$dir/music/BlazorMood Synth/Starter/"
  n=$((n + 1))
done
# supysonic reads supysonic.conf from the working directory.
cat > "$dir/supysonic.conf" <<CONF
[base]
database_uri = sqlite:///$dir/supysonic.db
[webapp]
cache_dir = $dir/cache
log_level = WARNING
mount_webui = off
[daemon]
socket = $dir/daemon.sock
run_watcher = no
CONF
user=blazormood
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
(
  cd "$dir"
  supysonic-cli user add "$user" -p "$password" >"$dir/cli.log" 2>&1
  supysonic-cli folder add library "$dir/music" >>"$dir/cli.log" 2>&1
  supysonic-cli folder scan library >>"$dir/cli.log" 2>&1
) || { cat "$dir/cli.log" >&2; rm -rf "$dir"; exit 1; }

port=$(free_port)
(cd "$dir" && exec supysonic-server -S waitress -h 127.0.0.1 -p "$port" >"$dir/server.log" 2>&1) &
echo $! > "$dir/server.pid"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "SUBSONIC_URL=http://127.0.0.1:$port"
    echo "SUBSONIC_USER=$user"
    echo "SUBSONIC_PASSWORD=$password"
    echo "SUBSONIC_DIR=$dir"
    echo "SUBSONIC_TRACKS=$n"
    exit 0
  fi
  sleep 0.1
done
echo "start-subsonic: supysonic did not start:" >&2
cat "$dir/server.log" >&2
kill "$(cat "$dir/server.pid")" 2>/dev/null || true
rm -rf "$dir"
exit 1
