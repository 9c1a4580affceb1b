#!/usr/bin/env bash
# yamllint (strict) and ansible-lint (production profile) over the whole repository.
set -euo pipefail
rc=0
tests/junit.py run --out "$RESULTS_DIR" --name yamllint -- yamllint --strict . || rc=1
tests/junit.py run --out "$RESULTS_DIR" --name "ansible-lint production" -- \
  ansible-lint --profile production --offline --nocolor || rc=1
exit $rc
