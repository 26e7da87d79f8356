#!/usr/bin/env bash
# Restores the solution's NuGet packages (the quick-start scripts build with --no-restore after this).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet restore "$root/Gateway.sln" --nologo -v quiet
