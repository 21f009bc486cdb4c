#!/usr/bin/env bash
# Regenerates the starter music library in playlists/ (70 generated tracks, Ogg/Opus, with metadata.json).
# Needs the .NET SDK and ffmpeg with libopus (Debian: apt-get install ffmpeg). Extra arguments go to the tool,
# e.g. --only emotion_fear,activity_sleeping or --seed 2.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/BlazorMood.Cli -c Release -- music generate-starter --out playlists "$@"
