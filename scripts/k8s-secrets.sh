#!/usr/bin/env bash
# Generates the keys of the Secret "ministudio-secrets" with fresh random passwords, as an env file:
#   bash scripts/k8s-secrets.sh [file]     (default: deploy/k8s/overlays/dev/secrets.env, which the dev overlay reads)
# Never overwrites an existing file (the passwords are already in the running databases). Nothing it writes is
# committed (.gitignore). Production: write it somewhere safe and create the Secret from it, or keep the same keys in
# your secret store.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-deploy/k8s/overlays/dev/secrets.env}
[ -e "$file" ] && { echo "$file exists; keeping it (delete it to rotate every password)"; exit 0; }

# URL- and connection-string-safe: letters and digits only.
random() { head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-"$1"; }
postgres=$(random 32) rabbitmq=$(random 32) redis=$(random 32)
umask 077
mkdir -p "$(dirname "$file")"
cat >"$file" <<ENV
POSTGRES_PASSWORD=$postgres
RABBITMQ_DEFAULT_PASS=$rabbitmq
REDIS_PASSWORD=$redis
ConnectionStrings__postgres=Host=postgres;Port=5432;Username=ministudio;Password=$postgres;Database=ministudio
ConnectionStrings__rabbitmq=amqp://ministudio:$rabbitmq@rabbitmq:5672/
ConnectionStrings__redis=redis:6379,password=$redis
RABBITMQ_MANAGEMENT_URI=http://ministudio:$rabbitmq@rabbitmq.ministudio.svc:15672
Admin__ApiKey=$(random 48)
ServiceTrust__SigningKey=$(random 64)
DASHBOARD_BROWSER_TOKEN=$(random 32)
DASHBOARD_OTLP_API_KEY=$(random 32)
ENV
echo "wrote $file (operator key: Admin__ApiKey; dashboard login token: DASHBOARD_BROWSER_TOKEN)"
