#!/usr/bin/env bash
# What a research platform's dataset export costs: starts the packaged server on a fresh embedded H2
# (or a throwaway PostgreSQL), ingests N images permitted for de-identified ai-training (patients with
# a consent and 10 images each, bytes in Binaries, transaction Bundles), then, as the research client:
# subscribes a local rest-hook receiver to its withdrawal notices, runs an ai-training bulk export
# (kickoff to complete manifest: images/s and bytes/s), downloads the files, reads the dataset List
# and calls $dataset-status, withdraws one patient's consent and times its notice's arrival at the
# receiver. The dataset List's write time is the server's log line. Prints a table, then JSON.
# Usage: bench/export.sh [images=10000]
#   env: PORT (default 18182), RECEIVER_PORT (18190), JAVA_OPTS (extra JVM options),
#        BUNDLE_ENTRIES (entries per transaction, 500), KEEP=1 (keep the work directory and logs),
#        DB=postgres (a throwaway PostgreSQL cluster in the work directory instead of H2; needs initdb,
#        pg_ctl and postgres on PATH or in PG_BIN, e.g. Debian's postgresql package), PG_PORT (55433)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=server/target/dermconsent.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
images=${1:-10000}
port=${PORT:-18182}
base="http://127.0.0.1:$port/fhir"
db=${DB:-h2}
case $db in h2|postgres) ;; *) echo "DB must be h2 or postgres, not $db" >&2; exit 1 ;; esac
work=$(mktemp -d)
pid=
pg_port=${PG_PORT:-55433}
pg_bin=${PG_BIN:-$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_ctl)")")}

# PostgreSQL refuses to run as root: the cluster then belongs to the postgres account
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_postgres() {
  mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work" "$work/pg"
  as_pg_owner "$pg_bin/initdb" -D "$work/pg" -U dermconsent --auth=trust -E UTF8 >"$work/initdb.log"
  as_pg_owner "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w start \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_connections=100" >/dev/null
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U dermconsent dermconsent
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port" >&2
}
stop_postgres() {
  [ "$db" = postgres ] && [ -f "$work/pg/postmaster.pid" ] || return 0
  as_pg_owner "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null || true
}
stop_server() {
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
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
cp "$jar" "$work/dermconsent.jar"

if [ "$db" = postgres ]; then
  start_postgres
  storage=(--spring.profiles.active=postgres
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pg_port/dermconsent" --spring.datasource.username=dermconsent)
else
  storage=(--spring.datasource.url="jdbc:h2:file:$work/db;DB_CLOSE_ON_EXIT=FALSE")
fi

log=$work/server.log
(cd "$work" && exec java -Xmx2g ${JAVA_OPTS:-} -jar "$work/dermconsent.jar" --server.port="$port" "${storage[@]}" \
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
