"""The readings the firmware emits against the data contract, and the ingestion timeouts of every
place that sets them agreeing with each other (roles/edge_pipeline/README.md, "Ingestion:
timeouts, resends and de-duplication")."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
FW = ROOT / "firmware" / "esp32"


def defaults(role: str) -> dict:
    return yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())


def test_readings_the_firmware_emits_match_the_contract(tmp_path: Path):
    """Simulated sensors (the real firmware under MicroPython) post to the bridge test double;
    every reading it acknowledged, exactly as posted, is valid against reading.schema.json."""
    double = subprocess.Popen(["node", str(FW / "sim/bridge_double.mjs"), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = double.stdout.readline().strip()
        sent = tmp_path / "sent.jsonl"
        run = subprocess.run(["node", str(FW / "sim/simulate.mjs"), "--sensor-ids", "contract-a,contract.b_2",
                              "--interval-ms", "100", "--count", "15", "--bridge-url", url, "--sent-log", str(sent),
                              "--stats-interval-s", "0"], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
    finally:
        double.terminate()
        double.wait(timeout=30)
    schema = json.loads((ROOT / "contract" / "reading.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    readings = [json.loads(line) for line in sent.read_text().splitlines()]
    assert len(readings) == 30
    for r in readings:
        value = {k: v for k, v in r.items() if k not in ("partition", "offset", "sentAt")}  # the log's own fields
        errors = [e.message for e in validator.iter_errors(value)]
        assert not errors, (value, errors)
        assert re.fullmatch(r"[0-9a-f]{8}", value["bootId"]), value
    for sensor in ("contract-a", "contract.b_2"):
        mine = [r for r in readings if r["sensorId"] == sensor]
        assert len({r["bootId"] for r in mine}) == 1
        assert [r["seq"] for r in mine] == list(range(15))


def test_the_contract_rejects_what_the_firmware_must_never_send():
    schema = json.loads((ROOT / "contract" / "reading.schema.json").read_text())
    good = {"sensorId": "s", "bootId": "9f3a61c2", "seq": 0, "timestamp": "2026-11-24T18:48:56Z",
            "temperature": 20.5, "humidity": 50.0, "pressure": 981.5, "latitude": 50.0, "longitude": 14.0}
    jsonschema.validate(good, schema)
    for broken in ({"bootId": None}, {"seq": -1}, {"bootId": "9f3a 61c2"}):
        value = {**good, **broken}
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(value)), broken


def _firmware_http_timeout_ms() -> dict[str, int]:
    settings = (FW / "src" / "settings.py").read_text()
    template = (FW / "src" / "config_template.py").read_text()
    simulate = (FW / "sim" / "simulate.mjs").read_text()
    return {
        "firmware settings.py default": int(re.search(r'"HTTP_TIMEOUT_S": (\d+)', settings).group(1)) * 1000,
        "config_template.py": int(re.search(r"^HTTP_TIMEOUT_S = (\d+)$", template, re.M).group(1)) * 1000,
        "firmware_http_timeout_s": int(defaults("firmware")["firmware_http_timeout_s"]) * 1000,
        "local_sensors_http_timeout_ms": int(defaults("local_sensors")["local_sensors_http_timeout_ms"]),
        "simulate.mjs --http-timeout-ms": int(re.search(r'"http-timeout-ms": \{ type: "string", default: "(\d+)"', simulate).group(1)),
    }


def test_the_device_timeout_is_one_figure_everywhere():
    figures = _firmware_http_timeout_ms()
    assert len(set(figures.values())) == 1, figures


def test_the_bridge_settles_a_batch_before_the_device_gives_up():
    device_ms = _firmware_http_timeout_ms()["firmware_http_timeout_s"]
    edge = defaults("edge_pipeline")
    local = defaults("local_sensors")
    producers = {
        "edge_pipeline (KafkaBridge)": {k: int(edge[f"edge_pipeline_bridge_{k}"]) for k in
                                        ("max_block_ms", "request_timeout_ms", "delivery_timeout_ms", "linger_ms")},
        "local_sensors (bridge or double)": {k: int(local[f"local_sensors_bridge_{k}"]) for k in
                                             ("max_block_ms", "request_timeout_ms", "delivery_timeout_ms", "linger_ms")},
    }
    assert producers["edge_pipeline (KafkaBridge)"] == producers["local_sensors (bridge or double)"], producers
    for where, p in producers.items():
        # the Java producer refuses a delivery timeout below linger + request timeout
        assert p["delivery_timeout_ms"] >= p["linger_ms"] + p["request_timeout_ms"], where
        # a held batch is answered (written, or per-record errors) with 2 s to spare for the
        # WiFi round trip and the bridge's own work before the device's timeout
        assert p["delivery_timeout_ms"] + 2000 <= device_ms, (where, p, device_ms)
        # a single record waiting for metadata is answered in time as well
        assert p["max_block_ms"] + 2000 <= device_ms, (where, p, device_ms)


def test_every_bridge_gets_the_chosen_producer_settings():
    crd = (ROOT / "roles/edge_pipeline/templates/50-bridge.yaml.j2").read_text()
    props = (ROOT / "roles/local_sensors/templates/bridge.properties.j2").read_text()
    double_args = yaml.safe_load((ROOT / "roles/local_sensors/vars/main.yml").read_text())["__local_sensors_double_args"]
    for name in ("max_block_ms", "request_timeout_ms", "delivery_timeout_ms", "linger_ms"):
        kafka_name = name.removesuffix("_ms").replace("_", ".") + ".ms"
        assert f"{kafka_name}: {{{{ edge_pipeline_bridge_{name} | int }}}}" in crd, kafka_name
        assert f"kafka.producer.{kafka_name}={{{{ local_sensors_bridge_{name} }}}}" in props, kafka_name
        assert f"'--{name.replace('_', '-')}', local_sensors_bridge_{name} | string" in double_args, name
    assert "acks: all" in crd and "enable.idempotence: true" in crd
    assert "kafka.producer.acks=all" in props and "kafka.producer.enable.idempotence=true" in props
    assert "'--acks', 'all', '--idempotence', 'true'" in double_args
