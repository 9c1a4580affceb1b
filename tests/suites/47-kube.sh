#!/usr/bin/env bash
# The cluster layer against real Kubernetes API servers (envtest): the genuine kube-apiserver and
# etcd built from tools/envtest/ (scripts/envtest-binaries.sh; the first run builds them, later runs
# use the cache), one API server per site of inventory/example, the CRDs K3s ships plus those the
# charts install (pinned in tools/envtest/crds/go.mod and Strimzi's from tools/strimzi-schemas), and
# the operator stand-in (TEST DOUBLE, tests/kube/standin.py). Runs the real playbooks: edge before HQ
# fails early, HQ, both edges, every rendered object accepted, idempotence, check/diff, image rollout,
# no secret left in the tree.
set -euo pipefail
if [[ ! -f build/strimzi-crds/Kafka.yaml ]]; then
  mvn -B -ntp -q -pl tools/strimzi-schemas generate-resources
fi
scripts/envtest-binaries.sh >/dev/null
pytest -q -p no:cacheprovider tests/kube --junitxml="$RESULTS_DIR/kube.xml" -o junit_suite_name=kube
