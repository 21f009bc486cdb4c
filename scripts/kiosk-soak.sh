#!/usr/bin/env bash
# Soak test of the gym kiosk: the real app, headless Chromium with a fake webcam showing a group photo, the server
# restarted twice; fails on any page error, any console error outside the restarts, or a stretch of more than 30 s
# without frames analysed or without the music moving. Prints a summary (also kept in artifacts/kiosk-soak/).
# Not part of scripts/test.sh (an hour by default); CI runs it for 2 minutes after the tests.
# Usage: scripts/kiosk-soak.sh [--minutes N]   (default 60; fractions allowed, e.g. 0.5)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=60
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:-}"; shift 2 || { echo "kiosk-soak: --minutes needs a value" >&2; exit 2; } ;;
    --minutes=*) minutes="${1#*=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kiosk-soak: unknown argument '$1' (usage: scripts/kiosk-soak.sh [--minutes N])" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || [ "$(awk -v m="$minutes" 'BEGIN { print (m > 0) }')" != 1 ]; then
  echo "kiosk-soak: --minutes must be a positive number, not '$minutes'" >&2
  exit 2
fi

# Chromium, ffmpeg and the npm client are what the soak needs beyond the SDK (scripts/test.sh installs them too).
if ! command -v chromium >/dev/null 2>&1 || ! command -v ffmpeg >/dev/null 2>&1; then
  scripts/setup.sh --tests
fi

out=artifacts/kiosk-soak
mkdir -p "$out"
summary="$PWD/$out/summary.txt"
rm -f "$summary"
echo "kiosk-soak: $minutes minute(s); log in $out/test.log"
set +e
BLAZORMOOD_SOAK_MINUTES="$minutes" BLAZORMOOD_SOAK_SUMMARY="$summary" \
  dotnet test tests/BlazorMood.Web.Tests -c Release --nologo --verbosity quiet \
    --filter "FullyQualifiedName~KioskSoakTests" --logger "console;verbosity=detailed" > "$out/test.log" 2>&1
status=$?
set -e
if [ -f "$summary" ]; then
  cat "$summary"
else
  echo "kiosk-soak: no summary was written; the end of the log:" >&2
  tail -n 60 "$out/test.log" >&2
fi
if [ "$status" -eq 0 ] && ! grep -q "^kiosk soak: PASSED" "$summary" 2>/dev/null; then
  # A filter that matched nothing (or a skipped soak) must not pass as a soak.
  echo "kiosk-soak: the soak test did not run" >&2
  status=1
fi
exit "$status"
