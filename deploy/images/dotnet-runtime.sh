#!/bin/sh
# Copies the .NET shared runtime the services run on (the dotnet host, Microsoft.NETCore.App and
# Microsoft.AspNetCore.App, the newest <major>.x of each) from a .NET installation into <target>/usr/share/dotnet,
# with /usr/bin/dotnet linking to it: the layout of Microsoft's runtime images. scripts/images.sh takes it from the SDK
# that built the services, deploy/images/Dockerfile from its SDK image; the services are published framework-dependent
# onto it, so every service image of a base shares this one layer.
#   sh dotnet-runtime.sh <dotnet root> <target> <major>      e.g. sh dotnet-runtime.sh /usr/share/dotnet /runtime 10
# Prints the runtime version it copied.
set -eu
from=$1 target=$2 major=$3
newest() { ls "$1" 2>/dev/null | grep "^$major\." | sort -V | tail -1; }
version=$(newest "$from/shared/Microsoft.NETCore.App")
[ -n "$version" ] || { echo "dotnet-runtime.sh: no Microsoft.NETCore.App $major.x in $from" >&2; exit 1; }
[ -d "$from/shared/Microsoft.AspNetCore.App/$version" ] || { echo "dotnet-runtime.sh: no Microsoft.AspNetCore.App $version in $from" >&2; exit 1; }
fxr=$(newest "$from/host/fxr")
[ -n "$fxr" ] || { echo "dotnet-runtime.sh: no host/fxr $major.x in $from" >&2; exit 1; }
to=$target/usr/share/dotnet
mkdir -p "$to/host/fxr" "$to/shared/Microsoft.NETCore.App" "$to/shared/Microsoft.AspNetCore.App" "$target/usr/bin"
cp -a "$from/dotnet" "$from/LICENSE.txt" "$from/ThirdPartyNotices.txt" "$to/"
cp -a "$from/host/fxr/$fxr" "$to/host/fxr/"
cp -a "$from/shared/Microsoft.NETCore.App/$version" "$to/shared/Microsoft.NETCore.App/"
cp -a "$from/shared/Microsoft.AspNetCore.App/$version" "$to/shared/Microsoft.AspNetCore.App/"
chown -R 0:0 "$to"; chmod -R go-w "$to"
ln -sf /usr/share/dotnet/dotnet "$target/usr/bin/dotnet"
echo "$version"
