#!/usr/bin/env python3
"""An independent check of KraftfeltMeasure's aggregates, from the exported CSV.

Usage: independent.py MEASURES.csv PARTICIPANTS.csv

MEASURES.csv is `ReportCSV.render(sessions)` (the full export); PARTICIPANTS.csv has the
columns session,participant_id,area: everyone who joined, the denominators. Prints JSON:
per indicator and phase n, mean, sd, median; the paired change before->after and
before->follow-up (pairs, mean difference, sd, 95% CI with scipy.stats.t.ppf); response
rates; and the network's distinct ties across and within areas and the share of people
with a tie outside their own area.

The rules are the report's, written again from docs/measurement.md: one answer per
subject, phase and indicator in a session (the last by time); ties are undirected and
per session; a person's area is theirs from the participant list, else the first a
measure gives them.
"""
import csv
import json
import sys
from collections import OrderedDict

try:
    import numpy as np
    from scipy import stats
except ImportError as error:
    print(f"numpy and scipy are needed ({error}): run scripts/install-deps.sh", file=sys.stderr)
    sys.exit(3)

NUMERIC = {"scale", "yes-no", "count", "number", ""}


def main(measures_path, participants_path):
    with open(measures_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # In time order within a session, as taken; the export's order breaks ties.
    rows = [row for _, row in sorted(enumerate(rows), key=lambda r: (r[1]["session"], r[1]["at"], r[0]))]

    roster = {}  # session -> {participant id: area or None}
    with open(participants_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            roster.setdefault(row["session"], {}).setdefault(row["participant_id"], row["area"] or None)

    def saw(session, person, area):
        if not person:
            return
        people = roster.setdefault(session, {})
        if person not in people or people[person] is None:
            people[person] = area or people.get(person)

    for row in rows:
        session = row["session"]
        if row["subject"] == "participant":
            saw(session, row["subject_id"], row["area"])
        elif row["subject"] == "group":
            for member in row["subject_id"].split("+"):
                saw(session, member, None)
        if row["other"]:
            saw(session, row["other"], row["other_area"])

    def people(row):
        if row["subject"] == "participant":
            return [(row["session"], row["subject_id"])]
        if row["subject"] == "group":
            return [(row["session"], m) for m in row["subject_id"].split("+")]
        return []

    # The last answer per session, indicator, subject and phase.
    last = OrderedDict()
    for row in rows:
        key = (row["session"], row["indicator"], row["subject"], row["subject_id"], row["phase"])
        last[key] = row
    answers = list(last.values())

    def rates(subset, sessions):
        participants = sum(len(roster.get(s, {})) for s in sessions)
        out = {}
        for phase in ["any", "before", "after", "follow-up"]:
            chosen = [a for a in subset if phase == "any" or a["phase"] == phase]
            if phase != "any" and not chosen:
                continue
            respondents = {p for a in chosen for p in people(a)}
            out[phase] = len(respondents) / participants
        return out

    result = {"indicators": {}, "rates": rates([a for a in answers if people(a)], sorted(roster))}
    for indicator in sorted({a["indicator"] for a in answers}):
        mine = [a for a in answers if a["indicator"] == indicator]
        kind = mine[0]["kind"]
        entry = {"phases": {}, "changes": {}}
        if any(people(a) for a in mine):
            entry["rates"] = rates(mine, sorted({a["session"] for a in mine}))
        if kind in NUMERIC:
            for phase in ["before", "after", "follow-up", ""]:
                values = np.array([float(a["value"]) for a in mine if a["phase"] == phase])
                if len(values) == 0:
                    continue
                entry["phases"][phase or "none"] = {
                    "n": int(len(values)),
                    "mean": float(np.mean(values)),
                    "sd": float(np.std(values, ddof=1)) if len(values) > 1 else None,
                    "median": float(np.median(values)),
                }
            before = {(a["session"], a["subject_id"]): float(a["value"])
                      for a in mine if a["phase"] == "before" and a["subject"] == "participant"}
            for later in ["after", "follow-up"]:
                then = {(a["session"], a["subject_id"]): float(a["value"])
                        for a in mine if a["phase"] == later and a["subject"] == "participant"}
                keys = sorted(set(before) & set(then))
                if len(keys) < 2:
                    continue
                d = np.array([then[k] - before[k] for k in keys])
                mean = float(np.mean(d))
                sd = float(np.std(d, ddof=1))
                t = float(stats.t.ppf(0.975, len(d) - 1))
                margin = t * sd / np.sqrt(len(d))
                entry["changes"][later] = {
                    "pairs": len(keys), "mean": mean, "sd": sd, "low": mean - margin, "high": mean + margin,
                    "mean_from": float(np.mean([before[k] for k in keys])),
                    "mean_to": float(np.mean([then[k] for k in keys])),
                }
        result["indicators"][indicator] = entry

    tie_rows = [r for r in rows if r["kind"] == "tie"]
    if tie_rows:
        sessions = sorted({r["session"] for r in tie_rows})
        participants = sum(len(roster.get(s, {})) for s in sessions)
        ties = set()
        for r in tie_rows:
            a, b = r["subject_id"], r["other"]
            if r["subject"] == "participant" and b and a != b:
                ties.add((r["session"],) + tuple(sorted((a, b))))
        cross = within = 0
        outside = set()
        for session, a, b in ties:
            area_a, area_b = roster[session].get(a), roster[session].get(b)
            if area_a is None or area_b is None:
                continue
            if area_a != area_b:
                cross += 1
                outside.update({(session, a), (session, b)})
            else:
                within += 1
        result["network"] = {
            "participants": participants, "ties": len(ties), "cross": cross, "within": within,
            "with_outside": len(outside), "share": len(outside) / participants,
        }
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
