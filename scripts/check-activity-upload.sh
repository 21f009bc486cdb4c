#!/usr/bin/env bash
# End-to-end check with a real person: uploads a real running clip from the development set through the app's
# Upload Video tab (headless Chromium, the whole product path) and checks that it comes back as running with a
# runner's cadence and the running music. The clip is never committed: scripts/devdata.sh --set activity assembles it.
#
#   scripts/check-activity-upload.sh [clip] [min-spm] [max-spm]
#
# Default clip: .cache/devdata/activity/running/matchmypose__running.mp4 (a person jogging in place, about 163 steps a minute);
# default cadence range 140–200 steps a minute. It also uploads a real fall (FALL_CLIP, default
# .cache/devdata/activity/falling/gmdcsa24__13__2.5-8.mp4) and checks that the fall is flagged on the result.
set -euo pipefail
cd "$(dirname "$0")/.."
clip=${1:-.cache/devdata/activity/running/matchmypose__running.mp4}
if [ ! -f "$clip" ]; then
  echo "no clip at $clip: run scripts/devdata.sh --set activity first (or name a clip)" >&2
  exit 2
fi
export BLAZORMOOD_REAL_RUNNING_CLIP=$(realpath "$clip")
export BLAZORMOOD_REAL_RUNNING_MIN_SPM=${2:-140}
export BLAZORMOOD_REAL_RUNNING_MAX_SPM=${3:-200}
fall=${FALL_CLIP:-.cache/devdata/activity/falling/gmdcsa24__13__2.5-8.mp4}
if [ -f "$fall" ]; then
  export BLAZORMOOD_REAL_FALL_CLIP=$(realpath "$fall")
fi
exec dotnet test tests/BlazorMood.Web.Tests -c Release --nologo \
  --filter "FullyQualifiedName~RealClipUploadBrowserTests" \
  --logger "console;verbosity=detailed"
