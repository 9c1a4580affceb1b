#!/usr/bin/env bash
# `ansible-playbook --syntax-check site.yml` against every inventory of the repository.
set -euo pipefail
rc=0
vault_args=()
demo_pass=inventory/example/demo-vault-password.txt
[[ -f $demo_pass ]] && vault_args=(--vault-password-file "$demo_pass")
for inv in inventory/*/; do
  inv=${inv%/}
  [[ -f $inv/hosts.yml ]] || continue
  tests/junit.py run --out "$RESULTS_DIR" --name "syntax-check site.yml -i $inv" -- \
    ansible-playbook --syntax-check site.yml -i "$inv" "${vault_args[@]}" || rc=1
done
exit $rc
