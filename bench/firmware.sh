#!/usr/bin/env bash
# Firmware under MicroPython (WebAssembly) on this host: loop iterations per second, and what
# 20 simulated sensors deliver over HTTP to the bridge test double (readings/s, RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
[[ -d firmware/esp32/node_modules/@micropython ]] || npm ci --prefix firmware/esp32 --no-audit --no-fund --loglevel=error
node firmware/esp32/sim/bench.mjs build/bench/firmware.json
