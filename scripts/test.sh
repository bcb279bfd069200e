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

dotnet test --solution Ministudio.sln -c "$configuration" --no-build --report-xunit-trx --results-directory "$results" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}

# Count outcomes from the TRX reports: the runner's own summary format is not a contract.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
