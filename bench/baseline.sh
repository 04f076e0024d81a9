#!/usr/bin/env bash
# DermConsent against the usual way of enforcing consent in HAPI: a post-filter peer (bench/postfilter-baseline,
# a minimal HAPI FHIR 8.8.0 JPA server whose ConsentInterceptor hides, after the query, the Media that a
# patient's consent does not permit for purpose ai-training). Both servers ingest the same seeded population
# (bench/consent-bench.py's generator, same seed) into databases of their own; then, each in fresh JVMs:
#   dc-filtered, dc-unfiltered   DermConsent enforced and not (as bench/consent.sh's first two phases)
#   peer-postfilter   the peer with its ConsentInterceptor: page 1, the first page that shows a permitted
#                     image (it may be preceded by empty pages), a full walk through the empty pages, and
#                     what it answers for _summary=count / _total=accurate
#   peer-unfiltered   the same peer without the interceptor (plain HAPI): unfiltered page-1 latency, and the
#                     check that every image of every cohort was stored
# and prints one side-by-side table for the cohorts where 100%, 10% and 1% of the images are permitted,
# then every figure as JSON.
# Usage: bench/baseline.sh [images=10000] [images-per-patient=10]
#   env: DB=h2|postgres (postgres: a throwaway cluster in the work directory, as in consent.sh; needs
#        initdb, pg_ctl, postgres on PATH, in PG_BIN, or Debian's /usr/lib/postgresql/15/bin), PG_PORT (55433)
#        PORT (18191), JAVA_OPTS (JVM options for both servers; DermConsent is started by its launcher
#        bin/dermconsent from a copy prepared at the start (bench/lib.sh), the peer as HAPI's JPA starter is run,
#        java -jar on the JVM's defaults; neither gets an -Xmx), REQUESTS (DermConsent timed requests
#        per cohort, 50), PEER_REQUESTS (peer timed first-page searches per cohort, 3: each can take minutes),
#        WALK_BUDGET (seconds one peer walk may take before it is stopped and reported as partial, 900),
#        THREADS (2), BUNDLE_ENTRIES (300)
#        WORK=<directory>: resume or repeat in that directory. Each step leaves <step>.done; a step with a
#        .done file is skipped, so an interrupted run continues where it stopped (an interrupted ingest starts
#        that server's database again). Remove a step's .done file to repeat it. Without WORK a fresh
#        directory is made and removed at the end unless KEEP=1.
#   (build DermConsent first: mvn -B -q -DskipTests package; the peer is built here if its jar is missing:
#    mvn -B -o -q -f bench/postfilter-baseline/pom.xml package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
peer_jar=bench/postfilter-baseline/target/postfilter-baseline.jar
[ -f server/target/dermconsent/dermconsent.jar ] || { echo "build DermConsent first: mvn -B -q -DskipTests package" >&2; exit 1; }
if [ ! -f "$peer_jar" ]; then
  echo "building the post-filter peer ($peer_jar)" >&2
  mvn -B -o -q -f bench/postfilter-baseline/pom.xml package -DskipTests >&2
fi
images=${1:-10000}
per_patient=${2:-10}
port=${PORT:-18191}
base="http://127.0.0.1:$port/fhir"
db=${DB:-h2}
case $db in h2|postgres) ;; *) echo "DB must be h2 or postgres, not $db" >&2; exit 1 ;; esac
if [ -n "${WORK:-}" ]; then
  work=$(readlink -f "$WORK") KEEP=1
  mkdir -p "$work"
  if [ -f "$work/params" ] && [ "$(cat "$work/params")" != "$db $images $per_patient" ]; then
    echo "WORK=$work was made for '$(cat "$work/params")' (db images per-patient), not '$db $images $per_patient'" >&2; exit 1
  fi
else
  work=$(mktemp -d)
fi
echo "$db $images $per_patient" >"$work/params"
pid=
pg_port=${PG_PORT:-55433}
. bench/lib.sh

psql_do() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U dermconsent -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
fresh_database() { # name: an empty database for one server's ingest
  if [ "$db" = postgres ]; then
    psql_do "DROP DATABASE IF EXISTS $1"; psql_do "CREATE DATABASE $1"
  else
    rm -rf "${work:?}/$1"; mkdir -p "$work/$1"
  fi
}
storage() { # name: the server arguments for that database
  if [ "$db" = postgres ]; then
    echo "--spring.profiles.active=postgres --spring.datasource.url=jdbc:postgresql://127.0.0.1:$pg_port/$1 --spring.datasource.username=dermconsent --spring.datasource.password="
  else
    echo "--spring.datasource.url=jdbc:h2:file:$work/$1/db;DB_CLOSE_ON_EXIT=FALSE"
  fi
}

cleanup() {
  stop_server
  stop_postgres
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $work (WORK=$work resumes)" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 2 "$base/metadata"; then
  echo "something already answers on port $port; set PORT to a free port" >&2; exit 1
fi
# the same servers for every step, even if they are rebuilt meanwhile (kept across resumes)
prepare_dermconsent
[ -f "$work/postfilter-baseline.jar" ] || cp "$peer_jar" "$work/postfilter-baseline.jar"
[ "$db" = postgres ] && start_postgres

start_server() { # log-name dermconsent|postfilter-baseline.jar database extra-args...
  local log=$work/$1 server=$2 name=$3; shift 3
  local launch=("$dc_launcher")
  # shellcheck disable=SC2206 # JAVA_OPTS holds several options
  [ "$server" = dermconsent ] || launch=(java ${JAVA_OPTS:-} -jar "$work/$server")
  # shellcheck disable=SC2046 # storage() yields separate arguments without spaces inside them
  (cd "$work" && exec "${launch[@]}" --server.port="$port" $(storage "$name") \
    --spring.jpa.properties.hibernate.search.backend.directory.root="$work/$name/lucene" "$@" >"$log" 2>&1) &
  pid=$!
  local t0=$SECONDS
  until curl -fs -o /dev/null --max-time 5 "$base/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -40 "$log" >&2; exit 1; }
    (( SECONDS - t0 < 900 )) || { echo "server not ready after 900 s; log:" >&2; tail -40 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "server up in $(( SECONDS - t0 )) s ($server $*)" >&2
}
bench() { python3 "$root/bench/consent-bench.py" --base "$base" "$@"; }
peer=(--state "$work/state-peer.json" --results "$work/results-peer.json")
dc=(--state "$work/state.json" --results "$work/results.json")
step() { # name: true if the step still has to run
  if [ -f "$work/$1.done" ]; then echo "step $1: done earlier, skipped" >&2; return 1; fi
  echo "step $1 ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
}
done_step() { touch "$work/$1.done"; }

if step dc-ingest; then
  fresh_database dc; rm -f "$work/results.json"
  start_server dc-ingest.log dermconsent dc
  bench "${dc[@]}" generate --images "$images" --per-patient "$per_patient" \
    --threads "${THREADS:-2}" --bundle-entries "${BUNDLE_ENTRIES:-300}"
  stop_server; done_step dc-ingest
fi
if step dc-filtered; then
  start_server dc-filtered.log dermconsent dc
  bench "${dc[@]}" measure --phase filtered --requests "${REQUESTS:-50}"
  stop_server; done_step dc-filtered
fi
if step dc-unfiltered; then
  start_server dc-unfiltered.log dermconsent dc --dermconsent.enforcement.enabled=false
  grep -q "Consent enforcement is OFF" "$work/dc-unfiltered.log" \
    || echo "WARNING: DermConsent did not log that enforcement is off" >&2
  bench "${dc[@]}" measure --phase unfiltered --requests "${REQUESTS:-50}"
  stop_server; done_step dc-unfiltered
fi

if step peer-ingest; then
  fresh_database peer; rm -f "$work/results-peer.json"
  start_server peer-ingest.log postfilter-baseline.jar peer
  bench "${peer[@]}" generate --no-verify --images "$images" --per-patient "$per_patient" \
    --threads "${THREADS:-2}" --bundle-entries "${BUNDLE_ENTRIES:-300}"
  stop_server; done_step peer-ingest
fi
if step peer-postfilter; then
  start_server peer-postfilter.log postfilter-baseline.jar peer
  bench "${peer[@]}" measure-postfilter --requests "${PEER_REQUESTS:-3}" --walk-budget "${WALK_BUDGET:-900}"
  stop_server; done_step peer-postfilter
fi
if step peer-unfiltered; then
  start_server peer-unfiltered.log postfilter-baseline.jar peer --baseline.consent=false
  bench "${peer[@]}" measure --phase unfiltered --requests "${REQUESTS:-50}"
  stop_server; done_step peer-unfiltered
fi
echo
echo "DermConsent against a HAPI ConsentInterceptor post-filter server, $images images ($db), work directory $work"
bench "${dc[@]}" compare --peer-results "$work/results-peer.json"
for log in "$work"/*.log; do
  n=$(grep -c ' ERROR ' "$log" || true)
  [ "$n" = 0 ] || echo "server log $(basename "$log") has $n ERROR lines" >&2
done
echo
for f in results-peer.json:"post-filter peer" results.json:DermConsent; do
  [ -f "$work/${f%%:*}" ] && { echo; echo "${f#*:}, all figures:"; cat "$work/${f%%:*}"; }
done
true
