#!/usr/bin/env bash
# Ansible beyond lint and syntax: every role's argument_specs against its defaults and README,
# the inventories' group contract and vaulted secrets, bad inputs failing early (wifi_ap, preflight),
# playbooks/k3s.yml over the k3s-ansible TEST DOUBLE (tests/collections) and site.yml in check mode;
# also the benchmarks' own tools (tests/bench: the WAN byte-counting relay).
set -euo pipefail
export ANSIBLE_CACHE_PLUGIN=memory
pytest -q -p no:cacheprovider tests/ansible tests/bench --junitxml="$RESULTS_DIR/ansible-pytest.xml" -o junit_suite_name=ansible
