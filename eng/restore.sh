#!/usr/bin/env bash
# Makes `dotnet restore` work where the NuGet registry lacks System.IO.Hashing (a Yarp.ReverseProxy
# dependency): packs the genuine assembly shipped inside the .NET SDK into eng/packages, once.
# Harmless on a normal machine: nuget.org's lower 7.0.0 wins there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! ls "$root"/eng/packages/System.IO.Hashing.*.nupkg >/dev/null 2>&1; then
  echo "eng/restore.sh: packing System.IO.Hashing from the .NET SDK into eng/packages" >&2
  sdk_dll="$(dirname "$(readlink -f "$(command -v dotnet)")")/sdk/$(dotnet --version)/Sdks/Microsoft.NET.Sdk/tools/net10.0/System.IO.Hashing.dll"
  version="$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')"
  dotnet pack "$root/eng/hashing-shim/HashingShim.csproj" -c Release -p:PackageVersion="$version" \
    -p:ShimDll="$sdk_dll" --nologo -v quiet >/dev/null
  ls "$root"/eng/packages/System.IO.Hashing.*.nupkg >/dev/null 2>&1 || { echo "eng/restore.sh: packing failed" >&2; exit 1; }
fi
dotnet restore "$root/Gateway.sln" --nologo -v quiet
