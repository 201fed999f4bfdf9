#!/usr/bin/env python3
"""Render the whole Helm corpus with the real helm and with capstan, side by
side in one run, and report total wall time and peak memory.

Usage: bench/render_corpus.py [--capstan PATH] [--helm PATH] [--rounds N]

Installs nothing itself: get helm with ../shared/tools/install-peers.sh
(default helm path: ~/.cache/capstan-peers/bin/helm). Each case's command
from cases.json is run once per round with each tool, alternating, so both
see the same machine load. Wall time is per process (fork to exit); peak
memory is the child's max RSS from wait4.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus", "helm")


def run(argv, cwd):
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/tmp/capstan-bench-home"})
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, ru.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capstan", default=os.path.join(HERE, "..", "target", "release", "capstan"))
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/capstan-peers/bin/helm"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="substring of case names")
    args = ap.parse_args()
    os.makedirs("/tmp/capstan-bench-home", exist_ok=True)
    with open(os.path.join(CORPUS, "cases.json")) as f:
        cases = json.load(f)
    if args.only:
        cases = [c for c in cases if args.only in c["case"]]
    tools = {"helm": os.path.abspath(args.helm), "capstan": os.path.abspath(args.capstan)}
    totals = {t: [] for t in tools}
    peaks = {t: {} for t in tools}
    for r in range(args.rounds):
        round_total = {t: 0.0 for t in tools}
        for c in cases:
            argv = shlex.split(c["command"])
            for name, binary in tools.items():
                wall, rss, _ = run([binary] + argv[1:], CORPUS)
                round_total[name] += wall
                peaks[name][c["case"]] = max(peaks[name].get(c["case"], 0), rss)
        for t in tools:
            totals[t].append(round_total[t])
        print(f"round {r + 1}: helm {round_total['helm']:.2f}s, capstan {round_total['capstan']:.2f}s", file=sys.stderr)
    best = {t: min(v) for t, v in totals.items()}
    print(f"cases: {len(cases)}, rounds: {args.rounds} (best round reported)")
    print(f"total wall time: helm {best['helm']:.3f}s, capstan {best['capstan']:.3f}s, "
          f"speed-up {best['helm'] / best['capstan']:.1f}x")
    for case in ("kube-prometheus-stack", "kube-prometheus-stack__crds"):
        if case in peaks["helm"]:
            h, c = peaks["helm"][case], peaks["capstan"][case]
            print(f"peak RSS {case}: helm {h / 2**20:.1f} MiB, capstan {c / 2**20:.1f} MiB, ratio {c / h:.2f}")


if __name__ == "__main__":
    main()
