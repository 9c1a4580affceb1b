"""Validation of rendered Kubernetes objects without a cluster.

Strimzi objects are checked against the CRD schemas that Strimzi's crd-generator produces from
io.strimzi:api (tools/strimzi-schemas -> build/strimzi-crds/), made strict: every object schema that
lists `properties` is closed with `additionalProperties: false` (a misspelled field fails instead of
being dropped silently, as the API server would do), except typed maps, objects that preserve unknown
fields, and the selector branches of oneOf/anyOf/allOf. The CRDs' CEL rules
(`x-kubernetes-validations`) are evaluated with cel-python.
"""
from __future__ import annotations

import copy
import pathlib
from dataclasses import dataclass
from typing import Any, Iterator

import celpy
import jsonschema
import yaml

STRIMZI_GROUP = "kafka.strimzi.io"


@dataclass(frozen=True)
class Crd:
    kind: str
    group: str
    version: str
    schema: dict[str, Any]  # as generated
    strict_schema: dict[str, Any]  # closed


def close_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """Returns a copy of an OpenAPI v3 schema with every listed-properties object closed."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if (
            "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        for child in node.get("properties", {}).values():
            walk(child)
        if isinstance(node.get("items"), dict):
            walk(node["items"])
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"])
        # oneOf/anyOf/allOf branches only select among the properties above: never close them.

    walk(schema)
    return schema


def load_crds(directory: pathlib.Path) -> dict[tuple[str, str], Crd]:
    """(apiVersion, kind) -> Crd for every CRD YAML in directory."""
    crds: dict[tuple[str, str], Crd] = {}
    for path in sorted(directory.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            group = doc["spec"]["group"]
            kind = doc["spec"]["names"]["kind"]
            for version in doc["spec"]["versions"]:
                schema = version["schema"]["openAPIV3Schema"]
                crds[(f"{group}/{version['name']}", kind)] = Crd(
                    kind, group, version["name"], schema, close_objects(schema)
                )
    return crds


def schema_errors(schema: dict[str, Any], obj: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(obj)
    )


def _cel_nodes(schema: dict[str, Any], value: Any, path: str) -> Iterator[tuple[str, dict, Any]]:
    """Yields (path, schema, value) for every value in obj that its schema gives CEL rules."""
    if value is None or not isinstance(schema, dict):
        return
    if schema.get("x-kubernetes-validations"):
        yield path, schema, value
    if isinstance(value, dict):
        for key, child in value.items():
            if key in schema.get("properties", {}):
                yield from _cel_nodes(schema["properties"][key], child, f"{path}/{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                yield from _cel_nodes(schema["additionalProperties"], child, f"{path}/{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, child in enumerate(value):
            yield from _cel_nodes(schema["items"], child, f"{path}/{index}")


_CEL_ENV = celpy.Environment()
_CEL_PROGRAMS: dict[str, Any] = {}


def cel_rule_count(schema: dict[str, Any]) -> int:
    count = 0

    def walk(node: Any) -> None:
        nonlocal count
        if isinstance(node, dict):
            count += len(node.get("x-kubernetes-validations", []))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema)
    return count


def cel_errors(schema: dict[str, Any], obj: dict[str, Any]) -> list[str]:
    """Evaluates every CEL rule that applies to a value present in obj (as the API server does)."""
    errors = []
    for path, node_schema, value in _cel_nodes(schema, obj, ""):
        for rule in node_schema["x-kubernetes-validations"]:
            program = _CEL_PROGRAMS.get(rule["rule"])
            if program is None:
                program = _CEL_ENV.program(_CEL_ENV.compile(rule["rule"]))
                _CEL_PROGRAMS[rule["rule"]] = program
            result = program.evaluate({"self": celpy.json_to_cel(value)})
            if isinstance(result, Exception) or not bool(result):
                errors.append(f"{path or '<root>'}: {rule.get('message', rule['rule'])}")
    return errors


def validate_strimzi(crds: dict[tuple[str, str], Crd], obj: dict[str, Any]) -> list[str]:
    crd = crds.get((obj.get("apiVersion"), obj.get("kind")))
    if crd is None:
        return [f"no Strimzi CRD for {obj.get('apiVersion')} {obj.get('kind')}"]
    return schema_errors(crd.strict_schema, obj) + cel_errors(crd.schema, obj)
