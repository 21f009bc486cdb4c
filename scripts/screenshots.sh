#!/usr/bin/env bash
# Screenshots of every page at 390×844, 1440×900 and 1920×1080 into docs/screenshots/, taken from the app itself by the
# browser accessibility test (headless Debian Chromium). Webcam pages show ffmpeg's test pattern: no face, no
# third-party picture. Usage: scripts/screenshots.sh [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n 2,4p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "screenshots: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
scripts/setup.sh --tests
mkdir -p "$out"
out=$(cd "$out" && pwd)
BLAZORMOOD_E2E_SCREENSHOTS="$out" dotnet test tests/BlazorMood.Web.Tests -c Release --nologo --verbosity quiet \
  --filter "FullyQualifiedName~AccessibilityBrowserTests" --logger "console;verbosity=minimal"
echo "screenshots: $(ls "$out"/*.png | wc -l) pictures in $out"
