#!/usr/bin/env bash
# Install the Debian 12 packages iosim needs, only those that are missing. Plain bash, works on a
# bare image as root (installs make, cmake and g++ too). Usage: scripts/install-deps.sh
set -euo pipefail

PACKAGES=(make cmake g++ pkg-config libsimgrid-dev nlohmann-json3-dev libboost-program-options-dev
          libgtest-dev libssl-dev python3 python3-matplotlib python3-numpy parallel clang
          time) # time: /usr/bin/time -v for the peak RSS figures of `make bench`

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
