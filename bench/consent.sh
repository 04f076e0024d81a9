#!/usr/bin/env bash
# What consent enforcement costs in search: ingests a seeded population of derm images and consents
# into a fresh embedded database (patients and consents first, then their images), restarts it, times purpose "ai-training" Media searches in cohorts where 100%,
# 10% and 1% of the images are permitted (phase "filtered"), then restarts the server on the same
# database with --dermconsent.enforcement.enabled=false (phase "unfiltered"), and repeats both with
# --dermconsent.audit.enabled=false ("audit-off", "unfiltered-audit-off"), and compares.
# Also checks the filtered results are exact (paging, totals, no leaks) and how fast a consent
# grant and its withdrawal reach search. Prints a table, then all figures as JSON.
# Usage: bench/consent.sh [images=100000] [images-per-patient=10]
#   env: PORT (default 18181), JAVA_OPTS (JVM options; the server is started as the README starts it, by its
#        launcher bin/dermconsent, from a copy prepared at the start: bench/lib.sh), REQUESTS (timed requests per cohort, 50),
#        THREADS (ingest threads, 2), BUNDLE_ENTRIES (entries per transaction, 300),
#        H2_URL_OPTIONS (appended to the H2 URL, e.g. ";CACHE_SIZE=262144"),
#        COHORT_SHARE (share of patients in each measured cohort, 0.10; e.g. 0.01 at 1,000,000 images keeps
#        the cohorts at 10,000 images), WALK_MAX_PAGES (walk at most this many pages of a result: a longer
#        walk is checked for leaks, duplicates and full pages only; unlimited by default),
#        MEASURE=0 (ingest only, keep the work directory: measure later with WORK=<it>, e.g. on a quiet machine),
#        AUDIT_PHASES=0 (skip the two audit-off phases: the filtered/unfiltered ratio needs only the first two),
#        KEEP=1 (keep the work directory with database and server logs),
#        WORK=<kept work directory> (measure again on its data: no new ingest; the directory is kept),
#        DB=postgres (a throwaway PostgreSQL cluster in the work directory instead of H2; needs initdb,
#        pg_ctl and postgres on PATH or in PG_BIN, e.g. Debian's postgresql package), PG_PORT (55432)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-100000}
per_patient=${2:-10}
port=${PORT:-18181}
base="http://127.0.0.1:$port/fhir"
db=${DB:-h2}
case $db in h2|postgres) ;; *) echo "DB must be h2 or postgres, not $db" >&2; exit 1 ;; esac
if [ -n "${WORK:-}" ]; then
  work=$WORK KEEP=1
  stored=$work/db.mv.db; [ "$db" = postgres ] && stored=$work/pg/PG_VERSION
  [ -f "$work/state.json" ] && [ -f "$stored" ] || { echo "WORK=$work holds no $db benchmark database" >&2; exit 1; }
else
  work=$(mktemp -d)
fi
pid=
pg_port=${PG_PORT:-55432}
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

# the same server for every phase, even if server/target is rebuilt meanwhile
prepare_dermconsent

if [ "$db" = postgres ]; then
  start_postgres dermconsent
  storage=(--spring.profiles.active=postgres
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pg_port/dermconsent" --spring.datasource.username=dermconsent)
else
  storage=(--spring.datasource.url="jdbc:h2:file:$work/db;DB_CLOSE_ON_EXIT=FALSE${H2_URL_OPTIONS:-}")
fi

start_server() { # log-name extra-args...
  local log=$work/$1; shift
  (cd "$work" && exec "$dc_launcher" --server.port="$port" "${storage[@]}" \
    --spring.jpa.properties.hibernate.search.backend.directory.root="$work/lucene" "$@" >"$log" 2>&1) &
  pid=$!
  local t0=$SECONDS
  until curl -fs -o /dev/null --max-time 5 "$base/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -40 "$log" >&2; exit 1; }
    (( SECONDS - t0 < 600 )) || { echo "server not ready after 600 s; log:" >&2; tail -40 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "server up in $(( SECONDS - t0 )) s ($*)" >&2
}

bench() { python3 bench/consent-bench.py --base "$base" --state "$work/state.json" --results "$work/results.json" "$@"; }

if [ -z "${WORK:-}" ]; then
  start_server ingest.log
  bench generate --images "$images" --per-patient "$per_patient" --threads "${THREADS:-2}" --bundle-entries "${BUNDLE_ENTRIES:-300}" \
    --cohort-share "${COHORT_SHARE:-0.10}"
  stop_server
  if [ "${MEASURE:-1}" = 0 ]; then
    KEEP=1
    echo "ingested; measure with: WORK=$work DB=$db bench/consent.sh $images $per_patient" >&2
    exit 0
  fi
else
  echo "measuring again on $work (ingested earlier; its ingest figures are reported as they were)" >&2
fi

# every phase starts from a fresh JVM on the stored data, so none inherits the ingest's background work
start_server filtered.log
bench measure ${WALK_MAX_PAGES:+--walk-max-pages "$WALK_MAX_PAGES"} --phase filtered --requests "${REQUESTS:-50}"
stop_server

start_server unfiltered.log --dermconsent.enforcement.enabled=false
if grep -q "Consent enforcement is OFF" "$work/unfiltered.log"; then off=true; else
  off=false
  echo "WARNING: the server did not log that enforcement is off; this jar may not know" \
       "dermconsent.enforcement.enabled, so the unfiltered phases may still filter" >&2
fi
bench measure ${WALK_MAX_PAGES:+--walk-max-pages "$WALK_MAX_PAGES"} --phase unfiltered --requests "${REQUESTS:-50}"
stop_server

if [ "${AUDIT_PHASES:-1}" != 0 ]; then
  start_server audit-off.log --dermconsent.audit.enabled=false
  bench measure ${WALK_MAX_PAGES:+--walk-max-pages "$WALK_MAX_PAGES"} --phase audit-off --requests "${REQUESTS:-50}"
  stop_server

  start_server unfiltered-audit-off.log --dermconsent.enforcement.enabled=false --dermconsent.audit.enabled=false
  bench measure ${WALK_MAX_PAGES:+--walk-max-pages "$WALK_MAX_PAGES"} --phase unfiltered-audit-off --requests "${REQUESTS:-50}"
  stop_server
fi

# what went wrong inside the server, if anything
log_summary() {
  local f=$work/$1
  printf '{"errors":%d,"warnings":%d,"exceptions":%d,"first_errors":%s}' \
    "$(grep -c ' ERROR ' "$f" || true)" "$(grep -c ' WARN ' "$f" || true)" \
    "$(grep -cE '^[a-zA-Z.]+(Exception|Error)' "$f" || true)" \
    "$( (grep -E ' ERROR |^[a-zA-Z.]+(Exception|Error)' "$f" || true) | awk 'NR <= 5' | python3 -c 'import json,sys; print(json.dumps([l.strip()[:300] for l in sys.stdin]))')"
}
extra=$(printf '{"database":"%s","jar":"%s","jar_bytes":%d,"enforcement_off_logged":%s,"server_log":{"filtered":%s,"unfiltered":%s}}' \
  "$db" server/target/dermconsent/dermconsent.jar "$(stat -c %s "$work/dermconsent/dermconsent.jar")" "$off" "$(log_summary filtered.log)" "$(log_summary unfiltered.log)")
bench report --extra "$extra"
for phase in ingest filtered unfiltered audit-off unfiltered-audit-off; do
  [ -f "$work/$phase.log" ] || continue
  n=$(grep -c ' ERROR ' "$work/$phase.log" || true)
  [ "$n" = 0 ] || { echo "server log ($phase) has $n ERROR lines, first ones:" >&2; grep ' ERROR ' "$work/$phase.log" | awk 'NR <= 5' | cut -c1-400 >&2; }
done
