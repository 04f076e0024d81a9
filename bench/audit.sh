#!/usr/bin/env bash
# What the durable disclosure audit costs in search latency: one server (H2 file database in a fresh
# work directory) holding one patient who permits de-identified images for ai-training and IMAGES such
# images; times REQUESTS purpose "ai-training" Media searches (each discloses a page of images, so each
# journals and forces an audit record before it answers) with the audit on, then restarts the server
# on the same database with --dermconsent.audit.enabled=false and times the same searches. Prints
# median, p95 and mean per phase, and how many AuditEvents the audited phase left.
# Usage: bench/audit.sh   env: REQUESTS (200), WARMUP (30), IMAGES (20), PORT (18182), JAVA_OPTS, KEEP=1,
#   JAR (the server jar, default server/target/dermconsent.jar)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${JAR:-$PWD/server/target/dermconsent.jar}
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
requests=${REQUESTS:-200}
warmup=${WARMUP:-30}
images=${IMAGES:-20}
port=${PORT:-18182}
base="http://127.0.0.1:$port/fhir"
work=$(mktemp -d)
pid=
stop_server() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
cleanup() { stop_server; if [ -n "${KEEP:-}" ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

start_server() { # log-name extra-args...
  local log=$1; shift
  (cd "$work" && exec java -Xmx1g ${JAVA_OPTS:-} -jar "$jar" --server.port="$port" \
    --spring.datasource.url="jdbc:h2:file:$work/db;DB_CLOSE_ON_EXIT=FALSE" \
    --spring.jpa.properties.hibernate.search.backend.directory.root="$work/lucene" "$@" >"$work/$log" 2>&1) &
  pid=$!
  until curl -fs -o /dev/null --max-time 5 "$base/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$work/$log" >&2; exit 1; }
    sleep 0.5
  done
}
post() { # type json -> id
  curl -fs -X POST -H 'Content-Type: application/fhir+json' --data-binary "$2" "$base/$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
# consent and image JSON as bench/consent-bench.py builds them (same JPEG bytes)
from_consent_bench() { # python expression over module cb -> printed
  python3 -c 'import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("cb", "bench/consent-bench.py")
cb = importlib.util.module_from_spec(spec); spec.loader.exec_module(cb)
print(eval(sys.argv[1]))' "$1"
}
time_searches() { # phase -> one line of seconds per request in $work/$phase.times
  local phase=$1 i
  for ((i = 0; i < warmup; i++)); do search >/dev/null; done
  : >"$work/$phase.times"
  for ((i = 0; i < requests; i++)); do search >>"$work/$phase.times"; done
}
search() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'X-Purpose-Of-Use: ai-training' \
    -H 'Accept: application/fhir+json' "$base/Media?subject=$patient&_count=20"
}

start_server audit-on.log
patient=Patient/$(post Patient '{"resourceType":"Patient"}')
post Consent "$(from_consent_bench 'json.dumps(cb.consent_json("'"$patient"'", "active", "2026-01-15T10:00:00Z", [(["ai-training"], ["deidentified"])]))')" >/dev/null
media=$(from_consent_bench 'json.dumps({"resourceType": "Media", "meta": {"security": [{"system": cb.IDENTIFIABILITY, "code": "deidentified"}]}, "status": "completed", "subject": {"reference": "'"$patient"'"}, "content": {"contentType": "image/jpeg", "data": cb.JPEG_B64}})')
for ((i = 0; i < images; i++)); do post Media "$media" >/dev/null; done
time_searches on
sleep 3 # let the background writer store what the timed searches journaled
events=$(curl -fs -H 'Accept: application/fhir+json' "$base/AuditEvent?patient=$patient&_summary=count" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total"))')
stop_server

start_server audit-off.log --dermconsent.audit.enabled=false
time_searches off
stop_server

python3 - "$work" "$requests" "$events" "$warmup" <<'PY'
import statistics, sys
work, requests, events = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for phase in ("on", "off"):
    lines = [line.split() for line in open(f"{work}/{phase}.times")]
    bad = [code for code, _ in lines if code != "200"]
    if bad:
        sys.exit(f"audit {phase}: {len(bad)} searches did not answer 200 ({sorted(set(bad))})")
    ms = sorted(float(seconds) * 1000 for _, seconds in lines)
    rows[phase] = (statistics.median(ms), ms[max(0, int(round(0.95 * len(ms))) - 1)], statistics.mean(ms))
print(f"{requests} ai-training Media searches per phase (sequential, one patient's page of images each)")
print(f"{'audit':<6} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8}")
for phase, (median, p95, mean) in rows.items():
    print(f"{phase:<6} {median:>10.1f} {p95:>8.1f} {mean:>8.1f}")
print(f"cost of the durable audit: median {rows['on'][0] - rows['off'][0]:+.1f} ms, p95 {rows['on'][1] - rows['off'][1]:+.1f} ms")
print(f"AuditEvents stored by the audited phase: {events} (searches including the warm-up: {requests + int(sys.argv[4])})")
PY
