#!/usr/bin/env bash
# Installs the named Debian packages that are missing, quietly. Used by test.sh and loadtests/run.sh.
# Usage: eng/install-debian-packages.sh <caller> <package>...
set -euo pipefail
caller="$1"; shift
missing=()
for pkg in "$@"; do
  # "install ok installed" only: a removed package can leave "deinstall ok config-files" behind, which dpkg -s accepts.
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "$caller: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  # Package scripts may not start services here (policy-rc.d); the scenarios run their own instances.
  $sudo_cmd apt-get update -qq && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
