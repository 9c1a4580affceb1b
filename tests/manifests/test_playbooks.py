"""The render-only run itself: idempotent (a second run changes nothing) and clean in check mode."""
from __future__ import annotations

import re

from conftest import k3s_inventories, run_playbooks


def recap(output: str) -> dict[str, dict[str, int]]:
    hosts = {}
    for host, counters in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.M):
        hosts[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counters)}
    return hosts


def test_a_second_render_changes_nothing(sites):
    # `sites` rendered every inventory once already; the first (inventory/example) has every role.
    for inventory in k3s_inventories()[:1]:
        result = run_playbooks(inventory)
        assert result.returncode == 0, result.stdout[-3000:]
        changed = {h: c["changed"] for h, c in recap(result.stdout).items() if c["changed"]}
        assert not changed, f"{inventory.name}: second run changed {changed}\n{result.stdout[-3000:]}"


def test_check_mode_is_clean(sites):
    for inventory in k3s_inventories()[:1]:
        result = run_playbooks(inventory, "--check", "--diff")
        assert result.returncode == 0, result.stdout[-3000:]
        assert all(c["failed"] == 0 and c["unreachable"] == 0 for c in recap(result.stdout).values())
