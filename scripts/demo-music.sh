#!/usr/bin/env bash
# Builds a library of real, freely licensed music from Debian's game-soundtrack packages, tags it, and says how to
# run the app on it. Nothing is installed: `apt-get download` fetches the .deb files, `dpkg-deb -x` unpacks them.
# The music is never committed (the default output is under the git-ignored .cache).
#
#   scripts/demo-music.sh [--out DIR] [--packages "hyperrogue-music singularity-music wesnoth-1.16-music"]
#                         [--with-starter] [--no-analyze]
#
# Output: DIR/library/<package>/{*.ogg,metadata.json} (one playlist per package, each entry with title, composer as
# artist, licence and source) plus DIR/library/catalogue.tsv and catalogue.json. Then every track is analysed
# (tempo, EBU R128 loudness, key, onset density, brightness, valence/arousal) into metadata.json. Run the app on it:
#   Music__LibraryPath=DIR/library scripts/run.sh
# --with-starter copies the generated starter playlists in too, so the curated emotion_/activity_ playlists keep
# priority and the real music joins through its measured mood.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

out=.cache/demo-music
packages="hyperrogue-music singularity-music wesnoth-1.16-music"
with_starter=0
analyze=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --packages) packages="$2"; shift 2 ;;
    --with-starter) with_starter=1; shift ;;
    --no-analyze) analyze=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "demo-music: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for tool in apt-get dpkg-deb ffprobe python3; do
  command -v "$tool" >/dev/null || { echo "demo-music: '$tool' is needed (Debian: apt-get install apt dpkg ffmpeg python3)" >&2; exit 1; }
done

mkdir -p "$out/debs" "$out/unpacked" "$out/library"
out=$(cd "$out" && pwd)
started=$(date +%s)
for pkg in $packages; do
  if ! ls "$out/debs/${pkg}"_*.deb >/dev/null 2>&1; then
    echo "demo-music: downloading $pkg" >&2
    # apt-get download writes into the current directory; it needs no root.
    (cd "$out/debs" && apt-get download "$pkg") || { echo "demo-music: apt-get could not download '$pkg' (is it in your sources? try apt-cache policy $pkg)" >&2; exit 1; }
  fi
  if [ ! -d "$out/unpacked/$pkg/usr" ]; then
    rm -rf "$out/unpacked/$pkg"
    dpkg-deb -x "$(ls "$out/debs/${pkg}"_*.deb | head -n1)" "$out/unpacked/$pkg"
  fi
done
downloaded=$(date +%s)

python3 "$repo/scripts/lib/demo_music_catalogue.py" --unpacked "$out/unpacked" --library "$out/library" --packages $packages

if [ "$with_starter" = 1 ]; then
  for dir in "$repo"/playlists/*/; do
    name=$(basename "$dir")
    rm -rf "$out/library/$name"
    cp -r "$dir" "$out/library/$name"
  done
fi

if [ "$analyze" = 1 ]; then
  t0=$(date +%s)
  dotnet run --project src/BlazorMood.Cli -c Release -- music analyze-library --library "$out/library" 2>&1 | grep -v '^info:' || true
  t1=$(date +%s)
  echo "demo-music: tagging took $((t1 - t0)) s" >&2
fi
echo "demo-music: download and unpack $((downloaded - started)) s; library in $out/library" >&2
echo "Run the app on it:  Music__LibraryPath=$out/library scripts/run.sh" >&2
