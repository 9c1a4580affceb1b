"""Core Kubernetes objects against kubernetes-validate's strict schemas for the K3s version the
inventory installs; K3s' HelmChart against a documented subset schema."""
from __future__ import annotations

import pathlib
import re

import jsonschema
import kubernetes_validate
import pytest
import yaml

from conftest import ROOT

HELMCHART_SCHEMA = yaml.safe_load((pathlib.Path(__file__).parent / "helmchart-subset.schema.yaml").read_text())
NOT_CORE = ("kafka.strimzi.io/", "helm.cattle.io/", "monitoring.coreos.com/", "traefik.io/")


def kubernetes_version(inventory: str) -> str:
    """Kubernetes minor of the inventory's k3s_version (e.g. v1.34.2+k3s1 -> 1.34.0)."""
    texts = [p.read_text() for p in (ROOT / "inventory" / inventory).rglob("*.yml")]
    for text in texts:
        match = re.search(r"^\s*k3s_version:\s*[\"']?v?(\d+)\.(\d+)", text, re.M)
        if match:
            return f"{match.group(1)}.{match.group(2)}.0"
    return kubernetes_validate.latest_version()


def core_objects(sites):
    return [(s, o) for s in sites for o in s.objects if not o["apiVersion"].startswith(NOT_CORE)]


def test_core_kinds_are_rendered(sites):
    kinds = {o["kind"] for _, o in core_objects(sites)}
    assert {"Namespace", "ConfigMap", "Secret", "Service", "Deployment", "Ingress"} <= kinds


def test_core_objects_are_valid_for_the_k3s_version(sites):
    failures = []
    for site, obj in core_objects(sites):
        version = kubernetes_version(site.inventory)
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            failures.append(f"{site} {obj['kind']}/{obj['metadata']['name']} (Kubernetes {version}): {error.message}")
    assert not failures, "\n".join(failures)


def test_a_misspelled_core_field_fails(sites):
    site, deployment = next((s, o) for s, o in core_objects(sites) if o["kind"] == "Deployment")
    deployment = yaml.safe_load(yaml.safe_dump(deployment))
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicie"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, kubernetes_version(site.inventory), strict=True)


def test_helmcharts_match_the_helm_controller_fields(sites):
    charts = [(s, o) for s in sites for o in s.objects if o["kind"] == "HelmChart"]
    assert charts
    for site, chart in charts:
        errors = sorted(e.message for e in jsonschema.Draft7Validator(HELMCHART_SCHEMA).iter_errors(chart))
        assert not errors, f"{site} HelmChart {chart['metadata']['name']}: {errors}"
        assert isinstance(yaml.safe_load(chart["spec"]["valuesContent"]), dict)


def test_a_misspelled_helmchart_field_fails(sites):
    chart = next(o for s in sites for o in s.objects if o["kind"] == "HelmChart")
    chart = dict(chart, spec=dict(chart["spec"], valuesContnet="x"))
    assert list(jsonschema.Draft7Validator(HELMCHART_SCHEMA).iter_errors(chart))


def test_traefik_middleware_basic_auth_uses_a_rendered_secret(hq):
    # Traefik's Middleware CRD has no schema package on PyPI/npm/Maven: check the part we use.
    for middleware in hq.of_kind("Middleware"):
        assert middleware["apiVersion"] == "traefik.io/v1alpha1"
        assert set(middleware["spec"]) == {"basicAuth"}
        assert set(middleware["spec"]["basicAuth"]) <= {"secret", "removeHeader", "realm", "headerField"}
        secret = hq.named("Secret", middleware["spec"]["basicAuth"]["secret"])
        assert "users" in secret["data"]
        ingress = next(i for i in hq.of_kind("Ingress") if i["metadata"]["name"] == "prometheus-remote-write")
        ref = f"{middleware['metadata']['namespace']}-{middleware['metadata']['name']}@kubernetescrd"
        assert ingress["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"] == ref
