#!/usr/bin/env bash
# End-to-end and fault-injection tests of the local mode (tests/e2e): the real playbook brings the
# whole pipeline up from nothing under build/e2e/ (own ports, 10 s windows), the tests check the data
# path, then inject faults and check zero loss; state=absent tears it down and no process may remain.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
RESULTS_DIR=${RESULTS_DIR:-build/test-results/e2e}
mkdir -p "$RESULTS_DIR"
vars=tests/e2e/e2e-vars.yml
conf=build/e2e/local/supervisor/supervisord.conf

cleanup() {
  # Safety net when pytest itself died: stop this suite's supervisord (and so every process it runs).
  if [[ -S build/e2e/local/supervisor/supervisor.sock ]]; then
    ansible-playbook site.yml -i inventory/local -e "@$vars" -e local_state=absent >/dev/null 2>&1 \
      || .venv/bin/supervisorctl -c "$conf" shutdown >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

for need in "build/kafka/libs/kafka-tools-$(scripts/pom-property.sh kafka.version).jar" services/aggregator/target/aggregator.jar services/frontend/target/frontend.jar; do
  [[ -f $need ]] || { echo "missing $need: run 'make build' (mvn -DskipTests install) first" >&2; exit 1; }
done

python -m pytest tests/e2e -p no:cacheprovider -v --junitxml="$RESULTS_DIR/e2e.xml" -o junit_suite_name=e2e
