#!/usr/bin/env bash
# bench/cluster's reference: the same nodes as Corral builds, made by a plain script, all nodes in
# parallel. Per node: a seed ISO (genisoimage -V cidata over the node's seed files), a qcow2 overlay
# on the base (qemu-img create -b, on the host), the seed copied to the host, virsh define + start
# on the host, then wait until the node's sshd sends its banner on port 22.
#
# Usage: reference.sh WORK SSH_CONFIG
#   WORK/nodes/<n>/ holds: name, host (an ssh_config alias), address, base, size, seed/, domain.xml
#   SSH_CONFIG verifies every host key (the lab's known_hosts); one multiplexed SSH connection
#   per host (ControlMaster), as a careful admin would script it.
set -euo pipefail

work=$1
ssh_config=$2
images=/var/lib/libvirt/images
ctl=(-o ControlMaster=auto -o "ControlPath=$work/ctl-%C" -o ControlPersist=600)

# Runs a command (an argument list, each word quoted for the remote shell) on a host.
remote() {
  local host=$1
  shift
  ssh -F "$ssh_config" "${ctl[@]}" "$host" -- "$(printf '%q ' "$@")"
}

# True once ADDRESS:22 answers with an SSH banner.
banner() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/22" && head -c 4 <&3' _ "$1" 2>/dev/null |
    grep -q '^SSH-'
}

node() {
  local d=$1 name host address base size
  name=$(<"$d/name")
  host=$(<"$d/host")
  address=$(<"$d/address")
  base=$(<"$d/base")
  size=$(<"$d/size")
  genisoimage -quiet -V cidata -J -r -o "$d/seed.iso" "$d/seed"
  remote "$host" qemu-img create -q -f qcow2 -F qcow2 -b "$base" "$images/$name.qcow2" "$size"
  scp -q -F "$ssh_config" "${ctl[@]}" "$d/seed.iso" "$host:$images/$name-seed.iso"
  remote "$host" virsh -q define /dev/stdin <"$d/domain.xml" >/dev/null
  remote "$host" virsh -q start "$name" >/dev/null
  local deadline=$((SECONDS + 300))
  until banner "$address"; do
    if ((SECONDS > deadline)); then
      echo "reference: $name: no SSH banner from $address after 300 s" >&2
      return 1
    fi
    sleep 0.5
  done
}

pids=()
for d in "$work"/nodes/*/; do
  node "${d%/}" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit "$status"
