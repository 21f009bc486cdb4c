#!/usr/bin/env python3
"""Writes the GMDCSA24 rows of devdata/recipes/activity.tsv from the dataset's own per-clip CSV labels.

usage: devdata/generate-gmdcsa24.py <bare git dir of the snapshot> <commit>  > rows.tsv

Each clip's 'Classes' column lists labelled time ranges ("Sitting[0 to 1]; Sleeping[2 to 8]"). One recipe row is
written per range of a kept label that lasts at least MIN_SECONDS and does not overlap a range of another kept label
(a clip labelled both 'Standing[0 to 9]' and 'Exercising[0 to 9]' says nothing clear). Reading, drinking, eating and
writing are done while sitting and are not activities of the product, so they are ignored; the dataset's
'Exercising' is arm movements while standing (not one of the product's exercises), so it is ignored too.
"""
import csv, io, re, subprocess, sys

KEEP = {"sitting": "sitting", "standing": "standing", "walking": "walking", "sleeping": "lying", "falling": "falling"}
MIN_SECONDS = 2.0
MAX_OVERLAP = 0.3
RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*to\s*(\d+(?:\.\d+)?)")
LABEL = re.compile(r"([A-Za-z]+)(?:\s*\([^)]*\))?\s*\[")

def ranges(classes):
    """(label, start, end) for every range in a 'Classes' cell, tolerant of the missing brackets some rows have."""
    marks = [(m.start(), m.end(), m.group(1).lower()) for m in LABEL.finditer(classes)]
    for i, (_, body_start, name) in enumerate(marks):
        body_end = marks[i + 1][0] if i + 1 < len(marks) else len(classes)
        for a, b in RANGE.findall(classes[body_start:body_end]):
            yield name, float(a), float(b)

def main(gitdir, commit):
    out = sys.stdout
    for subject in (1, 2, 3, 4):
        for kind in ("ADL", "Fall"):
            text = subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:Subject {subject}/{kind}.csv"],
                                  check=True, capture_output=True, text=True).stdout
            rows = list(csv.reader(io.StringIO(text)))
            for row in rows[1:]:
                if not row or not row[0].strip().endswith(".mp4"):
                    continue
                clip = row[0].strip()
                classes = ",".join(row[5:])
                spans = [(KEEP[n], a, b) for n, a, b in ranges(classes) if n in KEEP and b > a]
                for label, a, b in spans:
                    if b - a < MIN_SECONDS:
                        continue
                    clash = any(l != label and min(b, b2) - max(a, a2) > MAX_OVERLAP for l, a2, b2 in spans)
                    if clash:
                        continue
                    out.write(f"activity\tgmdcsa24\tekramalam/GMDCSA24-A-Dataset-for-Human-Fall-Detection-in-Videos\t{commit}\t"
                              f"Subject {subject}/{kind}/{clip}\t{label}\t{a:g}\t{b:g}\tMIT\n")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
