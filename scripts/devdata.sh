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
#   label  a folder name, or for a folder row whose files are labelled by a CSV in the same repository:
#          legend:<csv path>:<file column>:<label column>[:<from>=<to>,...]
#          each file takes the (lower-cased, then mapped) label of the CSV row naming its file name; a label mapped
#          to '-', and files the CSV does not name, are left out. Example (muxspace/facial_expressions):
#          legend:data/legend.csv:image:emotion:anger=angry,happiness=happy,sadness=sad,contempt=-
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
    # Per-file labels from a CSV in the repository (see 'label' above); otherwise the row's label for every file.
    declare -A legend=()
    if [[ "$label" == legend:* ]]; then
      IFS=: read -r _ csv filecol labelcol mapping <<< "$label"
      while IFS=$'\t' read -r key value; do legend[$key]=$value; done < <(
        git --git-dir="$gitdir" show "$commit:$csv" | awk -F, -v fc="$filecol" -v lc="$labelcol" -v map="$mapping" '
          BEGIN { n = split(map, pairs, ","); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); to[kv[1]] = kv[2] } }
          { sub(/\r$/, "") }
          NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
          { l = tolower($(col[lc])); if (l in to) l = to[l]; if (l != "-" && l != "") print $(col[fc]) "\t" l }')
    fi
    while IFS=$'\t' read -r meta file; do
      hash=${meta##* }
      file_label=$label
      if [[ "$label" == legend:* ]]; then
        file_label=${legend[$(basename "$file")]:-}
        [ -n "$file_label" ] || continue
      fi
      mkdir -p "$out/$set/$file_label"
      if ! git --git-dir="$gitdir" cat-file -e "$hash" 2>/dev/null; then
        # Snapshots leave out files of 4 MiB and more.
        missing_files[$source]=$(( ${missing_files[$source]:-0} + 1 ))
        continue
      fi
      name=$(safe_name "${file#"${path%/}"/}")
      [[ "$path" == */ ]] || name=$(safe_name "$(basename "$file")")
      ext="${file##*.}"
      if [ "$start" != "-" ] && [ -n "$start" ]; then
        target="$out/$set/$file_label/${source}__${name%.*}__${start}-${end}.$ext"
        if [ ! -s "$target" ]; then
          tmp=$(mktemp --suffix=".$ext")
          git --git-dir="$gitdir" cat-file blob "$hash" > "$tmp"
          ffmpeg -nostdin -loglevel error -y -ss "$start" -to "$end" -i "$tmp" -an -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p "$target.tmp.$ext"
          mv "$target.tmp.$ext" "$target"
          rm -f "$tmp"
        fi
      else
        target="$out/$set/$file_label/${source}__${name}"
        [ -s "$target" ] || git --git-dir="$gitdir" cat-file blob "$hash" > "$target"
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${target#"$out/$set/"}" "$source" "$file_label" "$licence" "$repo" "$commit" "$file" "$start" "$end" >> "$manifest"
      got[$source]=$(( ${got[$source]:-0} + 1 ))
      written=$((written + 1))
    done <<< "$listing"
    unset legend
  done < "$recipes"
  echo "devdata: set '$set' → $out/$set ($(($(wc -l < "$manifest") - 1)) files)"
  for s in "${!got[@]}"; do echo "  $s: ${got[$s]} files"; done | sort
  for r in "${!missing_repo[@]}"; do echo "  MISSING snapshot of $r (or its commit): fetch it into $mirror/${r/\//+}/repo" ; done | sort
  for s in "${!missing_files[@]}"; do echo "  $s: ${missing_files[$s]} files missing from the snapshot (files of 4 MiB and more are left out)"; done | sort
  unset missing_repo missing_files got
done
[ "$written" -gt 0 ] || { echo "devdata: nothing written" >&2; exit 1; }
