"""Exactly-once counting from the sensor on (issue: the bridge's held requests and the firmware's
resends were counted twice). The sensors post over HTTP through the local mode's bridge; the edge
bridge is paused past the firmware's HTTP timeout and the edge broker stopped while they keep
posting, so the firmware gives up and resends what the bridge still writes: both copies reach
`sensor-data`. The aggregator must count each (sensorId, bootId, seq) once and report the repeats as
`duplicates`, and HQ must show it.

These tests share the session's deployment and run after test_local_pipeline.py and
test_authorizer.py (conftest.py orders the modules): a sensor reboot first, with the suite's short
grace; then the playbook lengthens the grace (e2e_outage_grace_seconds), which the ingestion
outages need, and the outages follow.
"""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
import urllib.parse
from collections import defaultdict
from pathlib import Path

import lib

SENT_LOG = lib.BASE / "sensors" / "sent.jsonl"
SENSORS = int(lib.VARS["local_sensors_count"])
W = lib.WINDOW_S
EDGE_OUTAGE_S = 65
# Longer than the firmware's HTTP timeout (roles/firmware, 10 s), so the sensors resend.
BRIDGE_FREEZE_S = 15
BRIDGE_DOWN_S = 30
OUTAGE_GRACE_S = int(lib.VARS["e2e_outage_grace_seconds"])
GRACE = {"s": lib.GRACE_S}  # the grace the aggregator runs with now
CONTROL = f"http://127.0.0.1:{lib.VARS['local_sensors_extra_args'][1]}"
PROM = f"http://127.0.0.1:{lib.VARS['local_prometheus_port']}"
FRONTEND = f"http://127.0.0.1:{lib.VARS['local_services_frontend_port']}"
REPORT_FILE = lib.ROOT / "build" / "test-results" / "e2e-exactly-once.json"
REPORT: dict[str, object] = {}


def closed_before(now: float) -> float:
    return now - GRACE["s"] - 2


def distinct_sent() -> dict[tuple[str, int], set[tuple[str, int]]]:
    """(sensor, windowStart) -> the distinct (bootId, seq) the sensors sent in it (resends once)."""
    out: dict[tuple[str, int], set[tuple[str, int]]] = defaultdict(set)
    for r in lib.sent_readings(SENT_LOG):
        out[(r["sensorId"], lib.window_start(lib.parse_ts(r["timestamp"])))].add((r["bootId"], r["seq"]))
    return out


def hq_aggregates(tail: lib.TopicTail) -> dict[tuple[str, int], list[dict]]:
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for agg in tail.records():
        out[(agg["sensorId"], int(lib.parse_ts(agg["windowStart"])))].append(agg)
    return out


def wait_windows_at_hq(tail: lib.TopicTail, after: int, until: int, timeout: float = 240):
    """Every (sensor, window) the sensors sent in [after, until) has arrived at HQ; returns both maps."""
    lib.poll("the last window to close", lambda: closed_before(time.time()) >= until, until - time.time() + GRACE["s"] + 60)

    def complete():
        sent = {k: v for k, v in distinct_sent().items() if after <= k[1] and k[1] + W <= until}
        hq = hq_aggregates(tail)
        return (sent, hq) if sent and all(k in hq for k in sent) else None
    return lib.poll("every sent (sensor, window) at HQ", complete, timeout, interval=2)


def write_report() -> None:
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps(REPORT, indent=2, sort_keys=True))


def test_sensors_post_through_a_bridge(deployment):
    status = deployment["supervisor"].status()
    assert status.get("bridge") == "RUNNING", f"no bridge program in the local mode: {status}"
    lib.poll(f"{SENSORS} sensors delivering", lambda: len({k[0] for k in distinct_sent()}) >= SENSORS, 120)
    for r in lib.sent_readings(SENT_LOG)[:50]:
        assert isinstance(r.get("bootId"), str) and isinstance(r.get("seq"), int), r


def test_a_sensor_restarted_mid_window_shows_no_false_duplicates_or_loss(deployment):
    """A reboot: new bootId, seq from 0 again; neither a duplicate nor a gap."""
    tail = deployment["tail"]
    sensor = sorted({k[0] for k in distinct_sent()})[0]
    lib.poll("the middle of a window", lambda: abs(time.time() % W - W / 2) < 1, 2 * W, interval=0.2)
    window = lib.window_start(time.time())
    req = urllib.request.Request(f"{CONTROL}/sensors/{urllib.parse.quote(sensor)}/restart", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 202
    sent, hq = wait_windows_at_hq(tail, window, window + 2 * W)
    boots = {boot for (boot, _seq) in sent[(sensor, window)] | sent.get((sensor, window + W), set())}
    assert len(boots) == 2, f"{sensor} did not reboot in {lib.iso(window)}: boots {boots}"
    for key in ((sensor, window), (sensor, window + W)):
        agg = hq[key][0]
        REPORT.setdefault("restart", {})[f"{key[0]}@{lib.iso(key[1])}"] = {
            "count": agg["count"], "duplicates": agg["duplicates"], "missing": agg["missing"], "boots": len(boots)}
        assert agg["count"] == len(sent[key]) and agg["missing"] == 0 and agg["duplicates"] == 0, (key, agg)
    write_report()


def test_a_longer_grace_is_rolled_out_to_the_aggregator(deployment):
    """An operator lengthens the grace for a site with long outages: a playbook run (the services'
    tag) restarts the aggregator with it, and nothing else."""
    sup = deployment["supervisor"]
    others = {name: sup.pid(name) for name in ("edge-kafka", "hq-kafka", "mirrormaker", "frontend", "bridge")}
    old = sup.pid("aggregator")
    run = lib.playbook("--tags", "local_services", "-e", f"pipeline_grace_seconds={OUTAGE_GRACE_S}")
    assert run.rc == 0, run.output[-4000:]
    assert run.changed > 0, "the changed grace was not deployed"
    new = sup.wait_running("aggregator", other_than=old)
    environ = dict(item.split("=", 1) for item in
                   Path(f"/proc/{new}/environ").read_text().split("\0") if "=" in item)
    assert environ.get("AGGREGATOR_GRACE_SECONDS") == str(OUTAGE_GRACE_S), environ.get("AGGREGATOR_GRACE_SECONDS")
    assert {name: sup.pid(name) for name in others} == others, "a program other than the aggregator was restarted"
    GRACE["s"] = OUTAGE_GRACE_S


def drained() -> bool:
    """Every sensor has delivered a reading taken in the last few seconds: its queue is empty again."""
    newest: dict[str, float] = {}
    for r in lib.sent_readings(SENT_LOG):
        newest[r["sensorId"]] = max(newest.get(r["sensorId"], 0.0), lib.parse_ts(r["timestamp"]))
    return len(newest) >= SENSORS and min(newest.values()) >= time.time() - 4


def stopped_for(sup: lib.Supervisor, program: str, seconds: float) -> float:
    """Stop `program`, start it again after `seconds`; returns how long it was away."""
    sup.run("stop", program)
    stopped = time.time()
    time.sleep(seconds)
    sup.run("start", program)
    sup.wait_running(program)
    return round(time.time() - stopped, 1)


def test_ingestion_outages_every_reading_is_counted_once_and_nothing_is_lost(deployment):
    """Three faults at the edge's ingestion, each of which makes the firmware queue and resend:
    - the bridge frozen (SIGSTOP) for longer than the firmware's HTTP timeout, as a GC pause or a
      starved node does: the requests wait in its socket, the firmware gives up and resends, and
      the thawed bridge writes the old requests too: the duplicates this test must see dropped;
    - the edge broker stopped for 65 s: the bridge answers with per-record errors, the firmware
      queues and resends; the records of a request in flight at the broker's return may be written
      although reported failed;
    - the bridge stopped for 30 s (connection refused): the firmware's queue delivers everything after."""
    assert GRACE["s"] > EDGE_OUTAGE_S, "run after test_a_longer_grace_is_rolled_out_to_the_aggregator"
    sup, tail = deployment["supervisor"], deployment["tail"]
    lib.poll("a window boundary", lambda: time.time() % W < 1, 2 * W, interval=0.2)
    after = lib.window_start(time.time())
    bridge = sup.pid("bridge")
    os.kill(bridge, signal.SIGSTOP)
    try:
        time.sleep(BRIDGE_FREEZE_S)
    finally:
        os.kill(bridge, signal.SIGCONT)
    time.sleep(W / 2)
    REPORT["edge_outage_s"] = stopped_for(sup, "edge-kafka", EDGE_OUTAGE_S)
    # The next outage starts when the backlog is delivered, so no reading waits through both.
    lib.poll("every sensor's queue drained after the broker's return", drained, 120, interval=1)
    REPORT["bridge_down_s"] = stopped_for(sup, "bridge", BRIDGE_DOWN_S)
    until = lib.window_start(time.time()) + 2 * W
    sent, hq = wait_windows_at_hq(tail, after, until)
    problems, per_window = [], {}
    for key in sorted(sent):
        aggs = hq[key]
        if len(aggs) != 1:
            problems.append(f"{key}: {len(aggs)} aggregates at HQ")
            continue
        agg = aggs[0]
        per_window[f"{key[0]}@{lib.iso(key[1])}"] = {"sent_distinct": len(sent[key]), "count": agg["count"],
                                                      "duplicates": agg["duplicates"], "missing": agg["missing"]}
        if agg["count"] != len(sent[key]):
            problems.append(f"{key[0]}@{lib.iso(key[1])}: count {agg['count']} != {len(sent[key])} distinct readings sent")
        if agg["missing"] != 0:
            problems.append(f"{key[0]}@{lib.iso(key[1])}: missing {agg['missing']}, nothing was lost")
    readings = lib.sent_readings(SENT_LOG)
    duplicates = sum(w["duplicates"] for w in per_window.values())
    REPORT.update(windows=per_window, duplicates_dropped=duplicates,
                  readings_sent_distinct=sum(len(v) for v in sent.values()),
                  readings_posted=sum(1 for r in readings if after <= lib.parse_ts(r["timestamp"]) < until))
    write_report()
    assert not problems, "\n".join(problems)
    assert duplicates > 0, "no duplicates were dropped: the resend path was not exercised (check the timeouts)"
    # Every second of the outages was sampled and delivered later: no gap in any boot's seq.
    for sid, boot in {(r["sensorId"], r["bootId"]) for r in readings}:
        seqs = sorted({r["seq"] for r in readings if r["sensorId"] == sid and r["bootId"] == boot})
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"{sid}/{boot}: gaps in seq after the outages"


def test_completeness_is_shown_by_the_api_and_prometheus(deployment):
    def api_has_it():
        sensors = lib.get_json(f"{FRONTEND}/api/sensors")
        ok = [s for s in sensors if s.get("completeness") == 1.0 and s.get("missing") == 0 and "duplicates" in s]
        return sensors if len(ok) >= SENSORS else None
    lib.poll("completeness 1.0 for every sensor in /api/sensors", api_has_it, 120, interval=2)

    def prom(query: str) -> list[dict]:
        return lib.get_json(f"{PROM}/api/v1/query?query=" + urllib.parse.quote(query))["data"]["result"]
    lib.poll("sensor_completeness_ratio for every sensor", lambda: len(prom("sensor_completeness_ratio")) >= SENSORS, 60, 2)
    lib.poll("a duplicate counted at HQ", lambda: prom("sum(sensor_readings_duplicate_total) > 0"), 60, 2)
    assert prom("sensor_readings_missing_total"), "no sensor_readings_missing_total series"
