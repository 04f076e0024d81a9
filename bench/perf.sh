#!/usr/bin/env bash
# The performance figures in one command per database (DB=h2, the default, or DB=postgres):
#   1. startup and memory against a minimal HAPI FHIR JPA server of the same HAPI version, side by side
#      (bench/startup-compare.sh: both on fresh embedded H2 databases, as the README starts them; then RSS
#      before and after 10 minutes of mixed load and after a minute and a half idle)
#   2. what the consent filter costs a search at IMAGES images (default 100,000): page-1 latency with
#      enforcement on and off in the cohorts where 100%, 10% and 1% of the images are permitted, and the
#      exactness checks (bench/consent.sh, the two enforcement phases)
#   3. DermConsent against a HAPI ConsentInterceptor post-filter peer on the same data at PEER_IMAGES images
#      (default 10,000; bench/baseline.sh): first permitted page, full walk, totals, ingest
# and prints the three summaries at the end. Takes hours at the defaults (2-core machine: about 45 min
# for 1, 40-60 min for 2 per database, 30-60 min for 3).
# Usage: [DB=h2|postgres] bench/perf.sh
#   env: IMAGES (100000), PEER_IMAGES (10000), SKIP="startup consent baseline" (any of them, to leave out),
#        OUT=<directory> (each step's full output there, default a new directory under /tmp)
#   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
db=${DB:-h2}
out=${OUT:-$(mktemp -d /tmp/dermconsent-perf.XXXX)}
mkdir -p "$out"
skip=" ${SKIP:-} "
run() { # name command...: runs one step, its output into $out/<name>.txt and on the terminal
  local name=$1; shift
  if [[ $skip == *" $name "* ]]; then echo "== $name: skipped"; return 0; fi
  echo "== $name: $* ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$@" 2>&1 | tee "$out/$name.txt"
}
run startup bash bench/startup-compare.sh
run consent env DB="$db" AUDIT_PHASES=0 bash bench/consent.sh "${IMAGES:-100000}"
run baseline env DB="$db" bash bench/baseline.sh "${PEER_IMAGES:-10000}"

echo
echo "== summary ($db, $(date -u +%FT%TZ); full output in $out)"
[ -f "$out/startup.txt" ] && grep -E "median startup|startup ratio|RSS after startup [0-9]+ MiB; per segment" "$out/startup.txt"
# the per-cohort table (from its header to the blank line after it), then the ratios and the ingest
[ -f "$out/consent.txt" ] && { sed -n '/^phase  *cohort/,/^$/p' "$out/consent.txt"; grep -E "filtered/unfiltered median|^ingest:" "$out/consent.txt"; }
[ -f "$out/baseline.txt" ] && sed -n '/^cohort *| permitted/,/^ingest post-filter/p' "$out/baseline.txt"
exit 0
