#!/usr/bin/env bash
# Ensure the Debian/Ubuntu packages the build, tests and demo need are present.
# As root: installs what is missing (apt-get). Otherwise: prints the exact command and fails.
set -euo pipefail

packages=(
  podman runc            # molecule scenarios and image smoke tests (runc: crun fails on some cgroup setups)
  debootstrap            # local base images: no registry needed
  chromium chromium-driver  # headless browser tests of the map UI
  prometheus             # promtool for rule/PromQL checks; the local mode's Prometheus server
  wrk                    # HTTP load for `make bench`
  python3-venv curl jq iproute2 ca-certificates
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

for tool in node npm python3; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is required (Node 20+, Python 3.11+) and not on PATH." >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || { echo "setup: Node 20+ is required, found $(node --version)." >&2; exit 1; }
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "setup: Python 3.11+ is required, found $(python3 --version)." >&2; exit 1; }

if (( ${#missing[@]} == 0 )); then
  echo "setup: OS packages present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing OS packages. Run as root, then re-run make:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Prometheus from Debian starts a system service on install; the local mode runs its own.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl disable --now prometheus prometheus-node-exporter 2>/dev/null || true
fi
