#!/bin/bash
# The images' health check (Docker HEALTHCHECK, podman healthcheck run); Kubernetes uses its own probes instead.
#   healthcheck http      the service answers GET /alive on HEALTH_PORT (default 8080) with 200 (no curl: bash /dev/tcp)
#   healthcheck redis     redis answers PING
#   healthcheck rabbitmq  AMQP listens (it does once the node has booted)
#   healthcheck postgres  PostgreSQL accepts connections
set -euo pipefail
case ${1:-http} in
  http)
    exec 3<>"/dev/tcp/127.0.0.1/${HEALTH_PORT:-8080}"
    printf 'GET /alive HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    head -1 <&3 | grep -q ' 200 ' ;;
  redis) REDISCLI_AUTH=${REDIS_PASSWORD:-} redis-cli -h 127.0.0.1 ping | grep -q PONG ;;
  rabbitmq) exec 3<>/dev/tcp/127.0.0.1/5672 ;;
  postgres) pg_isready -q -h 127.0.0.1 ;;
  *) echo "healthcheck: unknown kind '$1'" >&2; exit 2 ;;
esac
