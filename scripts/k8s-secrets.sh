#!/usr/bin/env bash
# Generates the keys of the Secret "ministudio-secrets" with fresh random passwords, as an env file:
#   bash scripts/k8s-secrets.sh [file]     (default: deploy/k8s/overlays/dev/secrets.env, which the dev overlay reads)
# The prod overlay keeps artifacts in an S3-compatible bucket: give its credentials, which are not generated, as
#   ARTIFACTS_S3_ACCESS_KEY=... ARTIFACTS_S3_SECRET_KEY=... bash scripts/k8s-secrets.sh /secure/place/ministudio.env
# (left empty otherwise: dev keeps artifacts on its volume and does not read them).
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
Artifacts__S3__AccessKey=${ARTIFACTS_S3_ACCESS_KEY:-}
Artifacts__S3__SecretKey=${ARTIFACTS_S3_SECRET_KEY:-}
ENV
echo "wrote $file (operator key: Admin__ApiKey; dashboard login token: DASHBOARD_BROWSER_TOKEN)"
[ -n "${ARTIFACTS_S3_ACCESS_KEY:-}" ] && [ -n "${ARTIFACTS_S3_SECRET_KEY:-}" ] ||
  echo "S3 credentials left empty (set ARTIFACTS_S3_ACCESS_KEY and ARTIFACTS_S3_SECRET_KEY for the prod overlay's bucket)"
