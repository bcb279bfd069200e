#!/bin/bash
# Redis for the dev overlay: a cache (no persistence); the password (REDIS_PASSWORD, required) goes in through stdin,
# so it never shows in the process list.
set -euo pipefail
: "${REDIS_PASSWORD:?REDIS_PASSWORD is required (no default password)}"
printf 'requirepass "%s"\n' "$REDIS_PASSWORD" | exec redis-server - --bind 0.0.0.0 --port 6379 --protected-mode no \
  --save '' --appendonly no --dir /tmp "$@"
