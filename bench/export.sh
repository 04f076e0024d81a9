#!/usr/bin/env bash
# What a research platform's dataset export costs: starts the packaged server on a fresh embedded H2
# (or a throwaway PostgreSQL), ingests N images permitted for de-identified ai-training (patients with
# a consent and 10 images each, bytes in Binaries, transaction Bundles), then, as the research client:
# subscribes a local rest-hook receiver to its withdrawal notices, runs an ai-training bulk export
# (kickoff to complete manifest: images/s and bytes/s), downloads the files, reads the dataset List
# and calls $dataset-status, withdraws one patient's consent and times its notice's arrival at the
# receiver. The dataset List's write time is the server's log line. Prints a table, then JSON.
# Usage: bench/export.sh [images=10000]
#   env: PORT (default 18182), RECEIVER_PORT (18190), JAVA_OPTS (JVM options; the server is started by its
#        launcher bin/dermconsent, from a copy prepared at the start: bench/lib.sh),
#        BUNDLE_ENTRIES (entries per transaction, 500), KEEP=1 (keep the work directory and logs),
#        DB=postgres (a throwaway PostgreSQL cluster in the work directory instead of H2; needs initdb,
#        pg_ctl and postgres on PATH or in PG_BIN, e.g. Debian's postgresql package), PG_PORT (55433)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-10000}
port=${PORT:-18182}
base="http://127.0.0.1:$port/fhir"
db=${DB:-h2}
case $db in h2|postgres) ;; *) echo "DB must be h2 or postgres, not $db" >&2; exit 1 ;; esac
work=$(mktemp -d)
pid=
pg_port=${PG_PORT:-55433}
. bench/lib.sh

cleanup() {
  stop_server
  stop_postgres
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 2 "$base/metadata"; then
  echo "something already answers on port $port; set PORT to a free port" >&2
  exit 1
fi
prepare_dermconsent

if [ "$db" = postgres ]; then
  start_postgres dermconsent
  storage=(--spring.profiles.active=postgres
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pg_port/dermconsent" --spring.datasource.username=dermconsent)
else
  storage=(--spring.datasource.url="jdbc:h2:file:$work/db;DB_CLOSE_ON_EXIT=FALSE")
fi

log=$work/server.log
(cd "$work" && exec "$dc_launcher" --server.port="$port" "${storage[@]}" \
  --spring.jpa.properties.hibernate.search.backend.directory.root="$work/lucene" >"$log" 2>&1) &
pid=$!
t0=$SECONDS
until curl -fs -o /dev/null --max-time 5 "$base/metadata"; do
  kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -40 "$log" >&2; exit 1; }
  (( SECONDS - t0 < 600 )) || { echo "server not ready after 600 s; log:" >&2; tail -40 "$log" >&2; exit 1; }
  sleep 0.5
done
echo "server up in $(( SECONDS - t0 )) s" >&2

bench() { python3 bench/export-bench.py "$@"; }
bench ingest --base "$base" --state "$work/state.json" --images "$images" --bundle-entries "${BUNDLE_ENTRIES:-500}"
bench run --base "$base" --state "$work/state.json" --results "$work/results.json" --server-log "$log" \
  --receiver-port "${RECEIVER_PORT:-18190}"
errors=$(grep -c ' ERROR ' "$log" || true)
bench report --results "$work/results.json" \
  --extra "$(printf '{"database":"%s","server_log_errors":%d}' "$db" "$errors")"
[ "$errors" = 0 ] || { echo "server log has $errors ERROR lines, first ones:" >&2; grep ' ERROR ' "$log" | awk 'NR <= 5' | cut -c1-400 >&2; }
