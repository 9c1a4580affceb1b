"""Bad inputs fail early, naming the variable: the wifi_ap role's validation (before anything is
installed) and the real-site preflight (before any node is touched)."""
from __future__ import annotations

import json

import pytest

from conftest import DEMO_VAULT_PASSWORD, ROOT, run

GOOD = {
    "wifi_ap_ssid": "prague-sensors",
    "wifi_ap_psk": "correct horse battery",
    "wifi_ap_country_code": "CZ",
    "wifi_ap_hw_mode": "g",
    "wifi_ap_channel": 6,
}

VALIDATE_PLAY = """---
- name: Validate the wifi_ap settings only
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Run the role's validation
      ansible.builtin.include_role:
        name: wifi_ap
        tasks_from: validate.yml
"""


def write_playbook(tmp_path_factory, name: str, text: str):
    path = tmp_path_factory.mktemp(name) / "validate.yml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def validate_playbook(tmp_path_factory):
    return write_playbook(tmp_path_factory, "wifi", VALIDATE_PLAY)


def play(playbook, extra: dict):
    """Runs a local validation playbook with these extra variables."""
    extra = dict(extra, ansible_python_interpreter="{{ ansible_playbook_python }}")
    return run(["ansible-playbook", str(playbook), "-i", "localhost,", "-e", json.dumps(extra)])


def validate(playbook, **overrides):
    return play(playbook, dict(GOOD, **overrides))


def test_good_settings_pass(validate_playbook):
    result = validate(validate_playbook)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"wifi_ap_psk": "short"}, "wifi_ap_psk"),
        ({"wifi_ap_psk": "x" * 64}, "wifi_ap_psk"),
        ({"wifi_ap_country_code": "XX"}, "wifi_ap_country_code"),
        ({"wifi_ap_country_code": "cz"}, "wifi_ap_country_code"),
        ({"wifi_ap_channel": 14}, "wifi_ap_channel"),
        ({"wifi_ap_channel": 0}, "wifi_ap_channel"),
        ({"wifi_ap_hw_mode": "a", "wifi_ap_channel": 6}, "wifi_ap_channel"),
        ({"wifi_ap_ssid": ""}, "wifi_ap_ssid"),
        ({"wifi_ap_ssid": "s" * 33}, "wifi_ap_ssid"),
        ({"wifi_ap_address": "10.0.0.1"}, "wifi_ap_subnet"),
        ({"wifi_ap_dhcp_range_end": "192.168.50.10"}, "wifi_ap_dhcp_range_start"),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else v,
)
def test_bad_settings_fail_naming_the_variable(validate_playbook, overrides, variable):
    result = validate(validate_playbook, **overrides)
    assert result.returncode != 0
    failure = result.stdout[result.stdout.find("fatal:"):]
    assert variable in failure, failure[:2000]
    if "wifi_ap_psk" in overrides:
        assert overrides["wifi_ap_psk"] not in result.stdout, "the passphrase must not be printed"


def test_the_role_validates_before_installing_anything():
    tasks = (ROOT / "roles" / "wifi_ap" / "tasks" / "main.yml").read_text()
    assert tasks.index("validate.yml") < tasks.index("ansible.builtin.apt")


def preflight(inventory, **extra):
    return run(["ansible-playbook", "playbooks/preflight.yml", "-i", f"inventory/{inventory}",
                "--vault-password-file", str(DEMO_VAULT_PASSWORD), "-e", json.dumps(extra)])


@pytest.mark.parametrize("inventory", ["local", "example", "prague"])
def test_preflight_passes_for_every_inventory(inventory):
    result = preflight(inventory)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("extra", "variable"),
    [
        ({"k3s_version": "1.34"}, "k3s_version"),
        ({"wifi_ap_subnet": "192.168.50.0/24"}, "wifi_ap_subnet"),  # the same subnet at both sites
        ({"vault_wifi_ap_psk": "short"}, "vault_wifi_ap_psk"),
        ({"vault_k3s_token": "short"}, "vault_k3s_token"),
        ({"edge_pipeline_bridge_node_port": 31000}, "wifi_ap_bridge_port"),
        ({"deployment_mode": "kubernetes"}, "deployment_mode"),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else v,
)
def test_preflight_fails_naming_the_variable(extra, variable):
    result = preflight("example", **extra)
    assert result.returncode != 0
    failure = result.stdout[result.stdout.find("fatal:"):]
    assert variable in failure, failure[:2000]


PIPELINE_PLAY = """---
- name: Validate the pipeline contract only
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    site_name: prague
  roles:
    - role: pipeline
"""


@pytest.fixture(scope="module")
def pipeline_playbook(tmp_path_factory):
    return write_playbook(tmp_path_factory, "pipeline", PIPELINE_PLAY)


def validate_pipeline(playbook, **overrides):
    return play(playbook, overrides)


def test_the_pipeline_defaults_pass(pipeline_playbook):
    result = validate_pipeline(pipeline_playbook)
    assert result.returncode == 0, result.stdout[-3000:]


MEMORY = {"kafka": {"heap": "256m", "request": "448Mi", "limit": "512Mi"},
          "bridge": {"heap": "128m", "request": "256Mi", "limit": "320Mi"},
          "aggregator": {"heap": "128m", "request": "256Mi", "limit": "320Mi"},
          "mirrormaker2": {"heap": "160m", "request": "320Mi", "limit": "384Mi"}}


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        # A heap as large as the pod's limit leaves the JVM nothing outside it: OOM-killed.
        ({"pipeline_edge_memory": dict(MEMORY, kafka={"heap": "512m", "request": "448Mi", "limit": "512Mi"})},
         "pipeline_edge_memory.kafka"),
        ({"pipeline_edge_memory": dict(MEMORY, bridge={"heap": "1g", "request": "256Mi", "limit": "512Mi"})},
         "pipeline_edge_memory.bridge"),
        ({"pipeline_edge_memory": dict(MEMORY, aggregator={"heap": "128M", "request": "256M", "limit": "320Mi"})},
         "pipeline_edge_memory.aggregator"),
        ({"pipeline_edge_memory": dict(MEMORY, mirrormaker2={"heap": "160m", "request": "512Mi", "limit": "384Mi"})},
         "pipeline_edge_memory.mirrormaker2"),
        ({"pipeline_edge_memory": dict(MEMORY, frontend={"heap": "160m", "request": "320Mi", "limit": "384Mi"})},
         "pipeline_edge_memory.frontend"),
        ({"pipeline_mm2_refresh_topics_seconds": 0}, "pipeline_mm2_refresh_topics_seconds"),
        ({"pipeline_mm2_wan_producer": {"compression.type": "zstd", "acks": "1"}}, "pipeline_mm2_wan_producer"),
    ],
    ids=lambda v: json.dumps(v)[:60] if isinstance(v, dict) else v,
)
def test_bad_pipeline_settings_fail_naming_the_variable(pipeline_playbook, overrides, variable):
    result = validate_pipeline(pipeline_playbook, **overrides)
    assert result.returncode != 0
    # "fatal:" for an assert, "failed: ... (item=...)" for an assert in a loop
    failure = result.stdout[min(i for i in (result.stdout.find("fatal:"), result.stdout.find("failed: ["), len(result.stdout))
                                if i >= 0):]
    assert variable in failure, failure[:2000]
