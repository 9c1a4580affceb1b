"""The Kafka users and ACLs are declared once (pipeline_kafka_users in roles/pipeline): the KafkaUsers
the K3s render writes for every site must grant exactly what the local mode makes its brokers hold
(roles/local_kafka, asked through its acls_desired entry point for the same sites), and stay least
privilege. tests/e2e/test_authorizer.py checks that the running local brokers hold that same set."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, Site

Binding = tuple[str, str, str, str, str]  # principal, resource type, name, pattern type, operation


def bindings_of_users(users: list[dict]) -> set[Binding]:
    out: set[Binding] = set()
    for user in users:
        spec = user["spec"]
        assert spec["authentication"] == {"type": "tls"}, user["metadata"]["name"]
        assert spec["authorization"]["type"] == "simple", user["metadata"]["name"]
        for acl in spec["authorization"]["acls"]:
            r = acl["resource"]
            assert acl.get("host", "*") == "*" and acl.get("type", "allow") == "allow", acl
            for op in acl["operations"]:
                out.add((f"User:{user['metadata']['name']}", r["type"], r["name"], r["patternType"], op))
    return out


def bindings_of_local(acls: list[dict]) -> set[Binding]:
    return {(a["principal"], a["resource"]["type"], a["resource"]["name"], a["resource"]["patternType"], op)
            for a in acls for op in a["operations"]}


def local_acls(site: str, hq_sites: list[str]) -> dict[str, list[dict]]:
    """What local_kafka would apply to its edge and HQ brokers for `site` with HQ serving `hq_sites`."""
    with tempfile.TemporaryDirectory() as tmp:
        play = Path(tmp) / "acls.yml"
        play.write_text(
            "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
            "    - ansible.builtin.include_role: {name: local_kafka, tasks_from: acls_desired}\n")
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="json",
                   ANSIBLE_ROLES_PATH=str(ROOT / "roles"))
        res = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", str(play),
                              "-e", json.dumps({"site_name": site, "hq_pipeline_edge_sites": hq_sites})],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
        tasks = json.loads(res.stdout)["plays"][0]["tasks"]
        shown = [t["hosts"]["localhost"]["__local_kafka_acls"] for t in tasks
                 if "__local_kafka_acls" in t["hosts"].get("localhost", {})]
        assert len(shown) == 1, res.stdout[-3000:]
        return shown[0]


@pytest.fixture(scope="module")
def hq_sites(edges: list[Site]) -> list[str]:
    return sorted(e.name for e in edges)


def test_every_edge_site_grants_what_the_local_edge_broker_holds(edges, hq_sites):
    for edge in edges:
        rendered = bindings_of_users(edge.of_kind("KafkaUser"))
        local = bindings_of_local(local_acls(edge.name, hq_sites)["edge"])
        assert rendered == local, f"{edge}: only in KafkaUsers {sorted(rendered - local)}; only local {sorted(local - rendered)}"


def test_hq_grants_what_the_local_hq_broker_holds(hq, hq_sites):
    rendered = bindings_of_users(hq.of_kind("KafkaUser"))
    local = bindings_of_local(local_acls(hq_sites[0], hq_sites)["hq"])
    assert rendered == local, f"only in KafkaUsers {sorted(rendered - local)}; only local {sorted(local - rendered)}"


def test_the_users_are_the_declared_clients(edges, hq, hq_sites):
    for edge in edges:
        assert {u["metadata"]["name"] for u in edge.of_kind("KafkaUser")} == {"bridge", "aggregator", "mirrormaker2"}, edge
    assert {u["metadata"]["name"] for u in hq.of_kind("KafkaUser")} == {f"edge-{s}" for s in hq_sites} | {"frontend"}


def test_no_user_gets_a_wildcard_or_everything(sites):
    for site in sites:
        for user in site.of_kind("KafkaUser"):
            for acl in user["spec"]["authorization"]["acls"]:
                assert acl["resource"]["name"] not in ("*", ""), (str(site), user["metadata"]["name"], acl)
                assert "All" not in acl["operations"], (str(site), user["metadata"]["name"], acl)
                assert acl["resource"]["type"] != "cluster", (str(site), user["metadata"]["name"], acl)


def test_an_edge_user_at_hq_reaches_only_its_own_site(hq, hq_sites):
    assert len(hq_sites) >= 2, "the example inventory should have two edge sites to make this meaningful"
    for site in hq_sites:
        user = hq.named("KafkaUser", f"edge-{site}")
        names = {a["resource"]["name"] for a in user["spec"]["authorization"]["acls"]}
        assert names == {f"{site}.sensor-data-aggregated"}, (site, names)
        assert {op for a in user["spec"]["authorization"]["acls"] for op in a["operations"]} <= {"Write", "Describe", "Create"}
        assert user["metadata"]["labels"]["kafka-edge/site"] == site


def test_the_frontend_only_reads(hq, hq_sites):
    acls = hq.named("KafkaUser", "frontend")["spec"]["authorization"]["acls"]
    assert {op for a in acls for op in a["operations"]} == {"Read", "Describe"}
    topics = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic"}
    assert topics == {f"{s}.sensor-data-aggregated" for s in hq_sites}
    assert all(a["resource"]["patternType"] == "literal" for a in acls if a["resource"]["type"] == "topic")


def test_users_grant_on_the_names_the_clients_use(edges, hq):
    """The aggregator's application.id, the Connect group and the frontend's group prefix in the
    Deployments/KafkaConnect are the names the ACLs grant on."""
    for edge in edges:
        agg = edge.named("KafkaUser", "aggregator")["spec"]["authorization"]["acls"]
        groups = {a["resource"]["name"] for a in agg if a["resource"]["type"] == "group"}
        env = {e["name"]: e.get("value") for d in edge.of_kind("Deployment") if d["metadata"]["name"] == "aggregator"
               for c in d["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])}
        assert groups == {env["AGGREGATOR_KAFKA_APPLICATION_ID"]}, (str(edge), groups, env.get("AGGREGATOR_KAFKA_APPLICATION_ID"))
        connect = edge.of_kind("KafkaConnect")
        assert connect, f"{edge}: no KafkaConnect"
        mm2 = edge.named("KafkaUser", "mirrormaker2")["spec"]["authorization"]["acls"]
        assert {a["resource"]["name"] for a in mm2 if a["resource"]["type"] == "group"} == {connect[0]["spec"]["groupId"]}
        prefixes = [a["resource"]["name"] for a in mm2 if a["resource"]["patternType"] == "prefix"]
        for key in ("configStorageTopic", "offsetStorageTopic", "statusStorageTopic"):
            assert any(connect[0]["spec"][key].startswith(p) for p in prefixes), (str(edge), key, prefixes)
    front = hq.named("KafkaUser", "frontend")["spec"]["authorization"]["acls"]
    prefix = [a["resource"]["name"] for a in front if a["resource"]["type"] == "group"]
    env = {e["name"]: e.get("value") for d in hq.of_kind("Deployment") if d["metadata"]["name"] == "frontend"
           for c in d["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])}
    assert len(prefix) == 1 and env["KAFKA_GROUP"].startswith(prefix[0]), (prefix, env.get("KAFKA_GROUP"))
