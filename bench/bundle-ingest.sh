#!/usr/bin/env bash
# Prints how long a transaction that brings patients' consents together with their images takes, against the
# same writes in two transactions (bench/bundle-ingest-bench.py says what each round stores), on a fresh
# embedded database, the server started as the README starts it (server/target/dermconsent/bin/dermconsent).
# Usage: ROUNDS=8 WARMUP=2 PATIENTS=10 PORT=18090 bench/bundle-ingest.sh   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=server/target/dermconsent/bin/dermconsent
[ -x "$launcher" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
port=${PORT:-18090}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

(cd "$work" && exec "$OLDPWD/$launcher" --server.port="$port" >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/fhir/metadata"; do
  kill -0 "$pid" 2>/dev/null || { echo "server exited; log:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.2
done
python3 bench/bundle-ingest-bench.py "http://127.0.0.1:$port/fhir" "${ROUNDS:-8}" "${WARMUP:-2}"
