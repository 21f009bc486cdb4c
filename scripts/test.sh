#!/usr/bin/env bash
# Runs every test: installs what is missing, then builds and runs all test projects with the real models.
# Third-party test photos are fetched into .cache/ (never committed) by the tests themselves.
#   scripts/test.sh          every test (unit, integration, browser, multi-node)
#   scripts/test.sh --fast   unit tests only: no models, ffmpeg, database, browser or extra processes; installs nothing
set -euo pipefail
cd "$(dirname "$0")/.."

# One closing line for the whole run, summed over the test assemblies.
summarize() {
  awk '/(Passed|Failed)! +- +Failed:/ {
         for (i = 1; i <= NF; i++) { gsub(",", "", $i); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       }
       END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$1"
}

if [ "${1:-}" = "--fast" ]; then
  # Tests that need more than the code carry [Trait("Category", "Integration")] (plus Models, Ffmpeg, Database,
  # WebHost, Browser or MultiNode): leaving them out leaves the unit tests.
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  set +e
  dotnet test BlazorMood.sln -c Release --nologo --verbosity quiet --logger "console;verbosity=minimal" \
    --filter "Category!=Integration" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  summarize "$log"
  exit "$status"
elif [ $# -gt 0 ]; then
  echo "usage: scripts/test.sh [--fast]" >&2
  exit 2
fi

scripts/setup.sh --tests

# PostgreSQL and Redis for the multi-node tests, on free loopback ports, unless the caller started them already.
started_services=0
if [ -z "${BLAZORMOOD_TEST_POSTGRES:-}" ] || [ -z "${BLAZORMOOD_TEST_REDIS:-}" ]; then
  eval "$(scripts/start-test-services.sh)"
  started_services=1
  trap 'scripts/start-test-services.sh --stop >/dev/null 2>&1 || true' EXIT
fi

log=$(mktemp)
trap 'rm -f "$log"; if [ "$started_services" -eq 1 ]; then scripts/start-test-services.sh --stop >/dev/null 2>&1 || true; fi' EXIT
set +e
dotnet test BlazorMood.sln -c Release --nologo --verbosity quiet --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

summarize "$log"
exit "$status"
