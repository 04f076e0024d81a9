# Shell functions the benchmark scripts share (sourced, not run): a throwaway PostgreSQL cluster in
# $work/pg, starting the packaged server on a new embedded database, and stopping the server they started
# last ($pid). Set work, db, pg_port and pid first.
pg_bin=${PG_BIN:-$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_ctl)")")}

# PostgreSQL refuses to run as root: the cluster then belongs to the postgres account
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() { # [database]: starts the cluster (made if missing), creates the database if named and missing
  if [ ! -f "$work/pg/PG_VERSION" ]; then
    mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work" "$work/pg"
    as_pg_owner "$pg_bin/initdb" -D "$work/pg" -U dermconsent --auth=trust -E UTF8 >"$work/initdb.log"
  fi
  [ "$(id -u)" = 0 ] && chown postgres "$work"
  as_pg_owner "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w start \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_connections=100" >/dev/null
  if [ -n "${1:-}" ]; then
    "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U dermconsent -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1 \
      || "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U dermconsent "$1"
  fi
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port" >&2
}

stop_postgres() {
  [ "$db" = postgres ] && [ -f "$work/pg/postmaster.pid" ] || return 0
  as_pg_owner "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null || true
}

stop_server() { # politely, then after 60 s by force
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}

# Copies the packaged server (server/target/dermconsent) to the directory given, without the class archive and
# seed the build made for server/target: the archive holds the jars' paths, so it does not serve a copy.
copy_packaged_dermconsent() {
  [ -f server/target/dermconsent/dermconsent.jar ] || { echo "build DermConsent first: mvn -B -q -DskipTests package" >&2; exit 1; }
  rm -rf "$1"
  cp -r server/target/dermconsent "$1"
  rm -rf "$1/dermconsent.jsa" "$1/seed"
}

# Copies the packaged server into $work/dermconsent and prepares the copy as the build prepares
# server/target/dermconsent (bin/dermconsent-prepare: the class archive, which holds the jars' paths, and the
# seed a new embedded database is copied from; about 90 s), so that the benchmark starts it as the README does,
# through bin/dermconsent with its JVM options, and a rebuild during the run changes nothing. A work directory
# prepared before (WORK=... resumes) is kept as it is. JAVA_HOME and JAVA_OPTS reach the preparation as they
# reach the launcher. Sets dc_launcher.
prepare_dermconsent() {
  dc_launcher=$(cd "$work" && pwd)/dermconsent/bin/dermconsent
  [ -f "$work/dermconsent/dermconsent.jsa" ] && return 0
  copy_packaged_dermconsent "$work/dermconsent"
  local started=$SECONDS
  "$work/dermconsent/bin/dermconsent-prepare" 2>"$work/prepare.log" \
    || { echo "bin/dermconsent-prepare failed; its output:" >&2; cat "$work/prepare.log" >&2; exit 1; }
  echo "class archive and seed made for the copy in $(( SECONDS - started )) s: $(grep -o 'archiving [0-9]* classes' "$work/prepare.log"), $(( $(stat -c %s "$work/dermconsent/dermconsent.jsa") / 1048576 )) MiB; seed $(du -sm "$work/dermconsent/seed" | cut -f1) MiB" >&2
}

# Starts the packaged server as the README does (server/target/dermconsent/bin/dermconsent, run from the repository's
# root) on a new embedded database in a new directory $work (removed, and the server stopped, on exit), listening on
# port $1, and waits until it answers /fhir/metadata. Its log is $work/server.log. Sets work, port and pid.
start_packaged_on_new_database() {
  port=$1
  work=$(mktemp -d)
  pid=
  trap 'stop_server; rm -rf "$work"' EXIT
  launcher=$(pwd)/server/target/dermconsent/bin/dermconsent
  [ -x "$launcher" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
  (cd "$work" && exec "$launcher" --server.port="$1" >"$work/server.log" 2>&1) &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$1/fhir/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:"; tail -20 "$work/server.log"; exit 1; }
    sleep 0.2
  done
}
