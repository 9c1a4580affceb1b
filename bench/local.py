"""What an edge site costs, measured on the local mode (`make demo`'s pipeline) with the K3s settings
(roles/pipeline: pipeline_edge_memory, pipeline_mm2_*), in its own directory and ports. Run by
bench/local.sh; the phases follow one another on one deployment:

  cold start  playbook start -> first aggregate in HQ's API (10 sensors)
  10 sensors  BENCH_MINUTES of 60 s windows
  idle        the sensors stopped: what the site sends with nothing to send
  100 sensors BENCH_MINUTES; the edge processes' RSS is sampled throughout
  outage      HQ's broker stopped for BENCH_OUTAGE_MINUTES at 100 sensors, then back: the time until
              every aggregate of the outage is in HQ's API, and the WAN bytes the catch-up took

WAN bytes are counted on the wire: HQ advertises its listener for the edges at a counting relay
(bench/wire_relay.py), so every connection MirrorMaker 2 opens to HQ passes through it. Raw bytes
are the readings' JSON as the sensors sent them. Each phase's bytes are also taken per minute, and
their spread (min / median / max per minute) goes into the JSON files."""
from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bench"))
import lib  # noqa: E402
from wire_relay import Counts, WireRelay  # noqa: E402

MINUTES = float(os.environ.get("BENCH_MINUTES", "10"))
OUTAGE_MINUTES = float(os.environ.get("BENCH_OUTAGE_MINUTES", "10"))
FEW, MANY = 10, 100
W, G = lib.WINDOW_S, lib.GRACE_S
API = f"http://127.0.0.1:{lib.VARS['local_services_frontend_port']}/api/sensors"
RELAY_PORT = int(lib.VARS["local_kafka_hq_tls_advertised_port"])
HQ_PORT = int(lib.VARS["local_kafka_hq_tls_port"])
EDGE_PROGRAMS = ("edge-kafka", "bridge", "aggregator", "mirrormaker")
OUT = ROOT / "build" / "bench"


def result(name: str, value: float, unit: str, **detail: object) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps({"name": name, "value": value, "unit": unit, **detail},
                                                 default=str) + "\n")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- what the site's HQ API shows --------------------------------------------------------------
seen: dict[tuple[str, str], float] = {}


def watch(stop: threading.Event) -> None:
    """When each (sensor, window) first appears as a sensor's latest aggregate in HQ's API."""
    while not stop.is_set():
        try:
            for s in lib.get_json(API, timeout=5):
                seen.setdefault((s["id"], s["windowStart"]), time.time())
        except Exception:  # noqa: BLE001 - not up yet, or HQ's frontend restarting
            pass
        time.sleep(0.25)


def history(sensor: str, start: float, end: float) -> set[int]:
    query = urllib.parse.urlencode({"from": lib.iso(int(start)), "to": lib.iso(int(end))})
    return set(lib.get_json(f"{API}/{urllib.parse.quote(sensor)}/history?{query}", timeout=10)["time"])


# ---- the phases ---------------------------------------------------------------------------------
def raw_bytes(start: float, end: float) -> tuple[int, int]:
    """Bytes and number of the readings stamped in [start, end), as JSON the way a sensor sends them."""
    n = size = 0
    for r in lib.sent_readings(lib.BASE / "sensors" / "sent.jsonl"):
        if start <= lib.parse_ts(r["timestamp"]) < end:
            n += 1
            size += len(json.dumps(r, separators=(",", ":")).encode())
    return size, n


def stored_bytes() -> int:
    """Bytes in HQ's log segments of the site's mirrored topic (what the old figure counted)."""
    data = lib.BASE / "kafka" / "hq" / "data"
    return sum(f.stat().st_size for d in data.glob(f"{lib.SITE}.sensor-data-aggregated-*") for f in d.glob("*.log"))


def rss_mb() -> dict[str, float]:
    sup = lib.Supervisor()
    out = {}
    for prog in EDGE_PROGRAMS:
        pid = sup.pid(prog)
        total = 0
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for p in [pid] + [int(c) for c in children]:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        out[prog] = round(total / 2**20, 1)
    return out


class Phase:
    """Counts the relay's bytes over a phase, and per minute."""

    def __init__(self, name: str, relay: WireRelay, sample_rss: bool = False) -> None:
        self.name, self.relay, self.sample_rss = name, relay, sample_rss
        self.minutes: list[Counts] = []
        self.rss: list[dict[str, float]] = []

    def run(self, minutes: float) -> "Phase":
        log(f"phase {self.name}: {minutes} min")
        self.start, self.begin = time.time(), self.relay.counts.snapshot()
        last, t_next, end = self.begin, self.start + 60, self.start + minutes * 60
        while time.time() < end:
            time.sleep(min(15, max(0.1, min(t_next, end) - time.time())))
            if self.sample_rss:
                self.rss.append(rss_mb())
            if time.time() >= t_next:
                now = self.relay.counts.snapshot()
                self.minutes.append(now - last)
                last, t_next = now, t_next + 60
        self.end, self.total = time.time(), self.relay.counts.snapshot() - self.begin
        log(f"phase {self.name}: up {self.total.up} B, down {self.total.down} B, {self.total.connections} connections")
        return self

    @property
    def hours(self) -> float:
        return (self.end - self.start) / 3600

    def spread(self) -> dict[str, object]:
        per_min = [m.up + m.down for m in self.minutes]
        return {"phase": self.name, "seconds": round(self.end - self.start, 1),
                "up_bytes": self.total.up, "down_bytes": self.total.down, "connections": self.total.connections,
                "bytes_per_minute": {"min": min(per_min), "median": statistics.median(per_min), "max": max(per_min)}
                if per_min else {}}


def sensors_phase(name: str, relay: WireRelay, sensors: int, sample_rss: bool = False) -> Phase:
    stored0 = stored_bytes()
    phase = Phase(name, relay, sample_rss).run(MINUTES)
    raw, readings = raw_bytes(phase.start, phase.end)
    wire = phase.total.up + phase.total.down
    stored = stored_bytes() - stored0
    per_sensor_hour = wire / sensors / phase.hours
    suffix = "" if sensors == MANY else f"_{sensors}_sensors"
    detail = dict(phase.spread(), sensors=sensors, readings=readings, raw_bytes=raw, window_seconds=W)
    result(f"local.wan_wire_bytes_per_sensor_hour{suffix}", round(per_sensor_hour), "bytes", **detail)
    result(f"local.wan_wire_to_raw_ratio{suffix}", round(wire / raw, 5), "ratio", **detail)
    result(f"local.wan_wire_edge_to_hq_bytes_per_hour{suffix}", round(phase.total.up / phase.hours), "bytes", **detail)
    result(f"local.wan_wire_hq_to_edge_bytes_per_hour{suffix}", round(phase.total.down / phase.hours), "bytes", **detail)
    result(f"local.raw_bytes_per_sensor_hour{suffix}", round(raw / sensors / phase.hours), "bytes", **detail)
    result(f"local.wan_stored_bytes_per_sensor_hour{suffix}", round(stored / sensors / phase.hours), "bytes",
           stored_bytes=stored, **detail)
    result(f"local.wan_stored_to_raw_ratio{suffix}", round(stored / raw, 5), "ratio", stored_bytes=stored, **detail)
    return phase


def set_sensors(count: int) -> None:
    play = lib.playbook("--tags", "local_sensors", "-e", f"local_sensors_count={count}", timeout=600)
    assert play.rc == 0, play.output[-4000:]
    lib.Supervisor().wait_running("sensors")


def catch_up(relay: WireRelay) -> None:
    sup = lib.Supervisor()
    sensors = sorted({s["id"] for s in lib.get_json(API)})
    log(f"outage: HQ's broker stopped for {OUTAGE_MINUTES} min ({len(sensors)} sensors in HQ's API)")
    t_down = time.time()
    sup.run("stop", "hq-kafka")
    time.sleep(OUTAGE_MINUTES * 60)
    before = relay.counts.snapshot()
    sup.run("start", "hq-kafka")
    t_up = time.time()
    lib.Supervisor().wait_running("hq-kafka")
    # Every window that closed while HQ was away (end + grace before HQ returned), of every sensor.
    first, last = lib.window_start(t_down), lib.window_start(t_up - W - G)
    expected = {(s, w) for s, w in lib.sent_windows(lib.sent_readings(lib.BASE / "sensors" / "sent.jsonl"),
                                                   before=last + W, after=first) if s in sensors}
    assert expected, f"no window closed during an outage of {OUTAGE_MINUTES} min: make it longer"

    def missing() -> set[tuple[str, int]]:
        have = set()
        for s in {s for s, _ in expected}:
            try:
                have |= {(s, w) for w in history(s, first, last)}
            except Exception:  # noqa: BLE001 - the frontend may still be reconnecting to HQ
                pass
        return expected - have

    left = lib.poll("every aggregate of the outage in HQ's API", lambda: (not missing()) or None,
                    1800, interval=2)
    assert left
    done = time.time()
    used = relay.counts.snapshot() - before
    detail = {"sensors": len(sensors), "outage_seconds": round(t_up - t_down, 1), "windows": len(expected),
              "up_bytes": used.up, "down_bytes": used.down, "connections": used.connections}
    result("local.backlog_catchup_s", round(done - t_up, 1), "s", **detail)
    result("local.backlog_catchup_wire_bytes", used.up + used.down, "bytes", **detail)


def main() -> None:
    relay = WireRelay(RELAY_PORT, HQ_PORT)
    stop = threading.Event()
    t0 = time.time()
    threading.Thread(target=watch, args=(stop,), daemon=True).start()
    play = lib.playbook(timeout=900)
    assert play.rc == 0, play.output[-4000:]
    lib.poll("a first aggregate in the frontend API", lambda: seen, 600, interval=0.5)
    result("local.cold_start_s", round(min(seen.values()) - t0, 1), "s", sensors=FEW)
    time.sleep(W - time.time() % W)  # phases start on a window boundary

    sensors_phase("10 sensors", relay, FEW)
    lib.Supervisor().run("stop", "sensors")
    time.sleep(W + G + 15)  # the last aggregates out, then nothing more to send
    idle = Phase("idle", relay).run(MINUTES)
    result("local.wan_idle_bytes_per_hour", round((idle.total.up + idle.total.down) / idle.hours), "bytes",
           **idle.spread())

    set_sensors(MANY)
    time.sleep(W - time.time() % W + W)  # one full window at 100 sensors before measuring
    seen_before = set(seen)
    busy = sensors_phase("100 sensors", relay, MANY, sample_rss=True)
    peak = max(busy.rss, key=lambda r: sum(r.values()))
    result("local.edge_rss_mb", round(sum(peak.values())), "MB", sensors=MANY, processes=peak,
           samples=len(busy.rss), end=busy.rss[-1], pipeline_edge_memory=lib.VARS.get("pipeline_edge_memory"))
    lat = sorted(at - (lib.parse_ts(w) + W + G) for k, at in seen.items() if k not in seen_before
                 for w in [k[1]] if busy.start <= lib.parse_ts(w) and lib.parse_ts(w) + W <= busy.end)
    if lat:
        p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
        result("local.window_to_hq_p99_s", round(p99, 2), "s", sensors=MANY, samples=len(lat),
               median=round(statistics.median(lat), 2))

    catch_up(relay)
    stop.set()
    relay.close()


if __name__ == "__main__":
    main()
