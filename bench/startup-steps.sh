#!/usr/bin/env bash
# Where DermConsent's start goes, by Spring's startup steps (bench/StartupSteps.java): one start on a fresh
# embedded H2 database, then a restart on it. Prints the time from SpringApplication.run to ready, the
# longest steps by their own time and the own time per kind of step, and how long storing (or checking)
# the conformance package took. (It does not time the JVM's launch or the first GET /fhir/metadata:
# bench/startup-compare.sh does.)
# Usage: bench/startup-steps.sh   env: TOP (25 steps), PORT (18194), JAVA (java)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
app=$PWD/server/target/dermconsent
[ -f "$app/dermconsent.jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for start in fresh restart; do
  echo "== $start"
  (cd "$work" && ${JAVA:-java} -Dtop="${TOP:-25}" -cp "$app/dermconsent.jar:$app/lib/*" "$OLDPWD/bench/StartupSteps.java" \
    --server.port="${PORT:-18194}" > "$work/$start.log" 2>&1) || { tail -30 "$work/$start.log" >&2; exit 1; }
  grep '^STARTUP' "$work/$start.log" | sed 's/^STARTUP //'
  grep -o 'Conformance package .*' "$work/$start.log" || true
done
