#!/usr/bin/env bash
# Builds the Debian bookworm image the molecule scenarios of roles/node_prep and roles/wifi_ap
# run in — without a container registry: debootstrap into build/molecule/rootfs, `podman import`.
#
# The packages the roles install are already in the image, so a converge needs no network
# (the roles' apt tasks then report "ok"). The tag carries a hash of this script, so editing the
# package list rebuilds; an existing image with that tag is reused (cached).
#
#   tests/molecule/build-image.sh          # prints the image reference
#   MOLECULE_IMAGE_REBUILD=1 tests/molecule/build-image.sh
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/../.."

packages=(
  # Ansible's needs inside the container: python and apt bindings for ansible.builtin.apt
  python3 python3-apt
  # systemd as PID 1, so services are enabled and started for real
  systemd systemd-sysv dbus
  # what the roles install (roles/node_prep, roles/wifi_ap)
  chrony tzdata kmod procps iproute2 hostapd dnsmasq nftables iw rfkill
)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
hash=$(sha256sum "$self" | cut -c1-12)
image=localhost/kafka-edge-molecule-bookworm:$hash
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/config/podman/containers.conf}

if [[ -z ${MOLECULE_IMAGE_REBUILD:-} ]] && podman image exists "$image"; then
  echo "$image"
  exit 0
fi

work=build/molecule
rootfs=$work/rootfs-$hash
rm -rf "$work"/rootfs-* && mkdir -p "$work"
trap 'rm -rf "$rootfs"' EXIT
{
  echo "build-image: debootstrap bookworm ($mirror) into $rootfs"
  debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" bookworm "$rootfs" "$mirror"
  # Trim: apt lists and caches are not needed in a test image; keep the docs-free minbase small.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  # Units that make no sense in a container and only slow boot or fail there.
  for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
              getty.target console-getty.service systemd-logind.service; do
    ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
  done
  # The roles' own services start from the converge, not from package installation.
  for unit in hostapd.service dnsmasq.service chrony.service; do
    rm -f "$rootfs"/etc/systemd/system/multi-user.target.wants/"$unit"
  done
  echo "build-image: podman import -> $image"
  tar -C "$rootfs" -c . | podman import \
    --change 'CMD ["/sbin/init"]' --change 'ENV container=podman' --change 'STOPSIGNAL SIGRTMIN+3' \
    - "$image"
} >&2
echo "$image"
