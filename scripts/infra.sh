#!/usr/bin/env bash
# Starts Redis, RabbitMQ, PostgreSQL and an S3-compatible server (s3rver) on free loopback ports, without systemd or
# Docker, for tests and CI.
# Usage:  source scripts/infra.sh && infra_up && infra_wait   (exports ConnectionStrings__redis/rabbitmq/postgres/s3)
#         infra_down                                          (stops only what infra_up started, by PID)
# Same contract as the product owner's shared/ci/infra.sh, kept in the repo so a clone alone can run its tests.

infra_free_port() { local p; while :; do p=$(( (RANDOM % 20000) + 20000 )); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; }

infra_pg_bin() { command -v initdb >/dev/null && dirname "$(command -v initdb)" || dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)"; }

# Installs what a fresh Debian machine lacks (as root); elsewhere names the missing packages and fails.
infra_install() {
  local need=()
  command -v redis-server >/dev/null || need+=(redis-server)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || need+=(ffmpeg)
  command -v espeak-ng >/dev/null || need+=(espeak-ng)
  command -v strace >/dev/null || need+=(strace)   # compose tests trace which files ffmpeg opens
  [ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)   # the studio's browser tests (Playwright drives it)
  [ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)   # the studio in Firefox (driven over WebDriver BiDi, FirefoxBrowser)
  [ -n "$(infra_pg_bin)" ] && [ -x "$(infra_pg_bin)/initdb" ] || need+=(postgresql)
  command -v npm >/dev/null || need+=(nodejs npm)   # s3rver, the artifact store's S3 tests
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "missing: ${need[*]} — install with: sudo apt-get install -y ${need[*]}" >&2; return 1; fi
    echo "installing: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || return 1
  fi
  infra_s3rver >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then echo "missing: s3rver — install with: sudo npm install -g s3rver@$INFRA_S3RVER_VERSION" >&2; return 1; fi
  echo "installing: s3rver@$INFRA_S3RVER_VERSION (npm)"
  npm install -g --no-audit --no-fund --loglevel=error "s3rver@$INFRA_S3RVER_VERSION" >/dev/null
}

INFRA_S3RVER_VERSION=3.7.1
INFRA_S3_BUCKET=ministudio-test   # tests/Ministudio.TestSupport/TestS3.cs names the same bucket

# The s3rver command, when the pinned version is installed.
infra_s3rver() {
  local bin; bin=$(command -v s3rver) || return 1
  grep -q "\"version\": \"$INFRA_S3RVER_VERSION\"" "$(npm root -g)/s3rver/package.json" 2>/dev/null || return 1
  echo "$bin"
}

infra_rmq_env() {
  export HOME=$INFRA_RUN/rmq-home ERL_EPMD_PORT=$INFRA_EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_NODENAME=ci@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$INFRA_AMQP_PORT
  export RABBITMQ_DIST_PORT=$INFRA_DIST_PORT RABBITMQ_MNESIA_BASE=$INFRA_RUN/rmq-mnesia RABBITMQ_LOG_BASE=$INFRA_RUN/rmq-log
  export RABBITMQ_PID_FILE=$INFRA_RUN/rabbit.pid RABBITMQ_ENABLED_PLUGINS_FILE=$INFRA_RUN/enabled_plugins
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

infra_up() {
  infra_install || return 1
  INFRA_RUN=$(mktemp -d /tmp/ministudio-infra.XXXXXX)
  INFRA_REDIS_PORT=$(infra_free_port); INFRA_AMQP_PORT=$(infra_free_port); INFRA_DIST_PORT=$(infra_free_port)
  INFRA_EPMD_PORT=$(infra_free_port); INFRA_PG_PORT=$(infra_free_port); INFRA_S3_PORT=$(infra_free_port)
  redis-server --bind 127.0.0.1 --port "$INFRA_REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --dir "$INFRA_RUN" --pidfile "$INFRA_RUN/redis.pid" --logfile "$INFRA_RUN/redis.log" || return 1
  mkdir -p "$INFRA_RUN/s3"
  "$(infra_s3rver)" -d "$INFRA_RUN/s3" -a 127.0.0.1 -p "$INFRA_S3_PORT" --silent --configure-bucket "$INFRA_S3_BUCKET" \
    > "$INFRA_RUN/s3rver.log" 2>&1 &
  INFRA_S3_PID=$!
  mkdir -p "$INFRA_RUN/rmq-home"; echo '[].' > "$INFRA_RUN/enabled_plugins"
  ( infra_rmq_env; exec /usr/lib/rabbitmq/bin/rabbitmq-server ) > "$INFRA_RUN/rabbit.out" 2>&1 &
  INFRA_RMQ_LAUNCHER=$!
  local pgbin; pgbin=$(infra_pg_bin)
  local pguser=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd -r postgres
    chown -R postgres "$INFRA_RUN"; pguser=(runuser -u postgres --)
  fi
  "${pguser[@]}" "$pgbin/initdb" -D "$INFRA_RUN/pg" -U postgres --auth=trust >/dev/null || return 1
  "${pguser[@]}" "$pgbin/pg_ctl" -D "$INFRA_RUN/pg" -l "$INFRA_RUN/pg.log" \
    -o "-p $INFRA_PG_PORT -k $INFRA_RUN -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null || return 1
  export ConnectionStrings__redis="127.0.0.1:$INFRA_REDIS_PORT"
  export ConnectionStrings__rabbitmq="amqp://guest:guest@127.0.0.1:$INFRA_AMQP_PORT/"
  export ConnectionStrings__postgres="Host=127.0.0.1;Port=$INFRA_PG_PORT;Username=postgres;Database=postgres"
  export ConnectionStrings__s3="http://127.0.0.1:$INFRA_S3_PORT"
  export INFRA_RUN INFRA_REDIS_PORT INFRA_AMQP_PORT INFRA_DIST_PORT INFRA_EPMD_PORT INFRA_PG_PORT INFRA_RMQ_LAUNCHER INFRA_S3_PORT INFRA_S3_PID
}

# RabbitMQ boots in 8-17 s on 2 cores: start the build in between.
infra_wait() {
  for _ in $(seq 1 100); do redis-cli -p "$INFRA_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$INFRA_S3_PORT) 2>/dev/null && break; sleep 0.1; done
  (exec 3<>/dev/tcp/127.0.0.1/$INFRA_S3_PORT) 2>/dev/null || { echo "s3rver did not start"; tail -20 "$INFRA_RUN/s3rver.log"; return 1; }
  ( infra_rmq_env; /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup --timeout 120 ) \
    || { echo "rabbitmq did not start"; tail -50 "$INFRA_RUN/rabbit.out"; return 1; }
}

infra_down() {
  [ -n "${INFRA_RUN:-}" ] || return 0
  [ -f "$INFRA_RUN/redis.pid" ] && kill "$(cat "$INFRA_RUN/redis.pid")" 2>/dev/null
  [ -n "${INFRA_S3_PID:-}" ] && kill "$INFRA_S3_PID" 2>/dev/null
  if [ -f "$INFRA_RUN/rabbit.pid" ]; then
    local p; p=$(cat "$INFRA_RUN/rabbit.pid"); kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$p" 2>/dev/null
  fi
  [ -n "${INFRA_RMQ_LAUNCHER:-}" ] && kill "$INFRA_RMQ_LAUNCHER" 2>/dev/null
  ( infra_rmq_env; epmd -kill >/dev/null 2>&1 )
  local pgbin; pgbin=$(infra_pg_bin)
  if [ -d "$INFRA_RUN/pg" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$INFRA_RUN/pg" -m fast stop >/dev/null 2>&1
    else "$pgbin/pg_ctl" -D "$INFRA_RUN/pg" -m fast stop >/dev/null 2>&1; fi
  fi
  # The servers' data and logs go with them (a used set is 2-3 GB); INFRA_KEEP=1 keeps them to read.
  [ "${INFRA_KEEP:-0}" = 1 ] || rm -rf "$INFRA_RUN"
  INFRA_RUN=
  return 0
}
