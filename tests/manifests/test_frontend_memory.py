"""The frontend's history bound fits the heap the HQ Deployment gives it.

The frontend keeps every sensor's history in memory (services/frontend, History and SensorStore),
bounded by `sensors.max` sensors of `history.points` points. This checks, against the rendered HQ
Deployment, that

    BASELINE + sensors.max × (History.slots(history.points) × History.BYTES_PER_POINT + PER_SENSOR)

stays within HEADROOM of the heap the container gets (limits.memory × the JVM's MaxRAMPercentage,
or an -Xmx in JAVA_TOOL_OPTIONS). Where each figure comes from is in docs/frontend-memory.md.
"""
from __future__ import annotations

import re

import yaml

from conftest import ROOT

FRONTEND = ROOT / "services" / "frontend"
HISTORY_JAVA = FRONTEND / "src" / "main" / "java" / "io" / "kafkaedge" / "frontend" / "History.java"
APPLICATION_YAML = FRONTEND / "src" / "main" / "resources" / "application.yaml"
PARENT_POM = ROOT / "pom.xml"

# Measured: `FrontendBench memory 2000 1440` (bench/frontend.sh's driver) holds 44,556 bytes a sensor
# after a full GC; 32,496 of them are the history columns computed below, the rest (12,060: the
# latest aggregate, the Sensor, its seven meters with their tags in Helidon's Micrometer registry,
# map entries) is rounded up here.
PER_SENSOR_BYTES = 12_500
# Not per sensor: JVM, Helidon, the Kafka consumer and one full fetch response (fetch.max.bytes,
# 50 MiB by default), the /api/sensors snapshot (about 0.4 KB a sensor, below PER_SENSOR's margin).
BASELINE_BYTES = 96 * 2**20
# G1 needs free regions to evacuate into: the live set stays below this share of the heap.
HEADROOM = 0.85

ELEMENT_BYTES = {"byte": 1, "short": 2, "char": 2, "int": 4, "float": 4, "long": 8, "double": 8}
QUANTITY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9, "": 1}


def bytes_per_point() -> int:
    """History.BYTES_PER_POINT, checked against the columns History declares."""
    source = HISTORY_JAVA.read_text()
    declared = re.search(r"static final int BYTES_PER_POINT = ([0-9 +*]+);", source)
    assert declared, "History.BYTES_PER_POINT not found"
    stated = eval(declared.group(1), {"__builtins__": {}})  # digits, + and * only (matched above)
    columns = re.findall(r"private (\w+)\[\] \w+ = new \w+\[", source)
    assert columns, "History's column arrays not found"
    computed = sum(ELEMENT_BYTES[c] for c in columns)
    assert computed == stated, f"History declares columns of {computed} bytes a point, BYTES_PER_POINT says {stated}"
    return stated


def slots(capacity: int) -> int:
    """History.slots: a full history's arrays hold capacity + max(8, capacity / 8) points."""
    return capacity + max(8, capacity // 8)


def quantity(text: str) -> int:
    number, unit = re.fullmatch(r"([0-9.]+)([KMG]i?)?", str(text)).groups()
    return int(float(number) * QUANTITY[unit or ""])


def heap_bytes(container: dict) -> int:
    env = {e["name"]: e.get("value", "") for e in container.get("env", [])}
    options = env.get("JAVA_TOOL_OPTIONS", "") + " " + env.get("JDK_JAVA_OPTIONS", "")
    xmx = re.search(r"-Xmx([0-9]+[kmgKMG]?)", options)
    if xmx:
        return quantity(xmx.group(1).upper().replace("K", "Ki").replace("M", "Mi").replace("G", "Gi"))
    limit = quantity(container["resources"]["limits"]["memory"])
    percent = re.search(r"MaxRAMPercentage=([0-9.]+)", options) or \
        re.search(r"<jvmFlag>-XX:MaxRAMPercentage=([0-9.]+)</jvmFlag>", PARENT_POM.read_text())
    assert percent, "no MaxRAMPercentage in the Deployment's JVM options nor in the Jib jvmFlags of pom.xml"
    return int(limit * float(percent.group(1)) / 100)


def setting(container: dict, key: str) -> int:
    """A frontend setting as the pod sees it: its environment variable, else application.yaml."""
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    variable = key.upper().replace(".", "_")
    if env.get(variable) is not None:
        return int(env[variable])
    node = yaml.safe_load(APPLICATION_YAML.read_text())
    for part in key.split("."):
        node = node[part]
    return int(node)


def required_bytes(sensors: int, points: int) -> int:
    return BASELINE_BYTES + sensors * (slots(points) * bytes_per_point() + PER_SENSOR_BYTES)


def fits(sensors: int, points: int, heap: int) -> bool:
    return required_bytes(sensors, points) <= HEADROOM * heap


def frontend_container(hq) -> dict:
    deployment = hq.named("Deployment", "frontend")
    return next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "frontend")


def test_history_bound_fits_the_heap_the_deployment_gives(hq):
    container = frontend_container(hq)
    sensors, points = setting(container, "sensors.max"), setting(container, "history.points")
    heap = heap_bytes(container)
    need = required_bytes(sensors, points)
    assert fits(sensors, points, heap), (
        f"{sensors} sensors × {points} points need {need / 2**20:.0f} MiB of live heap, more than "
        f"{HEADROOM:.0%} of the {heap / 2**20:.0f} MiB the frontend gets: raise hq_pipeline_frontend_resources' "
        f"memory limit, or lower SENSORS_MAX / HISTORY_POINTS")
    # The memory request is the limit: a JVM's heap is committed, the node must have it.
    resources = container["resources"]
    assert quantity(resources["requests"]["memory"]) == quantity(resources["limits"]["memory"])


def test_the_check_fails_for_a_bound_that_does_not_fit(hq):
    container = frontend_container(hq)
    sensors, points = setting(container, "sensors.max"), setting(container, "history.points")
    heap = heap_bytes(container)
    assert not fits(sensors * 2, points, heap)
    assert not fits(sensors, points, heap // 2)


def test_a_full_history_costs_what_the_structure_says():
    assert bytes_per_point() == 20
    assert slots(1440) == 1620
    # 10,000 sensors of 24 h of one-minute windows: the benchmark's case.
    assert round(required_bytes(10_000, 1440) / 2**20) == 524
