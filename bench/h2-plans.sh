#!/usr/bin/env bash
# How H2 plans the consent-filtered search, on a copy of a kept H2 benchmark database (bench/consent.sh
# with KEEP=1, or bench/baseline.sh's work directory): EXPLAIN ANALYZE and mean times of the SQL alone,
# in the shape HAPI 8.8.0 generates and with the consent label as an EXISTS probe (see bench/H2Plans.java).
# Usage: bench/h2-plans.sh <work directory> [runs per shape and cohort=200]
#   The database is copied first (the original may belong to a running server); needs the H2 jar of the
#   build in ~/.m2 (com.h2database:h2:2.3.232, as HAPI 8.8.0 pins).
set -euo pipefail
cd "$(dirname "$0")"
work=${1:?usage: bench/h2-plans.sh <work directory> [runs]}
db=
for f in "$work/db.mv.db" "$work/dc/db.mv.db"; do [ -f "$f" ] && db=$f && break; done
[ -n "$db" ] || { echo "no db.mv.db in $work or $work/dc" >&2; exit 1; }
h2=${H2_JAR:-$HOME/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar}
[ -f "$h2" ] || { echo "H2 jar not found: $h2 (set H2_JAR)" >&2; exit 1; }
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp "$db" "$copy/db.mv.db"
java -cp "$h2" H2Plans.java "jdbc:h2:file:$copy/db" "${2:-200}"
