#!/usr/bin/env bash
# Molecule scenarios of the host-layer roles in real podman containers (systemd as PID 1) of a
# Debian bookworm image built here without a registry (tests/molecule/build-image.sh, cached):
# converge, idempotence (second run: 0 changed), verify behaviour.
set -euo pipefail
export ANSIBLE_NOCOLOR=1 NO_COLOR=1 PY_COLORS=0 ANSIBLE_FORCE_COLOR=0
log_dir=build/test-logs/molecule
mkdir -p "$log_dir"

# One molecule run per machine: molecule keys a scenario's state by the role directory's name
# (~/.ansible/tmp/molecule.<hash of "wifi_ap">.default) and the containers by platform name, so
# two checkouts (a worktree, a clean clone) running this suite at once destroy and converge each
# other's containers. A second run waits here for the first.
exec {molecule_lock}>/tmp/kafka-edge-molecule.lock
if ! flock --nonblock "$molecule_lock"; then
  echo "molecule: another checkout's molecule run holds /tmp/kafka-edge-molecule.lock; waiting" >&2
  flock "$molecule_lock"
fi

scenarios=()
for scenario in roles/*/molecule/default/molecule.yml; do
  scenarios+=("$(basename "$(dirname "$(dirname "$(dirname "$scenario")")")")")
done

# `molecule test` destroys its instances itself; only a scenario that was interrupted or failed
# may leave one behind.
declare -A running=()
cleanup() {
  for role in "${!running[@]}"; do
    kill "${running[$role]}" 2>/dev/null || true
    (cd "roles/$role" && molecule destroy >/dev/null 2>&1) || true
  done
}
trap cleanup EXIT

if ! MOLECULE_IMAGE=$(tests/molecule/build-image.sh 2>"$log_dir/build-image.log"); then
  tests/junit.py run --out "$RESULTS_DIR" --name "molecule base image (debootstrap + podman import)" -- \
    bash -c "tail -50 $log_dir/build-image.log; exit 1" || true
  exit 1
fi
export MOLECULE_IMAGE

# The scenarios run side by side: each has its own container and molecule state, and most of a
# scenario's time is spent waiting on apt and systemd inside its container, not on the CPU.
for role in "${scenarios[@]}"; do
  tests/junit.py run --out "$RESULTS_DIR" --name "molecule $role: converge, idempotence, verify" -- \
    bash -c "cd roles/$role && molecule test > '$PWD/$log_dir/$role.log' 2>&1 || { tail -120 '$PWD/$log_dir/$role.log'; exit 1; }" &
  running[$role]=$!
done
rc=0
for role in "${scenarios[@]}"; do
  if wait "${running[$role]}"; then unset "running[$role]"; else rc=1; fi
done
exit $rc
