#!/usr/bin/env bash
# Runs the whole platform on this machine through the Aspire AppHost (Redis, RabbitMQ and PostgreSQL from the
# machine's binaries, then every service), with the Aspire dashboard, renders the sample film to out/ with the ministudio
# CLI (`ministudio film render`, run in process by the AppHost), and keeps running
# until Ctrl+C. Extra arguments go to the AppHost, e.g. `--exit` to stop after the film, `--film other.json`,
# `--Ministudio:GatewayPort=5400`, `--Ministudio:Replicas:Dispatch=2`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
command -v dotnet >/dev/null || { echo "dotnet not found: install the .NET 10 SDK (https://dot.net)"; exit 1; }
infra_install
dotnet build Ministudio.AppHost -c Release -nologo -v q -clp:ErrorsOnly

# No development certificate here: the dashboard and its telemetry endpoint run over plain http on loopback.
# The login token is made here so the AppHost can print the dashboard's login link.
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:18888}
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://127.0.0.1:18889}
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://127.0.0.1:18890}
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN=${ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}

# dotnet run starts in the AppHost's folder: hand it absolute paths.
exec dotnet run --project Ministudio.AppHost -c Release --no-build --no-launch-profile -- \
  --film "$PWD/samples/lighthouse.json" --out "$PWD/out" "$@"
