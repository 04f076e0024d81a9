#!/usr/bin/env bash
# Prints how long a consent withdrawal (and a grant) takes that relabels all of one patient's images, for patients
# with SIZES images (bench/withdrawal-bench.py says what it stores and checks), on a fresh embedded database, the
# server started as the README starts it (server/target/dermconsent/bin/dermconsent).
# Usage: SIZES="250 500 1000 2000" ROUNDS=3 PORT=18094 bench/withdrawal.sh   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=server/target/dermconsent/bin/dermconsent
[ -x "$launcher" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
port=${PORT:-18094}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

(cd "$work" && exec "$OLDPWD/$launcher" --server.port="$port" >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/fhir/metadata"; do
  kill -0 "$pid" 2>/dev/null || { echo "server exited; log:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.2
done
python3 bench/withdrawal-bench.py "http://127.0.0.1:$port/fhir"
echo "ERROR lines in the server log: $(grep -c ' ERROR ' "$work/server.log" || true)"
