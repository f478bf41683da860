#!/usr/bin/env bash
# Installs the Debian packages teepsim needs, only those missing. Safe to run repeatedly.
set -euo pipefail
PKGS=(cmake ninja-build g++ liblsan0 clang clang-format libclang-rt-14-dev
      libns3-dev ns3 libgsl-dev libboost-graph-dev libeigen3-dev libfmt-dev libsqlite3-dev sqlite3
      libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libyaml-cpp-dev
      python3-matplotlib python3-cbor2 python3-cryptography python3-pandas libcli11-dev pkg-config
      chromium slurmctld slurmd slurm-client munge doxygen)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
