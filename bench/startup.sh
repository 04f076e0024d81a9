#!/usr/bin/env bash
# Prints: size of the server as laid out (server/target/dermconsent/: application jar and lib/), time from JVM launch to the first successful GET /fhir/metadata, and the
# server's resident memory right after that, on a fresh embedded database.
# The server is started as the README starts it, by server/target/dermconsent/bin/dermconsent.
# Usage: bench/startup.sh [extra JVM options...]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=server/target/dermconsent/dermconsent.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
port=${PORT:-18080}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

start=$(date +%s%N)
(cd "$work" && JAVA_OPTS="$*" exec "$OLDPWD/$(dirname "$jar")/bin/dermconsent" --server.port="$port" >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/fhir/metadata"; do
  kill -0 "$pid" 2>/dev/null || { echo "server exited; log:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.2
done
ready=$(date +%s%N)
java_pid=$(pgrep -P "$pid" java || echo "$pid")
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$java_pid/status")

printf 'server size:            %d MiB\n' $(( $(du -sb "$(dirname "$jar")" | cut -f1) / 1048576 ))
printf 'startup to /metadata:   %.1f s\n' "$(echo "($ready - $start) / 1000000000" | bc -l)"
printf 'RSS after startup:      %d MiB\n' $(( rss_kb / 1024 ))
grep -o 'DermConsent ready:.*' "$work/server.log" || true
grep -o 'Memory after startup:.*' "$work/server.log" || true
