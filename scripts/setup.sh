#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with the .NET 10 SDK lacks. Safe to run again: it skips what is there.
# Usage: scripts/setup.sh [--tests]   (--tests adds what only the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
if [ "$want_tests" -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # The multi-node tests run a real PostgreSQL and Redis on loopback (scripts/start-test-services.sh).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
  # The Subsonic client tests run a real Subsonic server, Debian's supysonic, on loopback (scripts/start-subsonic.sh).
  command -v supysonic-server >/dev/null 2>&1 || need_apt+=(supysonic)
  /usr/bin/python3 -c 'import waitress' >/dev/null 2>&1 || need_apt+=(python3-waitress)
  # They take their settings from docker/compose.yaml (docker-compose config, PyYAML) and run docker/nginx.conf natively.
  command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
fi
if [ "${#need_apt[@]}" -gt 0 ] || [ "$want_tests" -eq 1 ]; then
  # The test suite fetches a public-domain photo with 'apt-get download', which needs fresh package lists.
  echo "setup: apt-get update"
  sudo_if_needed apt-get update -qq
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "setup: the .NET 10 SDK is required (dotnet not found)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "setup: Node.js 20 and npm are required (node not found)" >&2; exit 1; }

if [ "$want_tests" -eq 1 ] && [ -f tools/parity/package-lock.json ] && [ ! -d tools/parity/node_modules ]; then
  echo "setup: npm ci (tools/parity)"
  (cd tools/parity && npm ci --no-audit --no-fund --loglevel=error)
fi
# axe-core for the browser tests' accessibility check.
if [ "$want_tests" -eq 1 ] && [ -f tools/a11y/package-lock.json ] && [ ! -d tools/a11y/node_modules ]; then
  echo "setup: npm ci (tools/a11y)"
  (cd tools/a11y && npm ci --no-audit --no-fund --loglevel=error)
fi

# Browser client of the Live Emotion tab (SignalR + MessagePack from npm, bundled by esbuild). The web project's
# build runs the same 'npm ci' when node_modules is missing or older than the lock file; doing it here keeps the
# first build quiet and fails early when the npm registry cannot be reached.
if [ ! -f src/BlazorMood.Web/ClientApp/node_modules/.package-lock.json ] \
   || [ src/BlazorMood.Web/ClientApp/package-lock.json -nt src/BlazorMood.Web/ClientApp/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (src/BlazorMood.Web/ClientApp)"
  (cd src/BlazorMood.Web/ClientApp && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "setup: dotnet restore"
dotnet restore BlazorMood.sln --verbosity quiet
