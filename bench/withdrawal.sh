#!/usr/bin/env bash
# Prints how long a consent withdrawal (and a grant) takes that relabels all of one patient's images, for patients
# with SIZES images (bench/withdrawal-bench.py says what it stores and checks), on a fresh embedded database, the
# server started as the README starts it (server/target/dermconsent/bin/dermconsent).
# Usage: SIZES="250 500 1000 2000" ROUNDS=3 PORT=18094 bench/withdrawal.sh   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_packaged_on_new_database "${PORT:-18094}"
python3 bench/withdrawal-bench.py "http://127.0.0.1:$port/fhir"
echo "ERROR lines in the server log: $(grep -c ' ERROR ' "$work/server.log" || true)"
