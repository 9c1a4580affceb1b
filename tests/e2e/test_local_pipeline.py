"""End-to-end and fault-injection tests of the local mode (inventory/local): real Kafka brokers,
MirrorMaker 2 over mTLS, the aggregator and frontend jars, Prometheus and the firmware simulator.

Zero loss is checked by comparing the set of (sensor, windowStart) the sensors delivered with the
set that arrived on HQ's `local.sensor-data-aggregated`. The tests run in file order and share one
deployment (bringing it up takes most of a minute on two cores).
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
import yaml

import lib

SENT_LOG = lib.BASE / "sensors" / "sent.jsonl"
SENSORS = int(lib.VARS["local_sensors_count"])
W = lib.WINDOW_S
SETTLE_S = lib.WINDOW_S + lib.GRACE_S  # a window is final this long after it starts + W + grace … plus pipeline latency
PROM = f"http://127.0.0.1:{lib.VARS['local_prometheus_port']}"
FRONTEND = f"http://127.0.0.1:{lib.VARS['local_services_frontend_port']}"
REPORT: dict[str, float] = {}


def closed_before(now: float) -> float:
    """Windows ending at or before this instant are closed by now (grace passed, stream time moved on)."""
    return now - lib.GRACE_S - 2


def wait_all_at_hq(tail: lib.TopicTail, after: float | None, until: float, timeout: float) -> tuple[set, list]:
    """Wait until every (sensor, window) the sensors delivered in [after, until) is at HQ; return (expected, hq list)."""
    expected = lib.sent_windows(lib.sent_readings(SENT_LOG), before=until, after=after)
    assert expected, f"the sensors delivered nothing between {after} and {until} (sent log {SENT_LOG})"

    def complete():
        got = lib.hq_windows(tail.records())
        missing = expected - set(got)
        return (expected, got) if not missing else None
    try:
        return lib.poll("every sent (sensor, window) at HQ", complete, timeout, interval=1.0)
    except AssertionError:
        got = set(lib.hq_windows(tail.records()))
        missing = sorted(expected - got)
        raise AssertionError(f"{len(missing)} of {len(expected)} (sensor, window) never reached HQ: "
                             f"{[(s, lib.iso(w)) for s, w in missing[:20]]}") from None


def sensors_in_log() -> set[str]:
    return {r["sensorId"] for r in lib.sent_readings(SENT_LOG)}


# ---- bring-up ------------------------------------------------------------------------------------
def test_playbook_brings_everything_up_from_nothing(deployment):
    status = deployment["supervisor"].status()
    for program in ("edge-kafka", "hq-kafka", "mirrormaker", "aggregator", "frontend", "prometheus", "sensors"):
        assert status.get(program) == "RUNNING", f"{program} is not running: {status}"
    out = deployment["first"].output
    assert f"Map (frontend):" in out and "Prometheus:" in out and "ConsoleConsumer" in out, out[-3000:]


@pytest.fixture(scope="module")
def second_and_check_runs(deployment):
    """A second run and a check-mode run with another topic-refresh interval, at once (neither may
    change anything; together they take the time of little more than one on two cores)."""
    before = lib.get_json(f"{CONNECT}/connectors/{CONNECTOR}/config")
    again, check = lib.playbooks((), ("--check", "--diff", "-e", "pipeline_mm2_refresh_topics_seconds=301"))
    return {"again": again, "check": check, "connector_before": before}


def test_second_run_changes_nothing(second_and_check_runs):
    again = second_and_check_runs["again"]
    assert again.rc == 0, again.output[-4000:]
    assert again.changed == 0, f"second run reported changed={again.changed}:\n{again.output[-6000:]}"
    REPORT["second_run_s"] = again.seconds


def test_check_mode_reports_a_pending_connector_change_and_submits_nothing(second_and_check_runs):
    """--check --diff with another topic-refresh interval: the connector task alone reports a change and
    names the key a real run would submit, and the running connector keeps its configuration."""
    check = second_and_check_runs["check"]
    assert check.rc == 0, check.output[-4000:]
    assert f"{CONNECTOR}: would submit its configuration (keys that differ: refresh.topics.interval.seconds)" \
        in check.output, check.output[-6000:]
    assert check.changed == 1, f"check mode reported changed={check.changed}:\n{check.output[-6000:]}"
    assert lib.get_json(f"{CONNECT}/connectors/{CONNECTOR}/config") == second_and_check_runs["connector_before"]


def test_hq_listener_requires_a_client_certificate(deployment):
    """The mTLS listener MirrorMaker 2 uses rejects a client that has the CA but no certificate."""
    tls = lib.TLS / "hq"
    props = lib.BASE.parent / "no-cert.properties"
    props.write_text(f"security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location={tls}/ca.crt\n")
    res = lib.kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                         f"localhost:{lib.VARS['local_kafka_hq_tls_port']}", "--command-config", str(props), "--list",
                         timeout=90)
    assert res.returncode != 0, f"listing topics without a client certificate succeeded:\n{res.stdout}"
    props.write_text(props.read_text() + f"ssl.keystore.type=PEM\nssl.keystore.location={tls}/edge-{lib.SITE}.pem\n")
    res = lib.kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                         f"localhost:{lib.VARS['local_kafka_hq_tls_port']}", "--command-config", str(props), "--list",
                         timeout=90)
    assert res.returncode == 0 and "local.sensor-data-aggregated" in res.stdout, res.stdout + res.stderr[-2000:]


# ---- the data path -------------------------------------------------------------------------------
def test_every_sensor_window_arrives_at_hq(deployment):
    tail = deployment["tail"]
    start = time.time()
    lib.poll(f"{SENSORS} sensors delivering", lambda: len(sensors_in_log()) >= SENSORS, 120)
    first_full = lib.window_start(time.time()) + W
    # >= 3 complete windows after every sensor is up
    until = first_full + 3 * W
    lib.poll("3 windows to pass", lambda: closed_before(time.time()) >= until, 4 * W + lib.GRACE_S + 60, interval=1)
    expected, got = wait_all_at_hq(tail, first_full, until, timeout=60)
    assert {s for s, _ in expected} == sensors_in_log() and len({s for s, _ in expected}) == SENSORS
    assert len({w for _, w in expected}) >= 3
    REPORT["data_path_s"] = time.time() - start


def test_aggregates_match_what_the_sensors_sent(deployment):
    """count, avg, min, max of each HQ aggregate equal what the sensor delivered in that window
    (each distinct reading once), and the aggregate validates against the contract."""
    readings = lib.sent_readings(SENT_LOG)
    by_key: dict[tuple[str, int], list[dict]] = {}
    for r in readings:
        by_key.setdefault((r["sensorId"], lib.window_start(lib.parse_ts(r["timestamp"]))), {})[(r["bootId"], r["seq"])] = r
    by_key = {k: list(v.values()) for k, v in by_key.items()}  # each (bootId, seq) once: resends are not data
    checked = 0
    for agg in deployment["tail"].records():
        key = (agg["sensorId"], int(lib.parse_ts(agg["windowStart"])))
        rs = by_key.get(key)
        if not rs or key[1] + W > closed_before(time.time()) - 2 * W:
            continue
        assert agg["site"] == lib.SITE
        assert agg["count"] == len(rs), f"{key}: count {agg['count']} != {len(rs)} readings sent"
        for q in ("temperature", "humidity", "pressure"):
            vals = [float(r[q]) for r in rs]
            assert abs(agg[q]["min"] - min(vals)) < 1e-6, (key, q, agg[q], vals)
            assert abs(agg[q]["max"] - max(vals)) < 1e-6, (key, q, agg[q], vals)
            assert abs(agg[q]["avg"] - sum(vals) / len(vals)) < 1e-3, (key, q, agg[q], vals)
        checked += 1
    assert checked >= SENSORS * 2, f"only {checked} aggregates could be compared"


def test_frontend_api_shows_every_sensor_with_its_latest_values(deployment):
    tail = deployment["tail"]

    def consistent():
        api = {s["id"]: s for s in lib.get_json(f"{FRONTEND}/api/sensors")}
        latest: dict[str, dict] = {}
        for agg in tail.records():
            if agg["sensorId"] not in latest or agg["windowStart"] > latest[agg["sensorId"]]["windowStart"]:
                latest[agg["sensorId"]] = agg
        if set(api) != sensors_in_log():
            return None
        for sid, agg in latest.items():
            view = api[sid]
            if lib.parse_ts(view["windowStart"]) != lib.parse_ts(agg["windowStart"]):
                return None  # one of them is a window behind: poll again
            assert view["site"] == lib.SITE and view["count"] == agg["count"], (view, agg)
            for q in ("temperature", "humidity", "pressure"):
                assert abs(view[q]["avg"] - agg[q]["avg"]) < 1e-6, (sid, q, view[q], agg[q])
            assert abs(view["latitude"] - agg["latitude"]) < 1e-9 and abs(view["longitude"] - agg["longitude"]) < 1e-9
        return api
    lib.poll("the frontend API to match HQ's latest aggregates", consistent, 60, interval=2)


def test_prometheus_has_every_sensor(deployment):
    def all_sensors():
        res = lib.get_json(f"{PROM}/api/v1/query?query=" + urllib.parse.quote("sensor_temperature_celsius"))
        labels = {r["metric"].get("sensor") for r in res["data"]["result"]}
        return labels if labels >= sensors_in_log() else None
    lib.poll("sensor_temperature_celsius for every sensor in Prometheus", all_sensors, 60, interval=2)


def promql_expressions() -> list[tuple[str, str]]:
    """(origin, expr) of every alert/recording rule and dashboard panel target of the project."""
    exprs = []
    for path in sorted((lib.ROOT / "roles").glob("*/files/rules/*.yml")):
        for group in (yaml.safe_load(path.read_text()) or {}).get("groups", []):
            for rule in group.get("rules", []):
                exprs.append((f"{path.relative_to(lib.ROOT)}:{rule.get('alert') or rule.get('record')}", str(rule["expr"])))
    for path in sorted((lib.ROOT / "roles").glob("*/files/dashboards/*.json")):
        def walk(node, title=""):
            if isinstance(node, dict):
                title = node.get("title", title)
                if isinstance(node.get("expr"), str) and node["expr"].strip():
                    exprs.append((f"{path.relative_to(lib.ROOT)}:{title}", node["expr"]))
                for v in node.values():
                    walk(v, title)
            elif isinstance(node, list):
                for v in node:
                    walk(v, title)
        walk(json.loads(path.read_text()))
    return exprs


GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "30s", "$__range": "5m", "${__rate_interval}": "1m",
                "$site": ".*", "${site}": ".*", "$sensor": ".*", "${sensor}": ".*", "$namespace": ".*",
                "${namespace}": ".*", "$cluster": ".*", "${cluster}": ".*", "$job": ".*", "${job}": ".*"}


def test_every_rule_and_dashboard_expression_evaluates(deployment):
    exprs = promql_expressions()
    rule_files = list((lib.BASE / "prometheus" / "rules").glob("*.yml"))
    if not exprs:
        pytest.fail("no alert rules or dashboards found under roles/*/files/{rules,dashboards}")
    assert rule_files, "Prometheus was given no rule files"
    errors, empty_sensor_panels = [], []
    for origin, expr in exprs:
        q = expr
        for k in sorted(GRAFANA_VARS, key=len, reverse=True):
            q = q.replace(k, GRAFANA_VARS[k])
        try:
            res = lib.get_json(f"{PROM}/api/v1/query?query=" + urllib.parse.quote(q))
        except Exception as exc:  # noqa: BLE001 - the error body names the parse error
            errors.append(f"{origin}: {expr!r}: {exc}")
            continue
        if res.get("status") != "success":
            errors.append(f"{origin}: {expr!r}: {res}")
        elif "dashboards" in origin and "sensor_" in expr and not res["data"]["result"]:
            empty_sensor_panels.append(f"{origin}: {expr}")
    assert not errors, "\n".join(errors)
    assert not empty_sensor_panels, "sensor panels without data:\n" + "\n".join(empty_sensor_panels)
    rules = lib.get_json(f"{PROM}/api/v1/rules")
    loaded = sum(len(g["rules"]) for g in rules["data"]["groups"])
    assert loaded == sum(1 for o, _ in exprs if "/rules/" in o), (loaded, exprs)


# ---- faults: zero loss ---------------------------------------------------------------------------
def _fault_window(deployment, name: str, action) -> None:
    """Run `action` while the sensors keep sending; then every (sensor, window) delivered from one window
    before the fault until after recovery must arrive at HQ."""
    tail = deployment["tail"]
    before = lib.window_start(time.time()) - W
    t0 = time.monotonic()
    action(deployment["supervisor"])
    REPORT[f"{name}_fault_s"] = time.monotonic() - t0
    until = lib.window_start(time.time()) + W  # the window running when the fault ended
    lib.poll("the window after the fault to close", lambda: closed_before(time.time()) >= until, 2 * W + lib.GRACE_S + 30)
    t1 = time.monotonic()
    expected, got = wait_all_at_hq(tail, before, until, timeout=180)
    REPORT[f"{name}_recovery_s"] = time.monotonic() - t1
    return expected, got


def test_aggregator_sigkill_mid_window_loses_and_duplicates_nothing(deployment):
    sup = deployment["supervisor"]

    def kill(s: lib.Supervisor):
        lib.poll("the middle of a window", lambda: abs(time.time() % W - W / 2) < 1, 2 * W, interval=0.2)
        old = s.kill9("aggregator")
        s.wait_running("aggregator", timeout=120, other_than=old)
    expected, got = _fault_window(deployment, "aggregator_kill", kill)
    counts = Counter(k for k in got if k in expected)
    dup = {k: c for k, c in counts.items() if c > 1}
    assert not dup, f"duplicate aggregates at HQ after the aggregator restart: {dup}"
    assert sup.status()["aggregator"] == "RUNNING"


HQ_OUTAGE_S = 60
CONNECT = f"http://127.0.0.1:{lib.VARS['local_mirrormaker_rest_port']}"
CONNECTOR = f"{lib.SITE}-to-hq"


def connector_status() -> dict:
    return lib.get_json(f"{CONNECT}/connectors/{CONNECTOR}/status")


def connector_and_tasks_running() -> dict | None:
    status = connector_status()
    states = [status["connector"]["state"]] + [t["state"] for t in status["tasks"]]
    return status if status["tasks"] and set(states) == {"RUNNING"} else None


def test_connect_state_lives_at_the_edge(deployment):
    """The distributed worker's group and config/offset/status topics are on the edge broker, none at HQ,
    and the connector runs there with its producer pointed at HQ (the K3s KafkaConnect's shape)."""
    lib.poll("the connector and its task RUNNING", connector_and_tasks_running, 60)
    edge = lib.kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                          f"127.0.0.1:{lib.VARS['local_kafka_edge_port']}", "--command-config", str(lib.admin_config("edge")),
                          "--list", timeout=90)
    hq = lib.kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                        f"127.0.0.1:{lib.VARS['local_kafka_hq_port']}", "--command-config", str(lib.admin_config("hq")),
                        "--list", timeout=90)
    assert edge.returncode == 0 and hq.returncode == 0, edge.stderr[-2000:] + hq.stderr[-2000:]
    internal = {f"mm2-connect-{kind}" for kind in ("configs", "offsets", "status")}
    assert internal <= set(edge.stdout.split()), edge.stdout
    assert not internal & set(hq.stdout.split()), hq.stdout
    assert not [t for t in hq.stdout.split() if "mm2" in t or "connect" in t], hq.stdout
    config = lib.get_json(f"{CONNECT}/connectors/{CONNECTOR}/config")
    assert config["producer.override.bootstrap.servers"] == f"localhost:{lib.VARS['local_kafka_hq_tls_port']}"
    assert config["source.consumer.isolation.level"] == "read_committed"
    # Only references to the PEM files cross the REST API and the config topic, never the key.
    assert config["producer.override.ssl.keystore.key"].startswith("${certs:"), config
    assert "PRIVATE KEY" not in json.dumps(config)


def exporter_names(pid: int, query: str) -> list[str]:
    """MBeans of a running JVM as the JMX exporter matches them: `domain<key=value, ...><>attribute`."""
    res = subprocess.run([lib.java(), str(Path(__file__).with_name("MBeanNames.java")), str(pid), query],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    names = []
    for line in res.stdout.splitlines():
        name, attribute = line.split("\t")
        domain, properties = name.split(":", 1)
        names.append(f"{domain}<{properties.replace(',', ', ')}><>{attribute}")
    return names


def test_connect_metrics_rules_match_the_mbeans_the_worker_registers(deployment):
    """The K3s Connect pod's JMX exporter rules (roles/edge_pipeline/files/connect-metrics.yml) against
    the MBeans this worker, the same Kafka version, really registers: a renamed MBean fails here."""
    rules = [re.compile(r["pattern"]) for r in
             yaml.safe_load((lib.ROOT / "roles" / "edge_pipeline" / "files" / "connect-metrics.yml").read_text())["rules"]]
    pid = deployment["supervisor"].pid("mirrormaker")
    wanted = {"replication-latency-ms-max": "kafka.connect.mirror:type=MirrorSourceConnector,*",
              "source-record-poll-total": "kafka.connect:type=source-task-metrics,*",
              "records-lag-max": "kafka.consumer:type=consumer-fetch-manager-metrics,*"}
    for attribute, query in wanted.items():
        names = [n for n in lib.poll(f"MBeans {query}", lambda q=query: exporter_names(pid, q), 60)
                 if n.endswith("<>" + attribute)]
        assert names, f"no {attribute} among the MBeans {query}"
        unmatched = [n for n in names if not any(r.fullmatch(n) for r in rules)]
        assert not unmatched, f"no exporter rule matches {unmatched}"


def test_hq_down_for_60s_loses_nothing_and_the_task_resumes_in_place(deployment):
    sup = deployment["supervisor"]
    worker_pid = sup.pid("mirrormaker")
    seen: dict[str, set] = {"during": set()}

    def outage(s: lib.Supervisor):
        s.run("stop", "hq-kafka")
        assert s.status()["hq-kafka"] == "STOPPED"
        deadline = time.monotonic() + HQ_OUTAGE_S
        while time.monotonic() < deadline:  # sensors, aggregator and MirrorMaker 2 keep running
            try:
                status = connector_status()
                seen["during"].update(t["state"] for t in status["tasks"])
            except (OSError, ValueError):
                seen["during"].add("REST-UNAVAILABLE")
            time.sleep(5)
        s.run("start", "hq-kafka")
        s.wait_running("hq-kafka")
    _fault_window(deployment, "hq_down", outage)
    # Resumed by itself: the same worker process, connector and task RUNNING, no restart.
    assert sup.pid("mirrormaker") == worker_pid, "the Connect worker was restarted during the HQ outage"
    status = lib.poll("the connector and its task RUNNING after the outage", connector_and_tasks_running, 60)
    assert "FAILED" not in seen["during"], f"the task failed during the outage: {seen['during']}"
    assert status["tasks"][0]["worker_id"] == f"127.0.0.1:{lib.VARS['local_mirrormaker_rest_port']}"
    REPORT["hq_down_outage_s"] = HQ_OUTAGE_S


def test_mirrormaker_sigkill_loses_nothing(deployment):
    def kill(s: lib.Supervisor):
        old = s.kill9("mirrormaker")
        s.wait_running("mirrormaker", timeout=120, other_than=old)
    _fault_window(deployment, "mm2_kill", kill)
    # The restarted worker read the connector from its config topic at the edge: no playbook run needed.
    lib.poll("the connector and its task RUNNING after the restart", connector_and_tasks_running, 60)


# ---- tear-down -----------------------------------------------------------------------------------
def test_zz_teardown_leaves_no_process_and_keeps_the_data(deployment):
    deployment["tail"].stop()
    stop = lib.playbook("-e", "local_state=absent")
    assert stop.rc == 0, stop.output[-4000:]
    base = str(lib.BASE)
    left = {pid: cmd for pid, cmd in lib.process_cmdlines().items() if base in cmd}
    assert not left, f"processes left behind: {left}"
    assert (lib.BASE / "kafka" / "edge" / "data" / "meta.properties").exists()
    assert any((lib.BASE / "kafka" / "hq" / "data").glob("local.sensor-data-aggregated-*"))
    REPORT["stop_s"] = stop.seconds
    out = lib.ROOT / "build" / "test-results" / "e2e-timings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(REPORT, indent=2))
