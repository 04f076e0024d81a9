#!/usr/bin/env bash
# Prints how long a transaction that brings patients' consents together with their images takes, against the
# same writes in two transactions (bench/bundle-ingest-bench.py says what each round stores), on a fresh
# embedded database, the server started as the README starts it (server/target/dermconsent/bin/dermconsent).
# Usage: ROUNDS=8 WARMUP=2 PATIENTS=10 PORT=18090 bench/bundle-ingest.sh   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_packaged_on_new_database "${PORT:-18090}"
python3 bench/bundle-ingest-bench.py "http://127.0.0.1:$port/fhir" "${ROUNDS:-8}" "${WARMUP:-2}"
