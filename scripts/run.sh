#!/usr/bin/env bash
# Runs BlazorMood with the embedded defaults (SQLite, in-process queue, bundled models and starter playlists).
# URL: http://localhost:5080 unless BLAZORMOOD_URLS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec dotnet run --project src/BlazorMood.Web -c Release --no-launch-profile -- --urls "${BLAZORMOOD_URLS:-http://localhost:5080}"
