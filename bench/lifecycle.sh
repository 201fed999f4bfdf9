#!/usr/bin/env bash
# Benchmark (not a test): install + upgrade + rollback of a real chart on
# the embedded local store, each timed over several fresh runs.
#
#   bench/lifecycle.sh [CHART] [RUNS]
#
# CHART defaults to kube-prometheus-stack from the shared corpus; RUNS to 5.
# Needs `cargo build --release` first (uses $CAPSTAN_BIN, else the binary in
# $CARGO_TARGET_DIR or ./target; with a target dir shared between branches,
# copy your binary away and point CAPSTAN_BIN at it).
# Prints, per step, the median and best wall time and the median CPU time
# (user+sys), in milliseconds. Target: each step under 100 ms.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
chart="${1:-$here/../shared/corpus/helm/charts/kube-prometheus-stack}"
[ -d "$chart" ] || chart="/work/shared/corpus/helm/charts/kube-prometheus-stack"
runs="${2:-5}"
bin="${CAPSTAN_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/capstan}"
[ -x "$bin" ] || { echo "no release binary at $bin: run cargo build --release" >&2; exit 1; }
[ -d "$chart" ] || { echo "chart not found: $chart" >&2; exit 1; }

export CAPSTAN_TARGET=local
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One timed command: prints "wall_ms cpu_ms" (wall to the millisecond from
# the shell's clock; CPU from /usr/bin/time, to 10 ms).
timed() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$work/time" -f '%U %S' "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) '{ printf "%d %d\n", ns / 1000000, ($1 + $2) * 1000 }' "$work/time"
}

declare -A wall cpu
for ((i = 1; i <= runs; i++)); do
  export CAPSTAN_HOME="$work/home-$i"
  read -r w c < <(timed "$bin" install bench "$chart" -n bench); wall[install]+="$w "; cpu[install]+="$c "
  read -r w c < <(timed "$bin" upgrade bench "$chart" -n bench --set grafana.replicas=2); wall[upgrade]+="$w "; cpu[upgrade]+="$c "
  read -r w c < <(timed "$bin" rollback bench 1 -n bench); wall[rollback]+="$w "; cpu[rollback]+="$c "
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
best() { tr ' ' '\n' <<<"$1" | grep . | sort -n | head -1; }

echo "chart: $chart ($runs runs, $(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-9s %12s %10s %12s\n' step "median wall" "best wall" "median cpu"
for step in install upgrade rollback; do
  printf '%-9s %9s ms %7s ms %9s ms\n' "$step" "$(median "${wall[$step]}")" "$(best "${wall[$step]}")" "$(median "${cpu[$step]}")"
done
