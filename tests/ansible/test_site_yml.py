"""site.yml, the one entry point, in check mode: the host layer of every real inventory (preflight,
K3s with the k3s-ansible TEST DOUBLE, nodes run locally) and the whole local inventory's
preflight, without the collection."""
from __future__ import annotations

import json

import pytest

from conftest import DEMO_VAULT_PASSWORD, STANDIN_COLLECTIONS, ansible_env, run


@pytest.mark.parametrize("inventory", ["example", "prague"])
def test_site_yml_check_mode_of_the_host_layer(tmp_path, inventory):
    overrides = {
        "ansible_connection": "local",
        "ansible_become": False,
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "k3s_site_kubeconfig": str(tmp_path / "{{ site_name }}.kubeconfig"),
    }
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(STANDIN_COLLECTIONS), K3S_STANDIN_RECORD_DIR=str(tmp_path))
    result = run(["ansible-playbook", "site.yml", "--check", "-i", f"inventory/{inventory}",
                  "--vault-password-file", str(DEMO_VAULT_PASSWORD), "-e", json.dumps(overrides),
                  "--tags", "preflight,k3s,k3s_kubeconfig"], env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "failed=0" in result.stdout
    assert list(tmp_path.glob("*.k3s_server.json")), "the K3s plays ran"


def test_site_yml_preflight_of_the_local_inventory_needs_no_collection(tmp_path):
    empty = tmp_path / "none"
    (empty / "ansible_collections").mkdir(parents=True)
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(empty))
    for args in (["--syntax-check"], ["--check", "--tags", "preflight,k3s,node_prep,wifi_ap"]):
        result = run(["ansible-playbook", "site.yml", "-i", "inventory/local", *args], env=env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
