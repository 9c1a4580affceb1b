"""Shared helpers of the Ansible tests: the repository root and an ansible-playbook runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_VAULT_PASSWORD = ROOT / "inventory" / "example" / "demo-vault-password.txt"
STANDIN_COLLECTIONS = ROOT / "tests" / "collections"
BIN = Path(sys.executable).parent


def ansible_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_CACHE_PLUGIN="memory",  # never leave facts of test "hosts" in build/ansible-facts
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Runs an Ansible command line from the repository root; output is returned, never raised."""
    tool = args[0]
    cmd = [str(BIN / tool) if (BIN / tool).exists() else tool, *args[1:]]
    return subprocess.run(cmd, cwd=ROOT, env=env or ansible_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
