#!/usr/bin/env bash
# Install the given Debian packages if (and only if) any of them is missing.
#
#   scripts/ensure-apt-packages.sh postgresql chromium ...
#
# Fast no-op when everything is already installed (one dpkg-query per package);
# otherwise runs `apt-get update` once and `apt-get install -y --no-install-recommends`
# for the missing ones only. Non-interactive; uses sudo when not root.
set -euo pipefail

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "$@"; do
  is_installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID == 0)); then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "error: missing packages (${missing[*]}) and not root / no sudo to install them" >&2
  exit 1
fi

echo "==> Installing Debian packages: ${missing[*]}"
apt_opts=(-q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "error: apt-get failed installing: ${missing[*]}" >&2
  exit 1
fi

for pkg in "${missing[@]}"; do
  is_installed "$pkg" || { echo "error: package $pkg still not installed" >&2; exit 1; }
done
