"""Every role under roles/ documents its interface: meta/argument_specs.yml lists exactly the
variables of defaults/main.yml (with the same defaults), and a README exists."""
from __future__ import annotations

import pytest
import yaml

from conftest import ROOT

ROLES = sorted(p.parent for p in (ROOT / "roles").glob("*/tasks") if p.is_dir())


def _load(path):
    return yaml.safe_load(path.read_text()) if path.exists() else None


def test_there_are_roles():
    assert {r.name for r in ROLES} >= {"node_prep", "wifi_ap"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_role_has_readme(role):
    readme = role / "README.md"
    assert readme.exists(), f"{role.name}: README.md is missing"
    assert len(readme.read_text().strip()) > 200, f"{role.name}: README.md says too little"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_argument_specs_match_defaults_key_for_key(role):
    specs = _load(role / "meta" / "argument_specs.yml")
    assert specs, f"{role.name}: meta/argument_specs.yml is missing"
    options = (specs.get("argument_specs", {}).get("main", {}) or {}).get("options", {}) or {}
    defaults = _load(role / "defaults" / "main.yml") or {}
    missing_in_specs = sorted(set(defaults) - set(options))
    missing_in_defaults = sorted(set(options) - set(defaults))
    assert not missing_in_specs, f"{role.name}: in defaults/main.yml but not in argument_specs: {missing_in_specs}"
    assert not missing_in_defaults, f"{role.name}: in argument_specs but not in defaults/main.yml: {missing_in_defaults}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_argument_spec_defaults_equal_the_defaults(role):
    specs = _load(role / "meta" / "argument_specs.yml") or {}
    options = (specs.get("argument_specs", {}).get("main", {}) or {}).get("options", {}) or {}
    defaults = _load(role / "defaults" / "main.yml") or {}
    differing = {
        name: (spec["default"], defaults[name])
        for name, spec in options.items()
        if isinstance(spec, dict) and "default" in spec and name in defaults and spec["default"] != defaults[name]
    }
    assert not differing, f"{role.name}: argument_specs default != defaults/main.yml: {differing}"
