#!/usr/bin/env python3
"""Runs two builds of kraftfelt-bench in one run, alternately, and prints what changed.

    compare.py BEFORE AFTER [--rounds N] [SECTION ...]

BEFORE and AFTER are kraftfelt-bench binaries (an older commit's and this one's). Each
round runs BEFORE's sections, then AFTER's, so that a noisy machine's drift hits both
alike; for every row both print, the best value over the rounds is kept (the lowest time
or size, the highest rate), and the table shows AFTER ÷ BEFORE.
"""
import re
import subprocess
import sys

UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0, "KB": 1024.0, "MB": 1024.0**2}


def parse_value(text):
    """(number in base units, higher_is_better) of a cell like '84.7 ns' or '13,056 events/s'."""
    match = re.match(r"^([0-9][0-9,]*\.?[0-9]*)\s*(\S+)", text.strip())
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    unit = match.group(2)
    if unit.endswith("/s"):
        return number, True
    if unit in UNITS:
        return number * UNITS[unit], False
    return None


def run(binary, sections):
    output = subprocess.run([binary, *sections], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in output.splitlines()[2:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 2:
            value = parse_value(cells[1])
            if value:
                rows[cells[0]] = (value, cells[1])
    return rows


def main():
    args = sys.argv[1:]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    before_binary, after_binary, sections = args[0], args[1], args[2:]
    best = {"before": {}, "after": {}}
    for _ in range(rounds):
        for side, binary in (("before", before_binary), ("after", after_binary)):
            for name, ((value, higher), text) in run(binary, sections).items():
                kept = best[side].get(name)
                better = kept is None or (value > kept[0] if higher else value < kept[0])
                if better:
                    best[side][name] = (value, text, higher)
    names = [name for name in best["after"] if name in best["before"]]
    width = max([len(n) for n in names] + [9])
    print(f"{'benchmark':<{width}}  {'before':>18}  {'after':>18}  after ÷ before")
    print(f"{'-' * width}  {'-' * 18}  {'-' * 18}  --------------")
    for name in names:
        before, after = best["before"][name], best["after"][name]
        ratio = after[0] / before[0] if before[0] else float("nan")
        note = " (higher is better)" if after[2] else ""
        print(f"{name:<{width}}  {before[1]:>18}  {after[1]:>18}  {ratio:.2f}×{note}")
    only = [n for n in best["after"] if n not in best["before"]]
    if only:
        print("\nonly in the newer build: " + ", ".join(only))


if __name__ == "__main__":
    main()
