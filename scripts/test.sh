#!/usr/bin/env bash
# The test suite: starts Redis, RabbitMQ and PostgreSQL on loopback (installing them first on a fresh Debian
# machine when run as root), builds, runs every test project, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
trap infra_down EXIT

command -v dotnet >/dev/null || { echo "dotnet not found: install the .NET 10 SDK (https://dot.net)"; exit 1; }
infra_up || { echo "could not start the test infrastructure"; exit 1; }

configuration=${CONFIGURATION:-Release}
results=$PWD/TestResults
rm -rf "$results"; mkdir -p "$results"

# RabbitMQ boots while the solution builds.
dotnet build Ministudio.sln -c "$configuration" -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
infra_wait || { echo "0 passed, 1 failed"; exit 1; }

# Container images for the deploy smoke test (tests/Ministudio.Deploy.Tests, podman kube play), on request
# (MINISTUDIO_IMAGES=1): built as root on Debian, root file systems cached in .images/; 10-25 minutes when fresh.
if [ "${MINISTUDIO_IMAGES:-0}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "building container images (scripts/images.sh, log in $results/images.log)"
  bash scripts/images.sh >"$results/images.log" 2>&1 || { echo "scripts/images.sh failed:"; tail -20 "$results/images.log"; }
  grep ' built ' "$results/images.log" || true
fi

dotnet test --solution Ministudio.sln -c "$configuration" --no-build --results-directory "$results" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}

# Counts from the run summary of dotnet test (one block for all test assemblies). Per-assembly report files are not
# used: assemblies finishing in the same instant can write the same file name and one count would be lost.
passed=$(sed -n 's/^ *succeeded: *\([0-9][0-9]*\)$/\1/p' "$results/test.log" | tail -1)
failed=$(sed -n 's/^ *failed: *\([0-9][0-9]*\)$/\1/p' "$results/test.log" | tail -1)
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
