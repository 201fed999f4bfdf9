#!/usr/bin/env bash
# Run every fuzz target in turn, one at a time, at the lowest priority, and
# print per target: run time, executions, corpus size, crashes.
#
#   fuzz/run-all.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, all)
#
# Stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags;
# no sanitizer (-s none): capstan's only unsafe code maps chart files, sets
# an allocator option at start-up and views checked UTF-8 as text; the
# findings wanted here are panics, hangs and runaway memory.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gotmpl_parse gotmpl_exec yaml_values yaml_fast strvals chart_archive kustomize release_decode)
export RUSTC_BOOTSTRAP=1
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  [ -d "seeds/$t" ] && cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null
  start=$(date +%s)
  nice -n 19 cargo fuzz run -s none -O "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 -max_len=65536 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  corpus=$(ls "corpus/$t" | wc -l)
  crashes=$(ls "artifacts/$t" | wc -l)
  echo "$t: ${took}s, rc $rc, ${execs:-?} executions, corpus $corpus, artifacts $crashes"
done
