#!/usr/bin/env bash
# Starts a throw-away PostgreSQL and Redis on free loopback ports for the tests that need them (issue 8's multi-node
# setup), in a temporary folder, and prints the variables the tests read:
#
#   eval "$(scripts/start-test-services.sh)"      # starts both, exports BLAZORMOOD_TEST_POSTGRES / _REDIS
#   dotnet test ...
#   scripts/start-test-services.sh --stop         # stops them and removes the folder ($BLAZORMOOD_TEST_SERVICES_DIR)
#
# Needs the Debian packages postgresql and redis-server (scripts/setup.sh --tests installs them). Run as root it
# runs PostgreSQL as the 'postgres' user (the server refuses to run as root). Nothing listens beyond 127.0.0.1.
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  dir="${BLAZORMOOD_TEST_SERVICES_DIR:-${2:-}}"
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "start-test-services: nothing to stop (BLAZORMOOD_TEST_SERVICES_DIR unset)" >&2; exit 0; }
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  if [ -f "$dir/pg/postmaster.pid" ]; then
    pg_bin=$(cat "$dir/pg_bin")
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true
    else "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true; fi
  fi
  rm -rf "$dir"
  echo "start-test-services: stopped" >&2
  exit 0
fi

pg_bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$candidate/initdb" ] && { pg_bin="$candidate"; break; }
done
[ -n "$pg_bin" ] || { echo "start-test-services: PostgreSQL not found (apt-get install postgresql)" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 || { echo "start-test-services: redis-server not found (apt-get install redis-server)" >&2; exit 1; }

free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "start-test-services: no free port found" >&2; return 1
}

dir=$(mktemp -d /tmp/blazormood-services.XXXXXX)
chmod 755 "$dir"
echo "$pg_bin" > "$dir/pg_bin"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$dir/pg" "$dir/sock" "$dir/log"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/pg" "$dir/sock" "$dir/log"; fi

pg_port=$(free_port)
as_pg "$pg_bin/initdb" -D "$dir/pg" -U blazormood --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Tests create one database each; the multi-node test runs a handful of hosts, each with its own pool.
as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/log/postgres.log" -w \
  -o "-h 127.0.0.1 -p $pg_port -k $dir/sock -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/log/postgres.log" >&2; exit 1; }

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" >/dev/null
for _ in $(seq 1 50); do [ -f "$dir/redis.pid" ] && break; sleep 0.1; done

echo "start-test-services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (folder $dir)" >&2
echo "export BLAZORMOOD_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=blazormood;Database=postgres'"
echo "export BLAZORMOOD_TEST_REDIS='127.0.0.1:$redis_port'"
echo "export BLAZORMOOD_TEST_SERVICES_DIR='$dir'"
