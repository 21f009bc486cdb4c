#!/usr/bin/env bash
# Groups the generated library (playlists/) by Russell quadrant for `blazormood music quadrant-eval`, after the mood
# each playlist was generated for (MoodSpace: valence and arousal at or above 0.5 or below): q1 excited and pleasant,
# q2 excited and unpleasant, q3 calm and unpleasant, q4 calm and pleasant. Copies, so the library is untouched.
# usage: scripts/generated-quadrants.sh OUT_DIR
set -euo pipefail
out=${1:?usage: scripts/generated-quadrants.sh OUT_DIR}
cd "$(dirname "$0")/.."
declare -A quadrant=(
  [emotion_happy]=q1 [emotion_surprise]=q1 [activity_running]=q1 [activity_exercising]=q1 [activity_cycling]=q1 [activity_walking]=q1
  [emotion_angry]=q2 [emotion_fear]=q2 [emotion_disgust]=q2
  [emotion_sad]=q3
  [emotion_neutral]=q4 [activity_standing]=q4 [activity_sitting]=q4 [activity_sleeping]=q4
)
for playlist in "${!quadrant[@]}"; do
  mkdir -p "$out/${quadrant[$playlist]}"
  for track in playlists/"$playlist"/*.opus; do
    cp "$track" "$out/${quadrant[$playlist]}/${playlist}__$(basename "$track")"
  done
done
echo "generated-quadrants: $(find "$out" -name '*.opus' | wc -l) tracks in $out"
