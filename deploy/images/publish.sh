#!/bin/sh
# Publishes one service framework-dependent for linux-x64 into <out>, as every image carries it on the base's shared
# .NET runtime (deploy/images/dotnet-runtime.sh), by scripts/images.sh and deploy/images/Dockerfile:
#   sh deploy/images/publish.sh <project> <out> [more dotnet publish arguments, e.g. --no-build after a Release build]
set -eu
project=$1 out=$2; shift 2
exec dotnet publish "services/$project/$project.csproj" -c Release -r linux-x64 --self-contained false \
  -p:UseAppHost=true -p:GenerateDocumentationFile=false -o "$out" -nologo "$@"
