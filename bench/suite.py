#!/usr/bin/env python3
"""The benchmark suite: capstan side by side with the real helm and kubectl,
in one run, on the shared conformance corpus; writes a table of ratios into
docs/performance.md (between <!-- bench:begin --> and <!-- bench:end -->).

Usage: bench/suite.py [--capstan PATH] [--rounds N] [--no-write]

Installs helm and kubectl with ../shared/tools/install-peers.sh when they
are missing (into ~/.cache/capstan-peers). Needs a release build of capstan
($CAPSTAN_BIN, else $CARGO_TARGET_DIR/release/capstan, else target/release).

Scenarios (each a list of processes, run once per round with each tool,
alternating so both see the same load; the best round is reported):
  render     every helm case of the corpus (`template`, cases.json)
  kps        kube-prometheus-stack alone (`template`)
  lint       `lint` of every corpus chart
  kustomize  every kustomize case (`kubectl kustomize` / `capstan kustomize`)
  lifecycle  install, upgrade, rollback on capstan's local store (helm has
             no local store: capstan's figures only)
  cluster    install, upgrade, uninstall of kube-prometheus-stack without
             hooks on a cluster, only with CAPSTAN_TEST_KUBECONFIG
             (otherwise "skipped: no cluster"); a separate pass through a
             counting proxy (in front of `kubectl proxy`) counts each
             tool's API requests
For each: whole-process wall time, CPU time (user+sys) and peak RSS (the
largest of any one process), from wait4.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus"))
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"
INSTALL_PEERS = os.path.normpath(os.path.join(REPO, "..", "shared", "tools", "install-peers.sh"))
if not os.path.isfile(INSTALL_PEERS):
    INSTALL_PEERS = "/work/shared/tools/install-peers.sh"
PEERS = os.path.expanduser("~/.cache/capstan-peers/bin")
DOC = os.path.join(REPO, "docs", "performance.md")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def run(argv, cwd, env):
    """One process: (wall seconds, cpu seconds, peak rss bytes, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def drop_from_page_cache(paths):
    """Leave `paths` to be read afresh at their next start, as an installed
    binary is: one just written (by cargo or cp) sits in the page cache in
    other folios, which the kernel maps differently at start-up (a fresh
    copy of capstan measured several per cent faster than the same file
    read back)."""
    os.sync()
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)


def find_capstan(arg):
    for c in [arg, os.environ.get("CAPSTAN_BIN"),
              os.path.join(os.environ.get("CARGO_TARGET_DIR", ""), "release", "capstan") if os.environ.get("CARGO_TARGET_DIR") else None,
              os.path.join(REPO, "target", "release", "capstan")]:
        if c and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.exit("no capstan release binary: cargo build --release, or pass --capstan / set CAPSTAN_BIN")


def ensure_peers():
    helm, kubectl = os.path.join(PEERS, "helm"), os.path.join(PEERS, "kubectl")
    if not (os.access(helm, os.X_OK) and os.access(kubectl, os.X_OK)):
        print(f"installing helm and kubectl with {INSTALL_PEERS}", file=sys.stderr)
        subprocess.run(["bash", INSTALL_PEERS], check=True, stdout=sys.stderr)
    return helm, kubectl


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except Exception:
        return "?"


def machine(helm, kubectl, capstan):
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "memory": mem,
        "load": load,
        "helm": version([helm, "version", "--short"]),
        "kubectl": version([kubectl, "version", "--client"]),
        "capstan": version([capstan, "--version"]),
    }


def scenarios(helm, kubectl, capstan, kubeconfig):
    """name -> (description, {tool: [(argv, cwd, env)]})."""
    home = tempfile.mkdtemp(prefix="capstan-bench-home-")
    env = {"PATH": "/usr/bin:/bin", "HOME": home}
    hcorpus = os.path.join(CORPUS, "helm")
    kcorpus = os.path.join(CORPUS, "kustomize")
    with open(os.path.join(hcorpus, "cases.json")) as f:
        hcases = json.load(f)
    with open(os.path.join(kcorpus, "cases.json")) as f:
        kcases = json.load(f)
    charts = sorted(d for d in os.listdir(os.path.join(hcorpus, "charts"))
                    if os.path.isfile(os.path.join(hcorpus, "charts", d, "Chart.yaml")))
    out = {}

    def both(name, desc, argvs, cwd, peer=helm):
        out[name] = (desc, {
            "peer": [([peer] + a, cwd, env) for a in argvs],
            "capstan": [([capstan] + a, cwd, env) for a in argvs],
        })

    both("render", f"render the helm corpus ({len(hcases)} cases)",
         [shlex.split(c["command"])[1:] for c in hcases], hcorpus)
    both("kps", "render kube-prometheus-stack",
         [["template", "rel", "./charts/kube-prometheus-stack", "--namespace", "ns1"]], hcorpus)
    both("lint", f"lint every corpus chart ({len(charts)})", [["lint", f"./charts/{c}"] for c in charts], hcorpus)
    kargs = []
    for c in kcases:
        argv = shlex.split(c["command"]) if "command" in c else ["kustomize", c.get("dir", c["case"])]
        kargs.append(argv[1:] if argv[0] in ("kubectl", "kustomize", "capstan") and argv[1] == "kustomize" else argv)
    out["kustomize"] = (f"build the kustomize corpus ({len(kcases)} cases)", {
        "peer": [([kubectl] + a, kcorpus, env) for a in kargs],
        "capstan": [([capstan] + a, kcorpus, env) for a in kargs],
    })
    kps = os.path.join(hcorpus, "charts", "kube-prometheus-stack")
    store = dict(env, CAPSTAN_TARGET="local", CAPSTAN_HOME=os.path.join(home, "local-store"))
    out["lifecycle"] = ("install, upgrade, rollback kube-prometheus-stack on the local store", {
        "capstan": [([capstan, "install", "bench", kps, "-n", "bench"], hcorpus, store),
                    ([capstan, "upgrade", "bench", kps, "-n", "bench", "--set", "grafana.replicas=2"], hcorpus, store),
                    ([capstan, "rollback", "bench", "1", "-n", "bench"], hcorpus, store),
                    ([capstan, "uninstall", "bench", "-n", "bench"], hcorpus, store)],
    })
    if kubeconfig:
        kenv = dict(env, KUBECONFIG=kubeconfig)
        steps = lambda tool, name: [
            ([tool, "install", name, kps, "-n", name, "--create-namespace", "--no-hooks"], hcorpus, kenv),
            ([tool, "upgrade", name, kps, "-n", name, "--no-hooks", "--set", "grafana.replicas=2"], hcorpus, kenv),
            ([tool, "uninstall", name, "-n", name, "--no-hooks"], hcorpus, kenv),
        ]
        out["cluster"] = ("install, upgrade, uninstall kube-prometheus-stack (no hooks) on a cluster", {
            "peer": steps(helm, "bench-helm"), "capstan": steps(capstan, "bench-capstan")})
    return out


class CountingProxy:
    """Plain-HTTP pass-through in front of `kubectl proxy` that counts API
    requests, so helm and capstan are counted the same way whatever the
    kubeconfig's credentials are. Used only for the counting pass (it adds
    latency), never for the timed runs."""

    def __init__(self, kubectl, kubeconfig):
        import http.server
        import http.client
        import socket
        import threading
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.upstream_port = s.getsockname()[1]
        s.close()
        self.kproxy = subprocess.Popen([kubectl, "proxy", f"--port={self.upstream_port}", "--address=127.0.0.1"],
                                       env=dict(os.environ, KUBECONFIG=kubeconfig),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.upstream_port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        self.count = 0
        lock = threading.Lock()
        proxy = self
        upstream = self.upstream_port

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def relay(self):
                with lock:
                    proxy.count += 1
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                conn = http.client.HTTPConnection("127.0.0.1", upstream)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.kubeconfig = tempfile.NamedTemporaryFile("w", suffix=".kubeconfig", delete=False)
        self.kubeconfig.write(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
            f"clusters:\n- name: c\n  cluster: {{server: http://127.0.0.1:{self.server.server_address[1]}}}\n"
            "users:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\n")
        self.kubeconfig.close()

    def close(self):
        self.server.shutdown()
        self.kproxy.terminate()
        os.unlink(self.kubeconfig.name)


def count_requests(procs, kubectl, kubeconfig):
    """API requests each tool makes for its steps (one counting pass)."""
    proxy = CountingProxy(kubectl, kubeconfig)
    counts = {}
    try:
        for tool, steps in procs.items():
            before = proxy.count
            for argv, cwd, env in steps:
                run(argv, cwd, dict(env, KUBECONFIG=proxy.kubeconfig.name))
            counts[tool] = proxy.count - before
    finally:
        proxy.close()
    return counts
    return out


def measure(procs, rounds):
    order = list(procs)
    best = {}
    for r in range(rounds):
        for tool in order:
            wall = cpu = 0.0
            peak = 0
            failed = 0
            for argv, cwd, env in procs[tool]:
                w, c, rss, code = run(argv, cwd, env)
                wall += w
                cpu += c
                peak = max(peak, rss)
                failed += code != 0
            cur = best.get(tool)
            if cur is None or wall < cur["wall"]:
                best[tool] = {"wall": wall, "cpu": cpu, "rss": peak, "failed": failed, "n": len(procs[tool])}
        order.reverse()
    return best


def fmt_s(s):
    return f"{s:.2f} s" if s >= 1 else f"{s * 1000:.0f} ms"


def table(results, info, cluster_skipped):
    lines = [
        f"Measured {info['date']} by `bench/suite.py` (best of {info['rounds']} rounds).",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, {info['os']}, "
        f"load average {info['load']} at the start.",
        f"Versions: {info['helm']}; kubectl {info['kubectl']}; {info['capstan']}.",
        "",
        "| scenario | peer wall | capstan wall | wall ×faster | peer CPU | capstan CPU | CPU ×less | peer peak RSS | capstan peak RSS | RSS ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (desc, res) in results.items():
        c = res["capstan"]
        p = res.get("peer")
        note = f" ({c['failed']} of {c['n']} exited non-zero)" if c["failed"] and name != "lint" else ""
        if "requests" in c:
            note += f"; API requests: helm {p['requests']}, capstan {c['requests']}"
        if p:
            lines.append(
                f"| {desc}{note} | {fmt_s(p['wall'])} | {fmt_s(c['wall'])} | {p['wall'] / c['wall']:.1f}× | "
                f"{fmt_s(p['cpu'])} | {fmt_s(c['cpu'])} | {p['cpu'] / max(c['cpu'], 1e-9):.1f}× | "
                f"{p['rss'] / 2**20:.1f} MiB | {c['rss'] / 2**20:.1f} MiB | {c['rss'] / p['rss']:.2f} |")
        else:
            lines.append(
                f"| {desc}{note} (capstan only) | — | {fmt_s(c['wall'])} | — | — | {fmt_s(c['cpu'])} | — | — | "
                f"{c['rss'] / 2**20:.1f} MiB | — |")
    if cluster_skipped:
        lines.append("| install/upgrade on a cluster | skipped: no cluster (set CAPSTAN_TEST_KUBECONFIG) | | | | | | | | |")
    lines += ["", "Peak RSS is the largest of any one process in the scenario. The peer is helm v4, or kubectl for kustomize."]
    return "\n".join(lines)


def write_doc(text):
    with open(DOC) as f:
        doc = f.read()
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n## Benchmark suite\n\n" + block + "\n"
    with open(DOC, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capstan")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--no-write", action="store_true", help="print the table, leave docs/performance.md alone")
    args = ap.parse_args()
    capstan = find_capstan(args.capstan)
    helm, kubectl = ensure_peers()
    drop_from_page_cache([capstan, helm, kubectl])
    info = machine(helm, kubectl, capstan)
    info["rounds"] = args.rounds
    kubeconfig = os.environ.get("CAPSTAN_TEST_KUBECONFIG")
    all_scenarios = scenarios(helm, kubectl, capstan, kubeconfig)
    wanted = args.only.split(",") if args.only else list(all_scenarios)
    results = {}
    for name in wanted:
        desc, procs = all_scenarios[name]
        print(f"{name}: {desc} ...", file=sys.stderr)
        results[name] = (desc, measure(procs, args.rounds))
        if name == "cluster":
            counts = count_requests(procs, kubectl, kubeconfig)
            results[name][1]["peer"]["requests"] = counts["peer"]
            results[name][1]["capstan"]["requests"] = counts["capstan"]
    if not kubeconfig:
        print("cluster: skipped: no cluster", file=sys.stderr)
    text = table(results, info, cluster_skipped=not kubeconfig)
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
