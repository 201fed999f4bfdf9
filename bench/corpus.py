#!/usr/bin/env python3
"""Run a whole conformance corpus with the real tool and with capstan, side
by side in one run, and report total wall time and peak memory.

Usage: bench/corpus.py helm|kustomize [--capstan PATH] [--peer PATH] [--rounds N]

`helm` renders the 80 Helm cases (peer: helm); `kustomize` builds the 16
kustomize cases (peer: kubectl, which runs `kubectl kustomize DIR`).
Installs nothing itself: get the peers with ../shared/tools/install-peers.sh
(default: ~/.cache/capstan-peers/bin). Each case's command from cases.json
is run once per round with each tool, alternating, so both see the same
machine load. Wall time is per process (fork to exit); peak memory is the
child's max RSS from wait4. The best round is reported.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS_ROOT = os.path.join(HERE, "..", "..", "shared", "corpus")


def run(argv, cwd):
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/tmp/capstan-bench-home"})
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["helm", "kustomize"])
    ap.add_argument("--capstan", default=os.path.join(HERE, "..", "target", "release", "capstan"))
    ap.add_argument("--peer", help="the real helm or kubectl")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="substring of case names")
    args = ap.parse_args()
    os.makedirs("/tmp/capstan-bench-home", exist_ok=True)
    peer_name = "helm" if args.kind == "helm" else "kubectl"
    peer = args.peer or os.path.expanduser(f"~/.cache/capstan-peers/bin/{peer_name}")
    corpus = os.path.join(CORPUS_ROOT, args.kind)
    with open(os.path.join(corpus, "cases.json")) as f:
        cases = json.load(f)
    if args.only:
        cases = [c for c in cases if args.only in c["case"]]
    tools = {"peer": os.path.abspath(peer), "capstan": os.path.abspath(args.capstan)}
    totals = {t: [] for t in tools}
    cpu_totals = {t: [] for t in tools}
    peaks = {t: {} for t in tools}
    for r in range(args.rounds):
        round_total = {t: 0.0 for t in tools}
        round_cpu = {t: 0.0 for t in tools}
        for c in cases:
            argv = shlex.split(c["command"])
            for name, binary in tools.items():
                wall, cpu, rss, _ = run([binary] + argv[1:], corpus)
                round_total[name] += wall
                round_cpu[name] += cpu
                peaks[name][c["case"]] = max(peaks[name].get(c["case"], 0), rss)
        for t in tools:
            totals[t].append(round_total[t])
            cpu_totals[t].append(round_cpu[t])
        print(f"round {r + 1}: {peer_name} {round_total['peer']:.2f}s, capstan {round_total['capstan']:.2f}s",
              file=sys.stderr)
    best = {t: min(v) for t, v in totals.items()}
    best_cpu = {t: min(v) for t, v in cpu_totals.items()}
    print(f"cases: {len(cases)}, rounds: {args.rounds} (best round reported)")
    print(f"total wall time: {peer_name} {best['peer']:.3f}s, capstan {best['capstan']:.3f}s, "
          f"speed-up {best['peer'] / best['capstan']:.1f}x")
    # CPU time (user + system) depends less on the machine's load than wall time.
    print(f"total CPU time: {peer_name} {best_cpu['peer']:.3f}s, capstan {best_cpu['capstan']:.3f}s, "
          f"ratio {best_cpu['peer'] / best_cpu['capstan']:.1f}x")
    biggest = max(peaks["peer"], key=lambda c: peaks["peer"][c])
    for case in dict.fromkeys(["kube-prometheus-stack", biggest]):
        if case in peaks["peer"]:
            h, c = peaks["peer"][case], peaks["capstan"][case]
            print(f"peak RSS {case}: {peer_name} {h / 2**20:.1f} MiB, capstan {c / 2**20:.1f} MiB, ratio {c / h:.2f}")


if __name__ == "__main__":
    main()
