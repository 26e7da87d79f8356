#!/usr/bin/env bash
# Restores NuGet packages for the given projects, or the whole solution (the quick-start scripts build with
# --no-restore after this). Usage: eng/restore.sh [project ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("$root/Gateway.sln")
for target in "${targets[@]}"; do
  dotnet restore "$target" --nologo -v quiet
done
