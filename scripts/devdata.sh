#!/usr/bin/env bash
# Assembles the development sets (real, labelled media from public repositories) into a local folder, from the
# recipe lists in devdata/recipes/<set>.tsv and snapshots of those repositories that are already on this machine.
# The media are for local development and validation only: they are written under --out (default .cache/devdata,
# ignored by git) and never committed or shipped.
#
# usage: scripts/devdata.sh [--mirror DIR] [--out DIR] [--set NAME]...
#   --mirror DIR  folder of repository snapshots as <owner>+<name>/repo (bare git directories); default /work/.mirror
#   --out DIR     where the sets go: <out>/<set>/<label>/<source>__<name>.<ext> and <out>/<set>/manifest.tsv
#   --set NAME    only this set (repeatable); default every devdata/recipes/*.tsv
#
# Recipe columns (tab-separated, '#' comments): set source repo commit path label start end licence
#   path   a file in the repository, or a folder ending in '/' (every file under it)
#   start/end  seconds, or '-' for the whole file: a range is cut out with ffmpeg (re-encoded, so cuts are exact)
# The script says which sources, commits and files are missing and exits 0 when at least one file was written.
set -euo pipefail
cd "$(dirname "$0")/.."

mirror=/work/.mirror
out=.cache/devdata
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mirror) mirror="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "devdata: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "${#sets[@]}" -eq 0 ]; then
  for f in devdata/recipes/*.tsv; do sets+=("$(basename "$f" .tsv)"); done
fi

safe_name() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
written=0
for set in "${sets[@]}"; do
  recipes="devdata/recipes/$set.tsv"
  [ -f "$recipes" ] || { echo "devdata: no recipe list $recipes" >&2; exit 2; }
  mkdir -p "$out/$set"
  manifest="$out/$set/manifest.tsv"
  printf 'file\tsource\tlabel\tlicence\trepo\tcommit\tpath\tstart\tend\n' > "$manifest"
  declare -A missing_repo=() missing_files=() got=()
  while IFS=$'\t' read -r rset source repo commit path label start end licence; do
    case "$rset" in ''|'#'*|set) continue ;; esac
    [ "$rset" = "$set" ] || continue
    gitdir="$mirror/${repo/\//+}/repo"
    if [ ! -d "$gitdir" ] || ! git --git-dir="$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
      missing_repo[$repo]=1
      continue
    fi
    # One line per blob: mode type hash<TAB>path.
    if [[ "$path" == */ ]]; then
      listing=$(git --git-dir="$gitdir" ls-tree -r "$commit" -- "$path")
    else
      listing=$(git --git-dir="$gitdir" ls-tree "$commit" -- "$path")
    fi
    if [ -z "$listing" ]; then
      missing_files[$source]=$(( ${missing_files[$source]:-0} + 1 ))
      continue
    fi
    mkdir -p "$out/$set/$label"
    while IFS=$'\t' read -r meta file; do
      hash=${meta##* }
      if ! git --git-dir="$gitdir" cat-file -e "$hash" 2>/dev/null; then
        # Snapshots leave out files of 4 MiB and more.
        missing_files[$source]=$(( ${missing_files[$source]:-0} + 1 ))
        continue
      fi
      name=$(safe_name "${file#"${path%/}"/}")
      [[ "$path" == */ ]] || name=$(safe_name "$(basename "$file")")
      ext="${file##*.}"
      if [ "$start" != "-" ] && [ -n "$start" ]; then
        target="$out/$set/$label/${source}__${name%.*}__${start}-${end}.$ext"
        if [ ! -s "$target" ]; then
          tmp=$(mktemp --suffix=".$ext")
          git --git-dir="$gitdir" cat-file blob "$hash" > "$tmp"
          ffmpeg -nostdin -loglevel error -y -ss "$start" -to "$end" -i "$tmp" -an -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p "$target.tmp.$ext"
          mv "$target.tmp.$ext" "$target"
          rm -f "$tmp"
        fi
      else
        target="$out/$set/$label/${source}__${name}"
        [ -s "$target" ] || git --git-dir="$gitdir" cat-file blob "$hash" > "$target"
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${target#"$out/$set/"}" "$source" "$label" "$licence" "$repo" "$commit" "$file" "$start" "$end" >> "$manifest"
      got[$source]=$(( ${got[$source]:-0} + 1 ))
      written=$((written + 1))
    done <<< "$listing"
  done < "$recipes"
  echo "devdata: set '$set' → $out/$set ($(($(wc -l < "$manifest") - 1)) files)"
  for s in "${!got[@]}"; do echo "  $s: ${got[$s]} files"; done | sort
  for r in "${!missing_repo[@]}"; do echo "  MISSING snapshot of $r (or its commit): fetch it into $mirror/${r/\//+}/repo" ; done | sort
  for s in "${!missing_files[@]}"; do echo "  $s: ${missing_files[$s]} files missing from the snapshot (files of 4 MiB and more are left out)"; done | sort
  unset missing_repo missing_files got
done
[ "$written" -gt 0 ] || { echo "devdata: nothing written" >&2; exit 1; }
