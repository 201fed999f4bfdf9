#!/usr/bin/env python3
"""Compare two capstan binaries on the helm corpus, side by side.

Usage: bench/ab_corpus.py OLD NEW [ROUNDS]

Runs every case of ../shared/corpus/helm/cases.json with both binaries,
alternating (OLD, NEW, OLD, NEW, ...) so that both see the same machine
load, ROUNDS times each (default 5), and prints the sum over the cases of
each binary's best and median wall time. On a shared virtual machine the
suite's best-of-3 totals drift by several per cent from run to run; this
pairing shows a change of a few per cent between two builds.

Both binaries are first dropped from the page cache: a binary just written
(by cargo or cp) sits in the cache in other folios than one read afresh,
and the kernel maps those into the process differently at start-up, which
alone made a fresh copy look several per cent faster than the same build
read back from disk.
"""
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "helm"))
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus/helm"


def run(argv, env):
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=CORPUS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    os.wait4(p.pid, 0)
    return time.perf_counter() - start


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bins = [os.path.abspath(b) for b in sys.argv[1:3]]
    os.sync()
    for binary in bins:
        fd = os.open(binary, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("TMPDIR", "/tmp")}
    with open(os.path.join(CORPUS, "cases.json")) as f:
        cases = json.load(f)
    best, median = [0.0, 0.0], [0.0, 0.0]
    for case in cases:
        argv = shlex.split(case["command"])[1:]
        times = [[], []]
        for _ in range(rounds):
            for i, binary in enumerate(bins):
                times[i].append(run([binary] + argv, env))
        for i in range(2):
            times[i].sort()
            best[i] += times[i][0]
            median[i] += times[i][len(times[i]) // 2]
    print(f"{len(cases)} cases, {rounds} rounds each")
    print(f"sum of best:   old {best[0] * 1000:.1f} ms, new {best[1] * 1000:.1f} ms (new {(1 - best[1] / best[0]) * 100:.1f}% faster)")
    print(f"sum of median: old {median[0] * 1000:.1f} ms, new {median[1] * 1000:.1f} ms (new {(1 - median[1] / median[0]) * 100:.1f}% faster)")


if __name__ == "__main__":
    main()
