#!/usr/bin/env bash
# The test suite: starts Redis, RabbitMQ and PostgreSQL on loopback (installing them first on a fresh Debian
# machine when run as root), builds, runs every test project, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
images_pid=
# Ends what this script started: a background image build still running (its process group), the infrastructure.
stop_all() { [ -n "$images_pid" ] && kill -- -"$images_pid" 2>/dev/null; infra_down; }
trap stop_all EXIT

command -v dotnet >/dev/null || { echo "dotnet not found: install the .NET 10 SDK (https://dot.net)"; exit 1; }
infra_up || { echo "could not start the test infrastructure"; exit 1; }

configuration=${CONFIGURATION:-Release}
results=$PWD/TestResults
rm -rf "$results"; mkdir -p "$results"

# Container images for the deploy smoke test (PodmanSmokeTests: the dev overlay under podman kube play), wherever
# scripts/images.sh can build them (root, Debian's apt; MINISTUDIO_IMAGES=0 leaves them out): in the background, in
# their own process group. The root file systems and base images are made while the solution builds; the services are
# then published from that build (--no-build). The smoke test waits for the status file and fails with the log's tail
# if the build failed. Root file systems are cached in .images/.
if [ "${MINISTUDIO_IMAGES:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export MINISTUDIO_IMAGES_LOG=$results/images.log MINISTUDIO_IMAGES_STATUS=$results/images.status
  publish=(--no-build); [ "$configuration" = Release ] || publish=()
  echo "building container images in the background (scripts/images.sh, log in $MINISTUDIO_IMAGES_LOG)"
  setsid bash -c '
    started=$SECONDS
    bash scripts/images.sh --bases && {
      until [ -e "$0/build.status" ]; do sleep 2; done
      [ "$(cat "$0/build.status")" = 0 ] && bash scripts/images.sh "${@}"
    }
    status=$?; echo "[images] finished with status $status after $((SECONDS - started)) s"
    echo "$status" >"$MINISTUDIO_IMAGES_STATUS"' "$results" "${publish[@]}" >"$MINISTUDIO_IMAGES_LOG" 2>&1 &
  images_pid=$!
fi

# RabbitMQ boots (and the images' bases are made) while the solution builds.
dotnet build Ministudio.sln -c "$configuration" -nologo -v q -clp:ErrorsOnly
build=$?; echo "$build" >"$results/build.status"
[ "$build" = 0 ] || { echo "0 passed, 1 failed"; exit 1; }
infra_wait || { echo "0 passed, 1 failed"; exit 1; }

dotnet test --solution Ministudio.sln -c "$configuration" --no-build --results-directory "$results" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}
[ -f "${MINISTUDIO_IMAGES_LOG:-}" ] && grep -E '\] (built|finished) ' "$MINISTUDIO_IMAGES_LOG"

# Counts from the run summary of dotnet test (one block for all test assemblies). Per-assembly report files are not
# used: assemblies finishing in the same instant can write the same file name and one count would be lost.
passed=$(sed -n 's/^ *succeeded: *\([0-9][0-9]*\)$/\1/p' "$results/test.log" | tail -1)
failed=$(sed -n 's/^ *failed: *\([0-9][0-9]*\)$/\1/p' "$results/test.log" | tail -1)
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
