#!/usr/bin/env bash
# Generates the seven 5-second mood cue sounds of the Live Emotion tab into wwwroot/cues/ with ffmpeg's own signal
# generators (aevalsrc): no recordings or samples are involved, so the project owns them outright.
# Usage: scripts/generate-cues.sh [output-dir]   (needs ffmpeg with libopus; Debian's ffmpeg has it)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-wwwroot/cues}"
mkdir -p "$out"

# Each cue: an aevalsrc expression (time t in seconds, 48 kHz mono), then a fade in/out and gentle loudness.
declare -A cue=(
  # Major arpeggio C5-E5-G5-C6, one note every 0.4 s, with a soft octave shimmer.
  [happy]='0.25*sin(2*PI*t*(523.25*lt(mod(t,1.6),0.4)+659.25*between(mod(t,1.6),0.4,0.8)+783.99*between(mod(t,1.6),0.8,1.2)+1046.5*gte(mod(t,1.6),1.2)))+0.05*sin(4*PI*t*523.25)'
  # Slow A-minor chord (A3 C4 E4), swelling.
  [sad]='0.12*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))*(0.6+0.4*sin(2*PI*0.25*t))'
  # Low growl: 82 Hz with odd harmonics and a fast tremolo.
  [angry]='0.18*(sin(2*PI*82*t)+0.5*sin(2*PI*246*t)+0.3*sin(2*PI*410*t))*(0.7+0.3*sin(2*PI*7*t))'
  # Tritone (B3 + F4) with a nervous tremolo.
  [fear]='0.15*(sin(2*PI*246.94*t)+sin(2*PI*349.23*t))*(0.5+0.5*sin(2*PI*9*t))'
  # Upward glide 300 -> 1500 Hz every 1.25 s.
  [surprise]='0.25*sin(2*PI*(300*mod(t,1.25)+480*mod(t,1.25)*mod(t,1.25)))'
  # Two slightly detuned low tones beating against each other.
  [disgust]='0.2*(sin(2*PI*110*t)+sin(2*PI*116.5*t))*(0.6+0.4*sin(2*PI*0.8*t))'
  # A calm fifth (C4 + G4), steady.
  [neutral]='0.15*(sin(2*PI*261.63*t)+0.6*sin(2*PI*392*t))'
)

for label in angry disgust fear happy sad surprise neutral; do
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "aevalsrc=exprs='${cue[$label]}':s=48000:c=mono:d=5" \
    -af "afade=t=in:d=0.3,afade=t=out:st=4.2:d=0.8,volume=0.9" \
    -c:a libopus -b:a 12k -vbr on -application audio -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
    "$out/$label.ogg"
  echo "cue: $out/$label.ogg ($(stat -c %s "$out/$label.ogg") bytes)"
done
