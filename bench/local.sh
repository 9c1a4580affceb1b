#!/usr/bin/env bash
# Benchmark of the local mode (`make demo`'s pipeline) on a built tree, in its own directory and
# ports (build/bench/local/), with the default 60 s windows and 20 simulated sensors:
#   BENCH local.cold_start_s             playbook start -> first aggregate visible in the frontend API
#   BENCH local.window_to_hq_p99_s       window end + grace -> aggregate visible in the frontend API (p99)
#   BENCH local.wan_bytes_per_sensor_hour   bytes stored at HQ (what crossed the WAN) per sensor-hour
#   BENCH local.raw_bytes_per_sensor_hour   bytes of raw readings at the edge per sensor-hour
#   BENCH local.wan_to_raw_ratio         the two above divided
#   BENCH local.edge_rss_mb              RSS of the edge processes (broker, aggregator, MirrorMaker 2, sensors)
# Targets (issue 8): cold start < 180 s, p99 < 5 s, WAN <= 1/100 of raw.
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
local_kafka_edge_port: 49092
local_kafka_edge_controller_port: 49093
local_kafka_hq_port: 49192
local_kafka_hq_tls_port: 49193
local_kafka_hq_controller_port: 49194
local_services_aggregator_port: 48080
local_services_frontend_port: 48081
local_mirrormaker_rest_port: 48083
local_prometheus_port: 49090
local_sensors_count: 20
VARS
BENCH_MINUTES=${BENCH_MINUTES:-4}
stop() { ansible-playbook site.yml -i inventory/local -e "@$LOCAL_E2E_VARS" -e local_state=absent >/dev/null 2>&1 || true; }
trap stop EXIT
rm -rf build/bench/local
python - "$BENCH_MINUTES" <<'PY'
import json, sys, threading, time
from pathlib import Path
sys.path.insert(0, "tests/e2e")
import lib

minutes = int(sys.argv[1])
api = f"http://127.0.0.1:{lib.VARS['local_services_frontend_port']}/api/sensors"
seen: dict[tuple[str, str], float] = {}
stop = threading.Event()

def watch():
    while not stop.is_set():
        try:
            for s in lib.get_json(api, timeout=5):
                seen.setdefault((s["id"], s["windowStart"]), time.time())
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.25)

t0 = time.time()
threading.Thread(target=watch, daemon=True).start()
play = lib.playbook(timeout=900)
assert play.rc == 0, play.output[-4000:]
lib.poll("a first aggregate in the frontend API", lambda: seen, 600, interval=0.5)
cold = min(seen.values()) - t0
time.sleep(minutes * 60)
stop.set()
W, G = lib.WINDOW_S, lib.GRACE_S
first = min(lib.parse_ts(w) for _, w in seen)
lat = sorted(at - (lib.parse_ts(w) + W + G) for (_, w), at in seen.items() if lib.parse_ts(w) > first)
p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))] if lat else float("nan")

def topic_bytes(data_dir: Path, topic: str) -> int:
    return sum(f.stat().st_size for d in data_dir.glob(f"{topic}-*") for f in d.glob("*.log"))

base = lib.BASE / "kafka"
sensors = int(lib.VARS["local_sensors_count"])
readings = lib.sent_readings(lib.BASE / "sensors" / "sent.jsonl")
span_h = (max(lib.parse_ts(r["timestamp"]) for r in readings) - min(lib.parse_ts(r["timestamp"]) for r in readings)) / 3600
raw = topic_bytes(base / "edge" / "data", "sensor-data") / sensors / span_h
wan = topic_bytes(base / "hq" / "data", "local.sensor-data-aggregated") / sensors / span_h
sup = lib.Supervisor()
rss = 0
for prog in ("edge-kafka", "aggregator", "mirrormaker", "sensors"):
    pid = sup.pid(prog)
    for p in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1]) * 1024
results = {
    "local.cold_start_s": (round(cold, 1), "s"),
    "local.window_to_hq_p99_s": (round(p99, 2), "s"),
    "local.wan_bytes_per_sensor_hour": (round(wan), "bytes"),
    "local.raw_bytes_per_sensor_hour": (round(raw), "bytes"),
    "local.wan_to_raw_ratio": (round(wan / raw, 4), "ratio"),
    "local.edge_rss_mb": (round(rss / 2**20), "MB"),
}
for name, (value, unit) in results.items():
    print(f"BENCH {name} {value} {unit}")
    Path(f"build/bench/{name}.json").write_text(json.dumps({"name": name, "value": value, "unit": unit,
        "window_seconds": W, "sensors": sensors, "samples": len(lat), "minutes": minutes}) + "\n")
PY
