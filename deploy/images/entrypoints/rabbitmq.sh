#!/bin/bash
# RabbitMQ for the dev overlay: RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS as in the official image; data, cookie and
# generated config in /var/lib/rabbitmq (a volume), logs to stdout, nothing written to the read-only root.
set -euo pipefail
: "${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS is required (no default password)}"
data=/var/lib/rabbitmq
export HOME=$data RABBITMQ_NODENAME=${RABBITMQ_NODENAME:-rabbit@localhost} RABBITMQ_LOGS=- RABBITMQ_SASL_LOGS=-
export RABBITMQ_MNESIA_BASE=$data/mnesia RABBITMQ_ENABLED_PLUGINS_FILE=$data/enabled_plugins
export RABBITMQ_CONFIG_FILE=$data/rabbitmq RABBITMQ_PID_FILE=/tmp/rabbitmq.pid RABBITMQ_LOG_BASE=/tmp
# The management API serves KEDA's queue-depth scaler (messages ready + unacknowledged).
echo '[rabbitmq_management].' >"$data/enabled_plugins"
{
  echo "default_user = ${RABBITMQ_DEFAULT_USER:-ministudio}"
  echo "default_pass = $RABBITMQ_DEFAULT_PASS"
  echo "loopback_users = none"
  echo "listeners.tcp.default = 5672"
} >"$data/rabbitmq.conf"
chmod 0600 "$data/rabbitmq.conf"
exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
