#!/usr/bin/env python3
"""Turns unpacked Debian music packages into BlazorMood playlists with a per-track catalogue.

For every package: the audio files in its music folders (sound effects are left out), their title (the file's
tags, else its name), composer and licence. Composer and licence come from the package's copyright file: in the
machine-readable format (DEP-5) from the last "Files:" stanza whose pattern matches the track (later stanzas win,
as the format says); in the older free-text format from its "Upstream Author(s)" and the licence it names. Where
the file names nobody for the music, the catalogue says so instead of guessing.
"""
import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys

AUDIO = (".ogg", ".oga", ".opus", ".mp3", ".flac", ".wav")


def probe(path):
    """Duration in seconds and the format's tags (lower-case keys), via ffprobe."""
    res = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration:format_tags:stream_tags",
                          "-of", "json", path], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return None, {}
    data = json.loads(res.stdout or "{}")
    fmt = data.get("format", {})
    tags = {k.lower(): v for k, v in (fmt.get("tags") or {}).items()}
    for stream in data.get("streams", []):
        for k, v in (stream.get("tags") or {}).items():
            tags.setdefault(k.lower(), v)
    try:
        duration = float(fmt.get("duration"))
    except (TypeError, ValueError):
        duration = None
    return duration, tags


def dep5_stanzas(text):
    stanzas, current, key = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            if current:
                stanzas.append(current)
            current, key = {}, None
            continue
        if line[0] in " \t" and key:
            current[key] += "\n" + line.strip()
            continue
        m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
        if m:
            key = m.group(1).lower()
            current[key] = m.group(2).strip()
    if current:
        stanzas.append(current)
    return stanzas


def clean_holder(text):
    """'2011 Shawn Parrotte (http://…) <a@b>' -> 'Shawn Parrotte'; several holders joined by '; '."""
    names = []
    for line in text.splitlines():
        line = re.sub(r"\([^)]*\)|<[^>]*>", "", line)
        line = re.sub(r"(?i)copyright|\(c\)|©", "", line)
        line = re.sub(r"^[\s\d,\-–]+", "", line).strip(" ,.")
        if line:
            names.append(line)
    return "; ".join(names)


def licence_from_text(text):
    t = re.sub(r"\s+", " ", text)
    if re.search(r"(?i)creative commons", t):
        version = re.search(r"(?i)attribution[- ]sharealike (\d\.\d)", t) or re.search(r"(\d\.\d)", t)
        kind = "CC-BY-SA" if re.search(r"(?i)sharealike", t) else "CC-BY"
        return f"{kind}-{version.group(1)}" if version else kind
    if re.search(r"(?i)GNU General Public License,? version 2,? or (at your option )?any later", t) or \
            re.search(r"(?i)GNU General Public License version 2 or at your option any later", t):
        return "GPL-2+"
    if re.search(r"(?i)GNU General Public License", t):
        return "GPL"
    return "see copyright file"


def attribution(copyright_path, rel_candidates, package):
    """(composer, licence, how) for one track."""
    try:
        text = open(copyright_path, encoding="utf-8", errors="replace").read()
    except OSError:
        return "unknown (no copyright file)", "unknown", "missing"
    if text.startswith("Format:"):
        best = None
        for stanza in dep5_stanzas(text):
            patterns = stanza.get("files", "").split()
            if any(fnmatch.fnmatchcase(c, p) for p in patterns for c in rel_candidates):
                best = stanza
        if best:
            licence = best.get("license", "unknown").splitlines()[0].strip()
            return clean_holder(best.get("copyright", "")) or "unknown", licence, "dep5"
        return "unknown (no Files: stanza matches)", "unknown", "dep5"
    # Free-text copyright file. Its upstream authors are the music's authors only when the whole file is about
    # media (a Creative Commons licence); a program-wide file (GPL) lists the programmers, not the composers.
    upstream = re.search(r"(?im)^Upstream Authors?:\s*(.*(?:\n[ \t]+.*)*)", text)
    licence = licence_from_text(text)
    if upstream and licence.startswith("CC"):
        return clean_holder(upstream.group(1)), licence, "free-text"
    name = package.replace("-music", "")
    return f"{name} contributors (the copyright file names no composer for the music)", licence, "free-text"


def composer_named(composer):
    return not composer.startswith("unknown") and "names no composer" not in composer


def title_from_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    stem = re.sub(r"^hr\d?-", "", stem)
    return " ".join(w.capitalize() if w.islower() else w for w in re.split(r"[_\-\s]+", stem) if w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unpacked", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--packages", nargs="+", required=True)
    args = ap.parse_args()

    rows = []
    for package in args.packages:
        root = os.path.join(args.unpacked, package)
        copyright_path = os.path.join(root, "usr/share/doc", package, "copyright")
        files = []
        for dirpath, _, names in os.walk(root):
            # Music folders only: the packages also carry sound effects (hyperrogue's sounds/).
            if "music" not in os.path.relpath(dirpath, root).split(os.sep):
                continue
            for name in names:
                if name.lower().endswith(AUDIO):
                    files.append(os.path.join(dirpath, name))
        files.sort()
        playlist_dir = os.path.join(args.library, package)
        os.makedirs(playlist_dir, exist_ok=True)
        metadata_path = os.path.join(playlist_dir, "metadata.json")
        # Keep an earlier run's analysis: re-running the script must not throw the tagging away.
        analysed = {}
        if os.path.exists(metadata_path):
            try:
                for old in json.load(open(metadata_path, encoding="utf-8")):
                    if isinstance(old, dict) and "analysis" in old:
                        analysed[old.get("filepath")] = old["analysis"]
            except (OSError, ValueError):
                pass
        entries = []
        for path in files:
            parts = os.path.relpath(path, root).split(os.sep)
            rel_candidates = ["/".join(parts[i:]) for i in range(len(parts))]
            composer, licence, how = attribution(copyright_path, rel_candidates, package)
            duration, tags = probe(path)
            if duration is None or duration < 1:
                print(f"demo-music: skipping {path}: not decodable audio", file=sys.stderr)
                continue
            title = tags.get("title") or title_from_name(path)
            tag_artist = tags.get("artist")
            if how != "dep5" and not composer_named(composer) and tag_artist:
                # The copyright file names nobody for the music: the file's own artist tag is the best credit left.
                composer, how = tag_artist, how + "+artist-tag"
            # Flatten sub-folders (singularity's win/ and lose/) into unique file names.
            target_name = "-".join(parts[parts.index("music") + 1:]) if "music" in parts else parts[-1]
            target = os.path.join(playlist_dir, target_name.replace(" ", "_"))
            if not os.path.exists(target):
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
            entry = {
                "title": title,
                "artist": composer,
                "duration": round(duration, 2),
                "filepath": os.path.basename(target),
                "licence": licence,
                **({"artistTag": tag_artist} if tag_artist and tag_artist != composer else {}),
                "source": f"Debian package {package}",
                "copyrightFile": f"/usr/share/doc/{package}/copyright",
            }
            if entry["filepath"] in analysed:
                entry["analysis"] = analysed[entry["filepath"]]
            entries.append(entry)
            rows.append({"playlist": package, **{k: v for k, v in entry.items() if k != "analysis"}, "attribution": how})
        with open(metadata_path + ".tmp", "w", encoding="utf-8") as fh:
            fh.write(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
        os.replace(metadata_path + ".tmp", metadata_path)
        print(f"demo-music: {package}: {len(entries)} tracks", file=sys.stderr)

    with open(os.path.join(args.library, "catalogue.json"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    with open(os.path.join(args.library, "catalogue.tsv"), "w", encoding="utf-8") as fh:
        cols = ["playlist", "filepath", "title", "artist", "licence", "duration", "source", "attribution", "artistTag"]
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(str(r.get(c, "")).replace("\t", " ") for c in cols) + "\n")
    minutes = sum(r["duration"] for r in rows) / 60
    licences = {}
    for r in rows:
        licences[r["licence"]] = licences.get(r["licence"], 0) + 1
    print(f"demo-music: catalogue: {len(rows)} tracks, {minutes:.1f} minutes; licences: "
          + ", ".join(f"{k} {v}" for k, v in sorted(licences.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
