"""The local brokers enforce the pipeline's ACLs (KRaft StandardAuthorizer, allow.everyone.if.no.acl.found
=false, mTLS with principal = certificate CN): each principal is denied what lies just outside its grant,
the denial is an authorization error (not a timeout), a certificate from another CA fails the handshake,
and the brokers hold exactly the ACLs local_kafka derives from pipeline_kafka_users (which
tests/manifests/test_users_acls.py proves equal to the rendered KafkaUsers). Runs against the suite's
running pipeline (conftest's deployment)."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

import lib

EDGE = f"127.0.0.1:{lib.VARS['local_kafka_edge_port']}"
HQ = f"127.0.0.1:{lib.VARS['local_kafka_hq_port']}"
HQ_EDGES = f"localhost:{lib.VARS['local_kafka_hq_tls_port']}"
MINE = f"{lib.SITE}.sensor-data-aggregated"
OTHER = "othersite.sensor-data-aggregated"
PROBE = Path(__file__).with_name("KafkaProbe.java")
ACL_SYNC = lib.ROOT / "roles" / "local_kafka" / "files" / "AclSync.java"


def probe(cluster: str, user: str, bootstrap: str, *action: str, tls_dir: Path | None = None) -> str:
    res = lib.kafka_tool_source(PROBE, str(lib.client_config(cluster, user, tls_dir)), bootstrap, *action)
    lines = [ln for ln in res.stdout.splitlines() if ln.split(" ", 1)[0] in ("OK", "DENIED", "TLS", "ERROR")]
    assert res.returncode == 0 and lines, f"probe {user}@{cluster} {action} failed:\n{res.stdout}\n{res.stderr[-3000:]}"
    return lines[-1]


def denied(result: str, *classes: str) -> bool:
    kind, _, cls = result.partition(" ")
    return kind == "DENIED" and (not classes or cls in classes)


@pytest.fixture(scope="module")
def other_site_topic(deployment):
    """A second site's mirrored topic at HQ (created as the admin), for the cross-site checks."""
    res = lib.kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", HQ, "--command-config",
                         str(lib.admin_config("hq")), "--create", "--if-not-exists", "--topic", OTHER,
                         "--partitions", "1", "--replication-factor", "1")
    assert res.returncode == 0, res.stderr[-2000:]
    return OTHER


# ---- each principal, just outside its grant ---------------------------------------------------------
def test_the_bridge_only_writes_raw_readings(deployment):
    assert probe("edge", "bridge", EDGE, "meta", "sensor-data").startswith("OK")
    assert denied(probe("edge", "bridge", EDGE, "read", "sensor-data"), "TopicAuthorizationException")
    assert denied(probe("edge", "bridge", EDGE, "produce", "sensor-data-aggregated"), "TopicAuthorizationException")


def test_the_aggregator_cannot_write_raw_readings_or_read_its_output(deployment):
    assert probe("edge", "aggregator", EDGE, "read", "sensor-data").startswith("OK")
    assert denied(probe("edge", "aggregator", EDGE, "produce", "sensor-data"), "TopicAuthorizationException")
    assert denied(probe("edge", "aggregator", EDGE, "read", "sensor-data-aggregated"), "TopicAuthorizationException")
    assert denied(probe("edge", "aggregator", EDGE, "group", "mm2-connect", "sensor-data"), "GroupAuthorizationException")


def test_the_aggregator_cannot_reach_hq(deployment):
    """Its certificate comes from the edge CA: HQ's listeners refuse it in the TLS handshake."""
    result = probe("hq", "aggregator", HQ, "meta", MINE, tls_dir=lib.TLS / "edge")
    assert result.startswith("TLS SslAuthenticationException"), result


def test_mirrormaker_at_the_edge_reads_aggregates_but_cannot_write_raw_readings(deployment):
    assert probe("edge", "mirrormaker2", EDGE, "read", "sensor-data-aggregated").startswith("OK")
    assert denied(probe("edge", "mirrormaker2", EDGE, "produce", "sensor-data"), "TopicAuthorizationException")
    assert denied(probe("edge", "mirrormaker2", EDGE, "read", "sensor-data"), "TopicAuthorizationException")
    assert denied(probe("edge", "mirrormaker2", EDGE, "group", "sensor-aggregator", "sensor-data-aggregated"),
                  "GroupAuthorizationException")


def test_an_edge_user_at_hq_touches_only_its_own_site(deployment, other_site_topic):
    user = f"edge-{lib.SITE}"
    assert probe("hq", user, HQ_EDGES, "meta", MINE).startswith("OK")
    assert denied(probe("hq", user, HQ_EDGES, "produce", other_site_topic), "TopicAuthorizationException")
    assert denied(probe("hq", user, HQ_EDGES, "meta", other_site_topic), "TopicAuthorizationException")
    # it writes its topic, it does not read it, nor use the frontend's groups
    assert denied(probe("hq", user, HQ_EDGES, "read", MINE), "TopicAuthorizationException")
    assert denied(probe("hq", user, HQ_EDGES, "group", f"hq-frontend-{lib.SITE}", MINE), "GroupAuthorizationException")


def test_the_frontend_only_reads(deployment, other_site_topic):
    assert probe("hq", "frontend", HQ, "read", MINE).startswith("OK")
    # No Write on any topic: the idempotent producer is refused already (cluster) or at the topic.
    assert denied(probe("hq", "frontend", HQ, "produce", MINE), "TopicAuthorizationException", "ClusterAuthorizationException")
    assert denied(probe("hq", "frontend", HQ, "group", "sensor-aggregator", MINE), "GroupAuthorizationException")
    # A site HQ was not told about is not readable (literal per-site ACLs, no suffix wildcard).
    assert denied(probe("hq", "frontend", HQ, "read", other_site_topic), "TopicAuthorizationException")


def test_a_certificate_from_another_ca_is_refused_at_the_handshake(deployment, tmp_path):
    key, crt = tmp_path / "rogue.key", tmp_path / "rogue.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(crt), "-days", "1", "-subj", "/CN=kafka-admin"],
                   check=True, capture_output=True)
    (tmp_path / "kafka-admin.pem").write_text(key.read_text() + crt.read_text())
    for cluster, bootstrap in (("edge", EDGE), ("hq", HQ), ("hq", HQ_EDGES)):
        result = probe(cluster, "kafka-admin", bootstrap, "meta", MINE, tls_dir=tmp_path)
        assert result.startswith("TLS SslAuthenticationException"), (cluster, bootstrap, result)


# ---- the ACLs the brokers hold ---------------------------------------------------------------------
def broker_acls(cluster: str) -> set[tuple]:
    res = lib.kafka_tool_source(ACL_SYNC, str(lib.admin_config(cluster)), "list")
    assert res.returncode == 0, res.stderr[-3000:]
    return {(a["principal"], a["type"], a["name"], a["patternType"], a["operation"], a["host"], a["permission"])
            for a in json.loads(res.stdout)}


def declared_acls() -> dict[str, set[tuple]]:
    """What local_kafka derives from pipeline_kafka_users for this suite's variables (its acls_desired entry point)."""
    with tempfile.TemporaryDirectory() as tmp:
        play = Path(tmp) / "acls.yml"
        play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                        "    - ansible.builtin.include_role: {name: local_kafka, tasks_from: acls_desired}\n")
        env = dict(os.environ, ANSIBLE_CONFIG=str(lib.ROOT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="json",
                   ANSIBLE_ROLES_PATH=str(lib.ROOT / "roles"))
        res = subprocess.run(["ansible-playbook", "-i", "inventory/local", "-e", f"@{lib.VARS_FILE}", str(play)],
                             capture_output=True, text=True, env=env, cwd=lib.ROOT, timeout=120)
        assert res.returncode == 0, res.stdout[-3000:]
        shown = [t["hosts"]["localhost"]["__local_kafka_acls"] for t in json.loads(res.stdout)["plays"][0]["tasks"]
                 if "__local_kafka_acls" in t["hosts"].get("localhost", {})]
    return {cluster: {(a["principal"], a["resource"]["type"], a["resource"]["name"], a["resource"]["patternType"], op,
                       "*", "allow") for a in acls for op in a["operations"]} for cluster, acls in shown[0].items()}


def test_the_brokers_hold_exactly_the_declared_acls(deployment):
    declared = declared_acls()
    assert set(declared) == {"edge", "hq"}
    for cluster in ("edge", "hq"):
        held = broker_acls(cluster)
        assert held == declared[cluster], f"{cluster}: extra {sorted(held - declared[cluster])}, missing {sorted(declared[cluster] - held)}"


def test_an_undeclared_acl_is_reported_in_check_mode_and_removed_by_a_run(deployment):
    intruder = ("User:intruder", "topic", "sensor-data", "literal", "Read", "*", "allow")
    add = lib.kafka_tool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", EDGE, "--command-config",
                         str(lib.admin_config("edge")), "--add", "--allow-principal", "User:intruder",
                         "--operation", "Read", "--topic", "sensor-data")
    assert add.returncode == 0, add.stderr[-2000:]
    assert intruder in broker_acls("edge")
    check = lib.playbook("--check", "--tags", "local_kafka_acls")
    assert check.rc == 0 and check.changed == 1, check.output[-4000:]
    assert "User:intruder" in check.output
    assert intruder in broker_acls("edge"), "check mode removed an ACL"
    run = lib.playbook("--tags", "local_kafka_acls")
    assert run.rc == 0 and run.changed == 1, run.output[-4000:]
    assert intruder not in broker_acls("edge")
    again = lib.playbook("--tags", "local_kafka_acls")
    assert again.rc == 0 and again.changed == 0, again.output[-4000:]
