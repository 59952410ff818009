#!/usr/bin/env bash
# Runs every test against the real engines, a real SQLite file and a real PostgreSQL started here on 127.0.0.1.
# Ends with one line: "tests: N passed, N failed[, N skipped]", counted from the test results; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
scripts/install-deps.sh test || exit 1
scripts/browser-deps.sh || exit 1

results=$(mktemp -d)
chmod 755 "$results"  # the PostgreSQL cluster inside runs as the postgres user
pg=$(scripts/postgres.sh start "$results/pg") || { echo "could not start PostgreSQL" >&2; exit 1; }
trap 'scripts/postgres.sh stop "$results/pg" >/dev/null 2>&1; rm -rf "$results"' EXIT
export VOICEAGENT_TEST_POSTGRES="$pg"

dotnet build VoiceAgent.sln -nologo -v quiet -clp:ErrorsOnly
build=$?
status=0
if [ $build -ne 0 ]; then
  echo "build failed" >&2
  status=1
else
  # One project at a time, each into its own results folder, so result files never collide.
  for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    dotnet test "$project" --no-build -nologo --logger "trx" --results-directory "$results/trx/$name" -- RunConfiguration.TestSessionTimeout=1200000 || status=1
  done
fi

passed=0; failed=0; skipped=0
for f in "$results"/trx/*/*.trx; do
  [ -e "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); x=$(get failed); t=$(get total); e=$(get executed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${x:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
[ $build -ne 0 ] && failed=$((failed + 1))
# A test host that crashed leaves no failed count behind: count the aborted run as a failure.
if [ $build -eq 0 ] && [ $status -ne 0 ] && [ "$failed" -eq 0 ]; then echo "a test run aborted" >&2; failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && { echo "no test ran" >&2; status=1; failed=1; }
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ $status -eq 0 ] && [ "$failed" -eq 0 ]
