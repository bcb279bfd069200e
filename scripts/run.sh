#!/usr/bin/env bash
# Runs the whole platform on this machine (Redis, RabbitMQ, PostgreSQL from the machine's binaries, then every
# service), renders the sample film to out/, and keeps running until Ctrl+C. Extra arguments go to the AppHost,
# e.g. `--exit` to stop after the film, `--film other.json`, `--gateway-port 5400`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
command -v dotnet >/dev/null || { echo "dotnet not found: install the .NET 10 SDK (https://dot.net)"; exit 1; }
infra_install
dotnet build Ministudio.AppHost -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet run --project Ministudio.AppHost -c Release --no-build -- --film samples/lighthouse.json --out out/ "$@"
