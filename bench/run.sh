#!/usr/bin/env bash
# The benchmark suite: starts Redis, RabbitMQ and PostgreSQL (scripts/infra.sh) and the five services plus a bare YARP
# peer as plain processes on loopback, runs every measure side by side with its peer, and prints one table.
# Usage: bash bench/run.sh [--no-micro]      (about 20-25 minutes on 2 shared cores, every step bounded in count and time)
# Results: the table on stdout and in $BENCH_OUT (default out/bench/results.md); logs of every process next to it.
# Not a test: nothing here gates CI. Environment knobs: BENCH_SECONDS (per load run, default 5), BENCH_ROUNDS (2),
# BENCH_MEASURES (default "P1 P2 P7 P9 P4 P5 P3"), BENCH_P4_SHOTS (2000), BENCH_P5_SHOTS (96), GATEWAY_DLL, PROMPT_DLL, DISPATCH_DLL (another build of that service
# to measure, e.g. a baseline: its Ministudio.X.dll; it runs from this checkout's content root), BENCH_TRACE=1 (sampled
# thread-time traces of prompt and the gateway during P3's films, into $BENCH_OUT; needs `dotnet tool install -g dotnet-trace`),
# PROMPT_PG_EXTRA (Npgsql settings added to prompt's connection string, e.g. "Maximum Pool Size=8", to try pool settings),
# GATEWAY_ENV (settings added to the gateway's environment, space-separated NAME=value, e.g. "OTEL_TRACES_SAMPLER=always_off"),
# DISPATCH_ENV (the same for dispatch, e.g. "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0").
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
micro=1; [ "${1:-}" = "--no-micro" ] && micro=0
out=${BENCH_OUT:-$root/out/bench}
seconds=${BENCH_SECONDS:-5}
measures=" ${BENCH_MEASURES:-P1 P2 P7 P9 P4 P5 P3} "
rounds=${BENCH_ROUNDS:-2}
# An earlier run's output never passes for this one's (micro.md included: --no-micro prints none).
mkdir -p "$out"; rm -f "$out"/*.log "$out/results.jsonl" "$out/results.jsonl.p5" "$out/micro.md"
results=$out/results.jsonl

source scripts/infra.sh
pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
  infra_down
}
trap stop_all EXIT

infra_up || { echo "could not start Redis/RabbitMQ/PostgreSQL"; exit 1; }
echo "building (Release) …"
dotnet build bench/Ministudio.Bench/Ministudio.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly || exit 1
infra_wait || exit 1

artifacts=$(mktemp -d /tmp/ministudio-bench-artifacts.XXXXXX)
admin_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The key the services trust the gateway's assertions with; the bench signs its direct calls with it too.
export ServiceTrust__SigningKey=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
port() { infra_free_port; }
dll() { echo "$root/services/Ministudio.$1/bin/Release/net10.0/Ministudio.$1.dll"; }
bench_dll=$root/bench/Ministudio.Bench/bin/Release/net10.0/Ministudio.Bench.dll

# start NAME DIR URL-TO-WAIT-FOR COMMAND...: runs a process in DIR (a service's content root, where its appsettings.json
# is, as the AppHost does) with the environment the AppHost gives a service; logs to $out.
start() {
  local name=$1 dir=$2 ready=$3; shift 3
  ( cd "$dir" && exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production OTEL_SERVICE_NAME="$name" \
      Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true "$@" ) > "$out/$name.log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$ready" 2>/dev/null && { echo "  $name ready"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "$name exited:"; tail -30 "$out/$name.log"; return 1; }
    sleep 0.5
  done
  echo "$name not ready after 120 s:"; tail -30 "$out/$name.log"; return 1
}

render_http=$(port); render_grpc=$(port); compose_http=$(port); prompt_http=$(port); gateway_http=$(port); bare_http=$(port)
dispatch_http=$(port)
infra_env=(ConnectionStrings__redis="$ConnectionStrings__redis" ConnectionStrings__rabbitmq="$ConnectionStrings__rabbitmq"
           ConnectionStrings__postgres="$ConnectionStrings__postgres" Artifacts__Root="$artifacts" ServiceTrust__SigningKey="$ServiceTrust__SigningKey")

echo "starting the platform …"
start render "$root/services/Ministudio.Render" "http://127.0.0.1:$render_http/health" "${infra_env[@]}" \
  Kestrel__Endpoints__http__Url="http://127.0.0.1:$render_http" Kestrel__Endpoints__grpc__Url="http://127.0.0.1:$render_grpc" \
  Kestrel__Endpoints__grpc__Protocols=Http2 dotnet "$(dll Render)" || exit 1
render_pid=${pids[-1]}
start prompt "$root/services/Ministudio.Prompt" "http://127.0.0.1:$prompt_http/health" "${infra_env[@]}" ${PROMPT_PG_EXTRA:+ConnectionStrings__postgres="$ConnectionStrings__postgres;$PROMPT_PG_EXTRA"} Admin__ApiKey="$admin_key" \
  Kestrel__Endpoints__http__Url="http://127.0.0.1:$prompt_http" dotnet "${PROMPT_DLL:-$(dll Prompt)}" || exit 1
prompt_pid=${pids[-1]}
# compose and dispatch read tenants' own vendor keys from prompt (speech, video).
prompt_address=(services__prompt__http__0="http://127.0.0.1:$prompt_http")
start compose "$root/services/Ministudio.Compose" "http://127.0.0.1:$compose_http/health" "${infra_env[@]}" "${prompt_address[@]}" \
  Kestrel__Endpoints__http__Url="http://127.0.0.1:$compose_http" dotnet "$(dll Compose)" || exit 1

# dispatch is restarted per measure: the mock vendor's latency and the shot concurrency are its settings.
dispatch_pid=
start_dispatch() { # LATENCY CONCURRENCY [extra settings…]
  stop_dispatch
  local http=$dispatch_http latency=$1 concurrency=$2; shift 2
  start dispatch "$root/services/Ministudio.Dispatch" "http://127.0.0.1:$http/health" "${infra_env[@]}" "${prompt_address[@]}" "$@" \
    services__render__http__0="http://127.0.0.1:$render_http" services__render__grpc__0="http://127.0.0.1:$render_grpc" \
    Dispatch__Vendors__mock__Latency="$latency" Dispatch__MaxConcurrentShots="$concurrency" Dispatch__Vendors__mock__Resilience__MaxConcurrency="$concurrency" \
    Kestrel__Endpoints__http__Url="http://127.0.0.1:$http" ${DISPATCH_ENV:-} dotnet "${DISPATCH_DLL:-$(dll Dispatch)}" || exit 1
  dispatch_pid=${pids[-1]}
}
stop_dispatch() {
  [ -n "$dispatch_pid" ] || return 0
  kill "$dispatch_pid" 2>/dev/null; wait "$dispatch_pid" 2>/dev/null; dispatch_pid=
}
start_dispatch 00:00:00.100 8
start gateway "$root/services/Ministudio.Gateway" "http://127.0.0.1:$gateway_http/health" ConnectionStrings__redis="$ConnectionStrings__redis" \
  services__prompt__http__0="http://127.0.0.1:$prompt_http" services__dispatch__http__0="http://127.0.0.1:$dispatch_http" \
  services__mcp__http__0="http://127.0.0.1:9" ServiceTrust__SigningKey="$ServiceTrust__SigningKey" \
  Kestrel__Endpoints__http__Url="http://127.0.0.1:$gateway_http" ${GATEWAY_ENV:-} dotnet "${GATEWAY_DLL:-$(dll Gateway)}" || exit 1
gateway_pid=${pids[-1]}
start bare-yarp "$root" "http://127.0.0.1:$bare_http/alive" dotnet "$bench_dll" proxy port="$bare_http" to="http://127.0.0.1:$prompt_http" || exit 1
bare_pid=${pids[-1]}

measure() { # MEASURES [extra key=value…]
  local only=$1; shift
  timeout 600 dotnet "$bench_dll" measure only="$only" results="$results" seconds="$seconds" rounds="$rounds" \
    gateway="http://127.0.0.1:$gateway_http" prompt="http://127.0.0.1:$prompt_http" bare="http://127.0.0.1:$bare_http" \
    render="http://127.0.0.1:$render_grpc" rabbitmq="$ConnectionStrings__rabbitmq" admin="$admin_key" "$@" || echo "measure $only did not finish (exit $?)"
}

if [ "$micro" = 1 ]; then
  echo "== in-process hot paths (BenchmarkDotNet, short runs)"
  ( cd "$out" && timeout 600 dotnet "$bench_dll" micro --filter '*' ) > "$out/micro.log" 2>&1 || echo "micro benchmarks did not finish"
  sed -n '/^| Type/,/^$/p' "$out/micro.log" | tee "$out/micro.md"
fi

# name:pid of PostgreSQL, RabbitMQ and Redis, for the measures that read each process's CPU (P3, P4).
infra_pids() { echo "postgres:$(head -1 "$INFRA_RUN/pg/postmaster.pid"),rabbitmq:$(cat "$INFRA_RUN/rabbit.pid"),redis:$(cat "$INFRA_RUN/redis.pid")"; }
wanted() { [[ "$measures" == *" $1 "* ]]; }
wanted P1 && measure P1 pids="prompt:$prompt_pid,gateway:$gateway_pid,bare:$bare_pid"
wanted P2 && measure P2                        # dispatch: mock vendor 100 ms
wanted P7 && measure P7 renderPid="$render_pid"
wanted P9 && { start_dispatch 00:00:10 8; measure P9 vendorLatency=10; }
# The CPU each process spends per dispatched shot is read from /proc, as P3's per film.
wanted P4 && { start_dispatch 00:00:00 32; measure P4 shots="${BENCH_P4_SHOTS:-2000}" pids="dispatch:$dispatch_pid,prompt:$prompt_pid,$(infra_pids)"; }
# P5: the same count of 2 s shots at dispatch concurrency 8, then 32 (1,000 shots would take minutes per half here).
# The mock serves one stored clip per format (Dispatch:Vendors:mock:ReuseClips): rendering every shot, two render slots
# on two cores take longer per shot than the 2 s vendor latency, and the measure would be of the render service.
stored_clips=(Dispatch__Vendors__mock__ReuseClips=true)
wanted P5 && { start_dispatch 00:00:02 8 "${stored_clips[@]}"; measure P5 concurrency=8 shots="${BENCH_P5_SHOTS:-96}";
               start_dispatch 00:00:02 32 "${stored_clips[@]}"; measure P5 concurrency=32 shots="${BENCH_P5_SHOTS:-96}"; }
# P3 last, with dispatch stopped: the accept path alone (films pile up in RabbitMQ, nothing renders them meanwhile).
# The CPU each process spends per film is read from /proc (PostgreSQL and RabbitMQ with their children).
wanted P3 && { stop_dispatch; measure P3 ${BENCH_TRACE:+traces="$out"} pids="prompt:$prompt_pid,gateway:$gateway_pid,$(infra_pids)"; }

{
  echo "bash bench/run.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  dotnet "$bench_dll" measure only=report results="$results"
  [ -s "$out/micro.md" ] && { echo; echo "In-process hot paths (BenchmarkDotNet):"; echo; cat "$out/micro.md"; }
} | tee "$out/results.md"
