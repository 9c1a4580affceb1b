#!/usr/bin/env bash
# Run the benchmarks: every bench/*.sh, or those named as arguments (e.g. `make bench BENCH=aggregator`).
# Each prints `BENCH <name> <value> <unit>` lines and writes build/bench/<name>.json; this script
# collects the lines into build/bench/summary.txt. A failing benchmark is reported, not fatal to
# the others. Benchmarks are never part of `make test`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p build/bench
summary=build/bench/summary.txt
: > "$summary"
failed=()
for script in bench/*.sh; do
  name=$(basename "$script" .sh)
  if [[ $# -gt 0 ]] && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "==> bench $name"
  if ! "$script" >"build/bench/$name.log" 2>&1; then
    failed+=("$name")
    tail -20 "build/bench/$name.log"
  fi
  grep -E '^BENCH ' "build/bench/$name.log" | tee -a "$summary" || echo "bench $name printed no BENCH line"
done
echo; echo "summary ($summary):"; cat "$summary"
if [[ ${#failed[@]} -gt 0 ]]; then echo "failed benchmarks: ${failed[*]} (logs in build/bench/)"; exit 1; fi
