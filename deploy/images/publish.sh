#!/bin/sh
# Publishes one service self-contained for linux-x64 into <out>, as every image carries it (scripts/images.sh and
# deploy/images/Dockerfile): sh deploy/images/publish.sh <project> <out> [more dotnet publish arguments]
set -eu
project=$1 out=$2; shift 2
exec dotnet publish "services/$project/$project.csproj" -c Release -r linux-x64 --self-contained true \
  -p:UseAppHost=true -p:GenerateDocumentationFile=false -o "$out" -nologo "$@"
