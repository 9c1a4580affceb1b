#!/usr/bin/env bash
# What an edge site costs, on the local mode (`make demo`'s pipeline) with the K3s settings, in its
# own directory and ports (build/bench/local/), 60 s windows. Phases and method: bench/local.py.
#   BENCH local.cold_start_s                      playbook start -> first aggregate in HQ's API (10 sensors)
#   BENCH local.wan_wire_bytes_per_sensor_hour    TCP bytes both ways edge <-> HQ listener, per sensor-hour (100 sensors)
#   BENCH local.wan_wire_to_raw_ratio             those bytes / the raw readings' bytes (100 sensors)
#   BENCH local.wan_wire_{edge_to_hq,hq_to_edge}_bytes_per_hour   the split per direction
#   BENCH local.wan_idle_bytes_per_hour           the same with no sensor sending
#   BENCH local.wan_stored_*                      bytes stored in HQ's log segments (not what crossed the link)
#   BENCH local.edge_rss_mb                       peak RSS of broker + bridge + aggregator + MirrorMaker 2 (100 sensors)
#   BENCH local.window_to_hq_p99_s                window end + grace -> aggregate in HQ's API (p99, 100 sensors)
#   BENCH local.backlog_catchup_s / _wire_bytes   HQ back after BENCH_OUTAGE_MINUTES -> every aggregate in HQ's API
# The *_10_sensors figures are the same at 10 sensors. Targets (issues 8 and 17): cold start < 180 s,
# p99 < 5 s, wire <= 1/100 of raw at 100 sensors, idle <= 50 KB/h, edge RSS <= 1,000 MB.
# BENCH_MINUTES (default 10) per measured phase, BENCH_OUTAGE_MINUTES (default 10): about 50 min in all.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=build/bench
mkdir -p "$OUT"
export LOCAL_E2E_VARS=$OUT/local-vars.yml
cat > "$LOCAL_E2E_VARS" <<'VARS'
---
local_base_dir: "{{ local_repo_dir }}/build/bench/local"
pipeline_window_seconds: 60
pipeline_grace_seconds: 10
local_kafka_edge_port: 22092
local_kafka_edge_controller_port: 22093
local_kafka_hq_port: 22192
local_kafka_hq_tls_port: 22193
local_kafka_hq_controller_port: 22194
# Ports below the ephemeral range (see tests/e2e/e2e-vars.yml: TCP self-connect to a stopped broker).
# HQ advertises its listener for the edges at the benchmark's counting relay (bench/wire_relay.py).
local_kafka_hq_tls_advertised_port: 22195
local_mirrormaker_target_bootstrap: "localhost:22195"
local_services_aggregator_port: 22080
local_services_frontend_port: 22081
local_mirrormaker_rest_port: 22083
local_sensors_bridge_port: 22088
local_sensors_bridge_management_port: 22089
local_prometheus_port: 22090
local_sensors_count: 10
VARS
stop() { ansible-playbook site.yml -i inventory/local -e "@$LOCAL_E2E_VARS" -e local_state=absent >/dev/null 2>&1 || true; }
trap stop EXIT
rm -rf build/bench/local
python bench/local.py
