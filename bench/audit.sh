#!/usr/bin/env bash
# What the durable disclosure audit costs in search latency. One server on an H2 file database in a
# fresh work directory holds PATIENTS patients who permit de-identified images for ai-training, with
# IMAGES_PER_PATIENT such images each; every timed request is purpose "ai-training" Media search whose
# first page shows all of them (so each response discloses images of PATIENTS patients: PATIENTS
# AuditEvents, journaled before the response leaves). Three phases, each in a fresh JVM on the same
# database, timed the same way:
#   durable      the default: the journal is forced to disk before the response leaves
#   not-durable  --dermconsent.audit.durable=false: journaled but not forced (survives kill -9 of the
#                server, not a crash of the machine); the difference to "durable" is the fsync
#   off          --dermconsent.audit.enabled=false: no audit at all
# ROUNDS rounds run the phases forwards, then backwards (durable, not-durable, off, off, not-durable,
# durable, ...), so that a machine getting slower or faster during the run does not favour one phase.
# Checks that the audited phases stored exactly one AuditEvent per patient and response.
# Usage: bench/audit.sh   env: REQUESTS (timed searches per phase and round, 200), WARMUP (30),
#   ROUNDS (2), PATIENTS (5), IMAGES_PER_PATIENT (10), PORT (18182), JAVA_OPTS (JVM options; the server is
#   started by its launcher bin/dermconsent, from a copy prepared at the start: bench/lib.sh), KEEP=1 (keep the
#   work directory and server logs)
#   Takes the preparation (about 90 s), then 3 server starts per round (20-30 s each on a 2-core machine) plus
#   the searches.
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
export REQUESTS=${REQUESTS:-200} WARMUP=${WARMUP:-30} PATIENTS=${PATIENTS:-5} IMAGES_PER_PATIENT=${IMAGES_PER_PATIENT:-10}
rounds=${ROUNDS:-2}
port=${PORT:-18182}
export BASE="http://127.0.0.1:$port/fhir"
work=$(mktemp -d)
export WORK=$work
pid=
. bench/lib.sh
cleanup() { stop_server; if [ -n "${KEEP:-}" ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
prepare_dermconsent

start_server() { # log-name extra-args...
  local log=$1; shift
  (cd "$work" && exec "$dc_launcher" --server.port="$port" \
    --spring.datasource.url="jdbc:h2:file:$work/db;DB_CLOSE_ON_EXIT=FALSE" \
    --spring.jpa.properties.hibernate.search.backend.directory.root="$work/lucene" "$@" >"$work/$log" 2>&1) &
  pid=$!
  until curl -fs -o /dev/null --max-time 5 "$BASE/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$work/$log" >&2; exit 1; }
    sleep 0.5
  done
}
bench() { python3 bench/audit-bench.py "$@"; }

phases=(durable not-durable off)
args_of() { case $1 in durable) ;; not-durable) echo --dermconsent.audit.durable=false ;; off) echo --dermconsent.audit.enabled=false ;; esac; }

start_server setup.log
bench setup
stop_server
for ((round = 1; round <= rounds; round++)); do
  order=("${phases[@]}")
  if ((round % 2 == 0)); then order=(off not-durable durable); fi
  for phase in "${order[@]}"; do
    echo "round $round: $phase" >&2
    # shellcheck disable=SC2046
    start_server "$phase-$round.log" $(args_of "$phase")
    bench time "$phase" "$round"
    stop_server # a clean stop stores what the audit has journaled
  done
done
bench report "$rounds"
grep -l ' ERROR ' "$work"/*.log >&2 && echo "(ERROR lines in the server logs above; KEEP=1 keeps them)" >&2 || true
