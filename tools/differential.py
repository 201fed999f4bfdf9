#!/usr/bin/env python3
"""Run capstan and the real tool side by side on charts or kustomizations
they were never tested on, and report every difference.

Usage:
  differential.py template  --bin CAPSTAN DIR... [--ci-values] [--include-crds] [--jobs N]
  differential.py lint      --bin CAPSTAN DIR... [--jobs N]
  differential.py kustomize --bin CAPSTAN DIR... [--jobs N]

Every directory under DIR that holds a Chart.yaml (template, lint) or a
kustomization file (kustomize) is a case. Charts are copied to a scratch
directory first; a dependency missing from a copy's charts/ is filled with
a chart of that name found under the DIRs (the source trees are never
changed), so monorepos of charts render offline.

template: `helm template rel CHART --namespace ns1` against capstan's, per
  chart and, with --ci-values, per `ci/*.yaml` values file. A case passes
  when the output is byte-identical; or when the only documents that differ
  are ones that also differ between two helm runs (random passwords, keys)
  and those have the same key paths; or when both fail with the same
  message. Anything else is printed with both sides.
lint: pass/fail of `helm lint CHART` against `capstan lint CHART`. capstan's
  lint checks more (Kubernetes API types, removed APIs), so a chart helm
  passes and capstan fails is listed with capstan's errors, for a reader to
  judge; never the reverse.
kustomize: `kubectl kustomize DIR` against `capstan kustomize DIR`, byte for
  byte, or both failing.

helm and kubectl come from ../shared/tools/install-peers.sh (or PATH).
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    yaml = None

PEERS = os.path.expanduser("~/.cache/capstan-peers/bin")
SOURCE_RE = re.compile(r"^# Source: (.+)$", re.M)
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def peer(name):
    path = os.path.join(PEERS, name)
    return path if os.access(path, os.X_OK) else shutil.which(name) or sys.exit(f"{name} not found; run install-peers.sh")


def run(argv, cwd=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, errors="replace", cwd=cwd, timeout=300)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, "", "timed out after 300 s"


def find_dirs(roots, is_case):
    found = []
    for root in roots:
        for dp, dns, fns in os.walk(root):
            dns[:] = sorted(d for d in dns if not d.startswith("."))
            if is_case(fns):
                found.append(dp)
                if "Chart.yaml" in fns:
                    dns[:] = []  # a chart's own subcharts are not cases
    return found


def chart_name(path):
    try:
        with open(os.path.join(path, "Chart.yaml")) as f:
            return (yaml.safe_load(f) or {}).get("name") or os.path.basename(path)
    except Exception:
        return os.path.basename(path)


def dependencies(path):
    names = []
    for file in ("Chart.yaml", "requirements.yaml"):
        try:
            with open(os.path.join(path, file)) as f:
                names += [d.get("name") for d in (yaml.safe_load(f) or {}).get("dependencies") or [] if d.get("name")]
        except Exception:
            pass
    return names


def fill_dependencies(path, by_name, depth=0):
    """Copy each missing dependency (by name) into path/charts."""
    for name in dependencies(path):
        charts = os.path.join(path, "charts")
        if os.path.exists(os.path.join(charts, name)) or (
                os.path.isdir(charts) and any(f.startswith(name + "-") and f.endswith(".tgz") for f in os.listdir(charts))):
            continue
        source = by_name.get(name)
        if source is None or depth > 5:
            continue
        os.makedirs(charts, exist_ok=True)
        shutil.copytree(source, os.path.join(charts, name), symlinks=True)
        fill_dependencies(os.path.join(charts, name), by_name, depth + 1)


def split_docs(text):
    docs, cur = [], []
    for line in text.splitlines(keepends=True):
        if line.rstrip("\n") == "---":
            docs.append("".join(cur))
            cur = []
        else:
            cur.append(line)
    docs.append("".join(cur))
    return [d for d in docs if d.strip()]


def key_paths(node, prefix=""):
    if isinstance(node, dict):
        return set().union(*(key_paths(v, f"{prefix}/{k}") for k, v in node.items())) or {prefix}
    if isinstance(node, list):
        return set().union(*(key_paths(v, f"{prefix}[{i}]") for i, v in enumerate(node))) or {prefix}
    return {prefix}


def same_shape(a, b):
    if yaml is None:
        return False
    try:
        return key_paths(yaml.safe_load(a)) == key_paths(yaml.safe_load(b))
    except Exception:
        return False


def template_case(helm, capstan, chart, extra):
    argv = ["template", "rel", chart, "--namespace", "ns1"] + extra
    h, c = run([helm] + argv), run([capstan] + argv)
    if h[0] != 0 or c[0] != 0:
        if h[0] != 0 and c[0] != 0:
            return ("both fail", "") if h[2].strip() == c[2].strip() else ("messages differ", f"helm: {h[2]}\ncapstan: {c[2]}")
        return ("exit differs", f"helm exit {h[0]}: {h[2]}\ncapstan exit {c[0]}: {c[2]}")
    if h[1] == c[1]:
        return ("exact", "")
    again = run([helm] + argv)[1]
    hd, cd = split_docs(h[1]), split_docs(c[1])
    unstable = {SOURCE_RE.search(a).group(1) for a, b in zip(hd, split_docs(again)) if a != b and SOURCE_RE.search(a)}
    if len(hd) != len(cd):
        return ("differs", f"{len(hd)} documents from helm, {len(cd)} from capstan")
    for a, b in zip(hd, cd):
        source = SOURCE_RE.search(a)
        if a != b and not (source and source.group(1) in unstable and a.splitlines()[:1] == b.splitlines()[:1] and same_shape(a, b)):
            return ("differs", f"helm:\n{a[:2000]}\ncapstan:\n{b[:2000]}")
    return ("masked", "")


def lint_case(helm, capstan, chart, _extra):
    h, c = run([helm, "lint", chart]), run([capstan, "lint", chart])
    hf, cf = h[0] != 0, c[0] != 0
    if hf == cf:
        return ("both fail" if hf else "both pass", "")
    if cf:
        errors = "\n".join(l for l in (c[1] + c[2]).splitlines() if "[ERROR]" in l)
        return ("only capstan fails", errors)
    return ("only helm fails", h[1] + h[2])


def kustomize_case(kubectl, capstan, directory, _extra):
    k, c = run([kubectl, "kustomize", directory]), run([capstan, "kustomize", directory])
    if k[0] != 0 or c[0] != 0:
        if k[0] != 0 and c[0] != 0:
            return ("both fail", "")
        return ("exit differs", f"kubectl exit {k[0]}: {k[2]}\ncapstan exit {c[0]}: {c[2]}")
    return ("exact", "") if k[1] == c[1] else ("differs", f"kubectl:\n{k[1][:3000]}\ncapstan:\n{c[1][:3000]}")


PASSING = {"exact", "masked", "both fail", "both pass"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["template", "lint", "kustomize"])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--bin", required=True, help="the capstan binary")
    ap.add_argument("--ci-values", action="store_true", help="template: also each ci/*.yaml values file")
    ap.add_argument("--include-crds", action="store_true", help="template: pass --include-crds")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    capstan = os.path.abspath(args.bin)
    if args.mode != "kustomize" and yaml is None:
        sys.exit("PyYAML is needed to read Chart.yaml files")

    scratch = tempfile.mkdtemp(prefix="capstan-differential-")
    cases, source_of = [], {}
    if args.mode == "kustomize":
        tool, check = peer("kubectl"), kustomize_case
        cases = [(d, []) for d in find_dirs(args.dirs, lambda fns: any(f in fns for f in KUSTOMIZATION_FILES))]
    else:
        tool, check = peer("helm"), template_case if args.mode == "template" else lint_case
        charts = find_dirs(args.dirs, lambda fns: "Chart.yaml" in fns)
        by_name = {}
        for c in charts:
            by_name.setdefault(chart_name(c), c)
        for i, c in enumerate(charts):
            copy = os.path.join(scratch, str(i), os.path.basename(c))
            try:
                shutil.copytree(c, copy)  # links followed, as helm does
            except (shutil.Error, OSError):
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(c, copy, symlinks=True)
            source_of[copy] = c
            fill_dependencies(copy, by_name)
            extra = [["--include-crds"]] if args.include_crds else [[]]
            cases += [(copy, e) for e in extra]
            if args.mode == "template" and args.ci_values:
                cases += [(copy, ["-f", f]) for f in sorted(glob.glob(os.path.join(copy, "ci", "*.yaml")))]

    def one(case):
        return case, check(tool, capstan, case[0], case[1])

    counts = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for (path, extra), (status, detail) in pool.map(one, cases):
            counts[status] += 1
            if status not in PASSING:
                shown = source_of.get(path, path)
                print(f"== {status}: {shown} {' '.join(extra)}\n{detail.rstrip()}\n")
    shutil.rmtree(scratch, ignore_errors=True)
    print(", ".join(f"{n} {s}" for s, n in counts.most_common()))
    print(f"{sum(counts[s] for s in PASSING)} of {len(cases)} cases agree")


if __name__ == "__main__":
    main()
