"""The HQ -> edge credential hand-over through the control node, run for real (no cluster needed
for this part): vault-encrypted at rest, idempotent, readable only with the passphrase, and
turned into the Secrets MirrorMaker 2 uses."""
from __future__ import annotations

import base64
import json
import re
import subprocess

import yaml

from conftest import HERE, ROOT, run_playbooks

PASSPHRASE = "test-passphrase-0123456789"


def flow(tmp_path, step, passphrase=PASSPHRASE):
    return subprocess.run(
        ["ansible-playbook", str(HERE / "credential-flow.yml"), "-e", f"credentials_dir={tmp_path}",
         "-e", f"passphrase={passphrase}", "-e", f"step={step}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


def changed(output):
    return int(re.search(r"localhost\s+:.*changed=(\d+)", output).group(1))


def test_credentials_are_encrypted_idempotent_and_readable(tmp_path):
    first = flow(tmp_path, "write")
    assert first.returncode == 0, first.stdout[-3000:]
    assert changed(first.stdout) >= 1
    stored = (tmp_path / "prague" / "hq-client.vault").read_text()
    assert stored.startswith("$ANSIBLE_VAULT;") and "prague-secret-key" not in stored
    assert oct((tmp_path / "prague" / "hq-client.vault").stat().st_mode & 0o777) == "0o600"

    second = flow(tmp_path, "write")
    assert second.returncode == 0 and changed(second.stdout) == 0, second.stdout[-3000:]
    assert (tmp_path / "prague" / "hq-client.vault").read_text() == stored

    read = flow(tmp_path, "read")
    assert read.returncode == 0, read.stdout[-3000:]
    got = json.loads((tmp_path / "read.json").read_text())
    assert "prague-secret-key" in got["user.key"] and "hq-ca" in got["ca.crt"]

    wrong = flow(tmp_path, "read", passphrase="not-the-passphrase-000")
    assert wrong.returncode != 0


def test_missing_credentials_stop_a_real_edge_deploy(tmp_path):
    result = flow(tmp_path, "read")
    assert result.returncode != 0
    assert "run playbooks/hq.yml first" in result.stdout


def test_edge_render_writes_the_certificate_but_never_the_key(tmp_path, sites):
    # The Secrets themselves, holding the real key, are checked against a real API server in
    # tests/kube (test_the_edges_deploy_with_the_certificate_hq_issued_to_them).
    assert flow(tmp_path, "write").returncode == 0
    out = ROOT / "build" / "manifests-credential-test"
    result = run_playbooks(ROOT / "inventory" / "example", "-e", f"cluster_common_credentials_dir={tmp_path}",
                           "-e", f"cluster_common_credentials_passphrase={PASSPHRASE}", "-l", "cluster_edge_sites,prague",
                           "-e", f"cluster_common_manifests_dir={out}/{{{{ site_name }}}}")
    assert result.returncode == 0, result.stdout[-3000:]
    text = (out / "prague" / "40-hq-credentials.yaml").read_text()
    secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(text)}
    assert b"prague-secret-key" not in base64.b64decode(secrets["hq-client"]["data"]["user.key"])
    assert b"REDACTED" in base64.b64decode(secrets["hq-client"]["data"]["user.key"])
    assert b"prague-user" in base64.b64decode(secrets["hq-client"]["data"]["user.crt"])
    assert b"hq-ca" in base64.b64decode(secrets["hq-cluster-ca"]["data"]["ca.crt"])
