#!/usr/bin/env bash
# Installs Debian's Python packaging tools that the tests use as builders and reference peers:
# twine (interop), python3-build with setuptools, hatchling and flit (real build backends),
# readme_renderer (description checks); GNU time measures peak memory in the benchmark; openssl makes
# the test certificates of the HTTPS cases. Skips the install when they are all present already.
set -euo pipefail
need=(twine python3-build python3-hatchling flit python3-setuptools python3-wheel python3-venv python3-readme-renderer python3-docutils time openssl)
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Python tools present: ${need[*]}"
  exit 0
fi
SUDO=''
[ "$(id -u)" -eq 0 ] || SUDO='sudo'
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
