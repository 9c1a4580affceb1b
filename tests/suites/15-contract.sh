#!/usr/bin/env bash
# The data contract (contract/): the schemas are valid JSON Schema, the examples follow them, and
# the rules (identifier character set, ranges, bootId with seq) reject what they must.
set -euo pipefail
pytest -q -p no:cacheprovider tests/contract --junitxml="$RESULTS_DIR/contract.xml" -o junit_suite_name=contract
