"""The data contract (contract/*.schema.json) is itself valid and says what its README says."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "contract"


def schema(name: str) -> dict:
    return json.loads((CONTRACT / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one schema that resolves the other schema of the contract by file name."""
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))))
        for path in CONTRACT.glob("*.schema.json"))
    return jsonschema.Draft202012Validator(schema(name), registry=registry,
                                           format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("name", ["reading", "aggregate"])
def test_schema_is_valid_draft_2020_12(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("example", sorted(p.name for p in (CONTRACT / "examples").glob("*.json")))
def test_examples_are_valid(example):
    kind = "aggregate" if example.startswith("aggregate") else "reading"
    validator(kind).validate(json.loads((CONTRACT / "examples" / example).read_text(encoding="utf-8")))


READING = json.loads((CONTRACT / "examples" / "reading.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("field,value", [
    ("sensorId", "<img src=x onerror=alert(1)>"), ("sensorId", ""), ("sensorId", "a" * 129),
    ("sensorId", "caf\u00e9"), ("sensorId", "a b"), ("bootId", "x\ny"), ("seq", -1), ("seq", 1.5),
    ("temperature", 85.01), ("temperature", -60.01), ("humidity", 100.1), ("pressure", 299.9),
    ("pressure", 1100.1), ("latitude", 90.5), ("longitude", -180.5), ("timestamp", "yesterday"),
])
def test_a_reading_outside_the_rules_is_invalid(field, value):
    assert not validator("reading").is_valid({**READING, field: value})


@pytest.mark.parametrize("field", ["bootId", "seq"])
def test_boot_id_and_seq_go_together(field):
    reading = dict(READING)
    del reading[field]
    assert not validator("reading").is_valid(reading)
    del reading["seq" if field == "bootId" else "bootId"]
    assert validator("reading").is_valid(reading)


@pytest.mark.parametrize("field,value", [("temperature", -60), ("temperature", 85), ("humidity", 0),
                                         ("humidity", 100), ("pressure", 300), ("pressure", 1100),
                                         ("sensorId", "A-z_0.9" + "x" * 121)])
def test_bounds_are_inclusive(field, value):
    assert validator("reading").is_valid({**READING, field: value})


def test_an_aggregate_site_is_an_identifier_too():
    aggregate = json.loads((CONTRACT / "examples" / "aggregate.json").read_text(encoding="utf-8"))
    assert validator("aggregate").is_valid(aggregate)
    assert not validator("aggregate").is_valid({**aggregate, "site": "<b>x</b>"})
    assert not validator("aggregate").is_valid({**aggregate, "missing": -1})
