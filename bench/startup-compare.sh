#!/usr/bin/env bash
# Startup and memory of DermConsent against a minimal HAPI FHIR JPA server of the same HAPI version (the
# post-filter peer, bench/postfilter-baseline, with its ConsentInterceptor switched off), side by side:
#   dermconsent      as the build lays it out and the README starts it: server/target/dermconsent/bin/dermconsent
#                    (an application jar plus lib/, started by its launcher, which on at most two CPUs chooses
#                    the serial collector; the peers run on the JVM's default, G1, unless HAPI_OPTS says otherwise),
#                    with what the build prepares for its starts: the Class Data Sharing archive, and the seed a new
#                    embedded database is copied from (so a first start does not store the conformance package).
#                    The archive belongs to the JVM and the jars' paths and times, so the script prepares both again,
#                    as the build does (bin/dermconsent-prepare, timed), for JAVA and its copy of the layout; the
#                    launcher is given -Xshare:on as well, so that a start that cannot map the archive fails instead
#                    of being measured without it, and a first start whose log does not say it copied the seed fails
#                    the run. The peers run without either.
#   minimal-hapi     the peer as Spring Boot builds it, one executable jar (as HAPI's JPA starter is run)
#   minimal-hapi-x   the same peer laid out like DermConsent (java -Djarmode=tools ... extract), so that the
#                    layout's share of the difference shows
#   dermconsent-aot  (AOT=1 only; JDK 25 or later, JAVA=<its java>) DermConsent with an ahead-of-time cache
#                    (-XX:AOTCache, JEP 483/514/515; started with java -jar, not the launcher, so on G1):
#                    classes loaded and linked and method profiles from a
#                    training run, which this script makes first (a start on a fresh database, AOT_TRAINING_SECONDS
#                    (30) of mixed load, a stop; recipe in docker/Dockerfile). The peers run without a cache.
#   dermconsent-plain  (PLAIN=1 only) the same without the archive and the seed (a package with
#                    -Ddermconsent.prepare.skip=true): its first start stores the conformance package itself
# ROUNDS rounds, each starting the servers one after the other (the order rotates per round),
# each on a fresh embedded H2 database and then restarted on that database, with no -Xmx unless JAVA_OPTS
# gives one. Per start: seconds from JVM launch to the first successful GET /fhir/metadata, RSS right then and
# SETTLE_SECONDS (40) later without requests (DermConsent gives memory back after 30 s without requests). Then, unless LOAD_SECONDS=0,
# each server is started once more and given LOAD_SECONDS of mixed load (bench/mixed-load.py: writes,
# consent toggles, reads, searches for clinical care and ai-training) in LOAD_SEGMENTS parts, each followed
# by IDLE_SECONDS (75: a second idle collection may follow the first by 20-30 s) without requests; RSS is
# printed after startup, at the end of each part and after each idle spell, and the requests served (the
# load's throughput, e.g. to weigh a JVM option given in DC_OPTS). The first part warms the server up (JIT,
# caches); growth is the last idle RSS against the first.
# Usage: bench/startup-compare.sh
#   env: ROUNDS (3), SETTLE_SECONDS (40), LOAD_SECONDS (600), LOAD_SEGMENTS (5), IDLE_SECONDS (75), LOAD_THREADS (2), LOAD_SERVERS ("minimal-hapi dermconsent": which
#        servers get the mixed load), PORT (18192),
#        JAVA (the java command for every server, default java), AOT=1 (add dermconsent-aot, see above),
#        PLAIN=1 (add dermconsent-plain, see above), JAVA_OPTS (JVM options for all servers), DC_OPTS / HAPI_OPTS
#        (for one side only, e.g. DC_OPTS=-XX:TieredStopAtLevel=1), KEEP=1 (keep logs),
#        WORK=<a new or empty directory> (logs there)
#   (build DermConsent first: mvn -B -q -DskipTests package; the peer is built here if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dc_app=server/target/dermconsent
peer_jar=bench/postfilter-baseline/target/postfilter-baseline.jar
[ -f "$dc_app/dermconsent.jar" ] || { echo "build DermConsent first: mvn -B -q -DskipTests package" >&2; exit 1; }
if [ ! -f "$peer_jar" ]; then
  echo "building the minimal HAPI server ($peer_jar)" >&2
  mvn -B -o -q -f bench/postfilter-baseline/pom.xml package -DskipTests >&2
fi
rounds=${ROUNDS:-3}
load_seconds=${LOAD_SECONDS:-600}
port=${PORT:-18192}
base="http://127.0.0.1:$port/fhir"
if [ -n "${WORK:-}" ]; then
  work=$(readlink -f "$WORK") KEEP=1; mkdir -p "$work"
  # a fresh database per start and the servers' copies are made in it: leftovers would be reused unnoticed
  [ -z "$(ls -A "$work")" ] || { echo "WORK=$work is not empty; give a new or empty directory" >&2; exit 1; }
else work=$(mktemp -d); fi
pid=
. bench/lib.sh
cleanup() { stop_server; if [ "${KEEP:-0}" = 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if curl -s -o /dev/null --max-time 2 "$base/metadata"; then
  echo "something already answers on port $port; set PORT to a free port" >&2; exit 1
fi
cp "$peer_jar" "$work/minimal-hapi.jar"
java=${JAVA:-java}
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")") # for the launcher
aot_cache=$work/dermconsent.aot
$java -version 2>&1 | sed -n 1p >&2
$java -Djarmode=tools -jar "$work/minimal-hapi.jar" extract --destination "$work/minimal-hapi-x" >/dev/null

rss_mib() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
# start <server> <log> [directory]: launches on a fresh database (or the one in directory: a restart),
# waits for /metadata; sets pid, secs, rss, dir
start() {
  local which=$1 log=$2
  dir=${3:-$work/db-$RANDOM$RANDOM}
  mkdir -p "$dir"
  local dc_jar=$work/dermconsent/dermconsent.jar args launcher= launcher_opts=
  # shellcheck disable=SC2206
  case $which in
    dermconsent) launcher=$dc_launcher launcher_opts=-Xshare:on ;;
    dermconsent-plain) launcher=$work/dermconsent-plain/bin/dermconsent ;;
    dermconsent-aot) args=(${DC_OPTS:-} -XX:AOTCache="$aot_cache" -jar "$dc_jar") ;;
    aot-training) args=(${DC_OPTS:-} -XX:AOTCacheOutput="$aot_cache" -jar "$dc_jar") ;;
    minimal-hapi) args=(${HAPI_OPTS:-} -jar "$work/minimal-hapi.jar" --baseline.consent=false) ;;
    minimal-hapi-x) args=(${HAPI_OPTS:-} -jar "$work/minimal-hapi-x/minimal-hapi.jar" --baseline.consent=false) ;;
  esac
  local t0 t1
  t0=$(date +%s%N)
  if [ -n "$launcher" ]; then
    # the launcher execs java: $pid is the JVM's
    (cd "$dir" && JAVA_HOME=$java_home JAVA_OPTS="${JAVA_OPTS:-} ${DC_OPTS:-} $launcher_opts" \
      exec "$launcher" --server.port="$port" >"$log" 2>&1) &
  else
    # shellcheck disable=SC2086
    (cd "$dir" && exec $java ${JAVA_OPTS:-} "${args[@]}" --server.port="$port" >"$log" 2>&1) &
  fi
  pid=$!
  until curl -fs -o /dev/null --max-time 5 "$base/metadata"; do
    kill -0 "$pid" 2>/dev/null || { echo "$which exited; log:" >&2; tail -30 "$log" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s%N)
  secs=$(echo "scale=1; ($t1 - $t0) / 1000000000" | bc -l)
  rss=$(rss_mib "$pid")
  if [ "$which" = dermconsent ] && [ -z "${3:-}" ] && ! grep -q 'New database .*: copied from' "$log"; then
    echo "dermconsent's first start did not start from the seed; log: $log" >&2; exit 1
  fi
}

declare -A times rsses settled_rsses restarts
servers=(minimal-hapi dermconsent minimal-hapi-x)
if [ "${PLAIN:-0}" = 1 ]; then
  copy_packaged_dermconsent "$work/dermconsent-plain"
  servers+=(dermconsent-plain)
fi
JAVA_HOME=$java_home JAVA_OPTS="${JAVA_OPTS:-} ${DC_OPTS:-}" prepare_dermconsent
if [ "${AOT:-0}" = 1 ]; then
  # the cache belongs to this JVM build and this application layout ($work/dermconsent); writing it at exit takes
  # a minute or two, so the training server is not stopped by force
  start aot-training "$work/aot-training.log"
  echo "AOT training: started in $secs s; $(python3 "$root/bench/mixed-load.py" --base "$base" --seconds "${AOT_TRAINING_SECONDS:-30}" --threads 2 --seed 99)" >&2
  t_stop=$SECONDS
  kill "$pid"; wait "$pid" || true; pid=
  [ -f "$aot_cache" ] || { echo "no AOT cache was written (JDK 25 or later needed: JAVA=...); log:" >&2; tail -20 "$work/aot-training.log" >&2; exit 1; }
  echo "AOT cache written in $(( SECONDS - t_stop )) s after the stop: $(( $(stat -c %s "$aot_cache") / 1048576 )) MiB" >&2
  servers+=(dermconsent-aot)
fi
settle=${SETTLE_SECONDS:-40}
echo "round  server             startup s  RSS MiB  RSS after ${settle} s  load average (then the restart on the same database)"
for r in $(seq 1 "$rounds"); do
  shift_by=$(( (r - 1) % ${#servers[@]} ))
  order=("${servers[@]:$shift_by}" "${servers[@]:0:$shift_by}")
  for which in "${order[@]}"; do
    start "$which" "$work/$which-$r.log"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    sleep "$settle"
    settled=$(rss_mib "$pid")
    printf '%5d  %-17s  %9s  %7s  %15s  %s\n' "$r" "$which" "$secs" "$rss" "$settled" "$load"
    times[$which]+="$secs "; rsses[$which]+="$rss "; settled_rsses[$which]+="$settled "
    stop_server
    start "$which" "$work/$which-$r-restart.log" "$dir"
    printf '%5d  %-17s  %9s  %7s  %15s  %s  restart\n' "$r" "$which" "$secs" "$rss" "" "$(cut -d' ' -f1-3 /proc/loadavg)"
    restarts[$which]+="$secs "
    stop_server
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
echo
for which in "${servers[@]}"; do
  printf '%-17s  median startup %s s (%s), median RSS after startup %s MiB (%s), %s s later %s MiB (%s), median restart %s s (%s)\n' "$which" \
    "$(echo "${times[$which]}" | median)" "${times[$which]% }" "$(echo "${rsses[$which]}" | median)" "${rsses[$which]% }" \
    "$settle" "$(echo "${settled_rsses[$which]}" | median)" "${settled_rsses[$which]% }" \
    "$(echo "${restarts[$which]}" | median)" "${restarts[$which]% }"
done
for dc in "${servers[@]}"; do
  [[ $dc == dermconsent* ]] || continue
  for peer in minimal-hapi minimal-hapi-x; do
    printf 'startup ratio %s / %s (medians): %.2f on a fresh database, %.2f on a restart\n' "$dc" "$peer" \
      "$(echo "$(echo "${times[$dc]}" | median) / $(echo "${times[$peer]}" | median)" | bc -l)" \
      "$(echo "$(echo "${restarts[$dc]}" | median) / $(echo "${restarts[$peer]}" | median)" | bc -l)"
  done
done

if [ "$load_seconds" != 0 ]; then
  segments=${LOAD_SEGMENTS:-5}
  idle_seconds=${IDLE_SECONDS:-75}
  segment_seconds=$(( load_seconds / segments ))
  echo
  echo "RSS over ${load_seconds} s of mixed load (${LOAD_THREADS:-2} threads) in $segments segments, each followed by" \
       "$idle_seconds s without requests (DermConsent gives memory back after 30 s without requests):"
  for which in ${LOAD_SERVERS:-minimal-hapi dermconsent}; do
    start "$which" "$work/$which-load.log"
    line="RSS after startup $rss MiB; per segment, end of load / after idle:"
    idle_rss=()
    errors=0 served=0
    for s in $(seq 1 "$segments"); do
      out=$(python3 "$root/bench/mixed-load.py" --base "$base" --seconds "$segment_seconds" --threads "${LOAD_THREADS:-2}" --seed "$s")
      loaded=$(rss_mib "$pid")
      sleep "$idle_seconds"
      idle_rss+=("$(rss_mib "$pid")")
      line+=" $loaded/${idle_rss[-1]}"
      read -r n_err n_ok < <(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["requests"]; e=r.get("errors", 0); print(e, sum(r.values()) - e)')
      errors=$(( errors + n_err )) served=$(( served + n_ok ))
    done
    printf '%-17s  %s MiB; after idle, last segment against the first: %+d MiB; %d requests served (%.1f/s under load), %d request errors; load average %s\n' \
      "$which" "$line" $(( idle_rss[-1] - idle_rss[0] )) "$served" "$(echo "$served / $load_seconds" | bc -l)" "$errors" "$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_server
  done
fi
for log in "$work"/*.log; do
  n=$(grep -c ' ERROR ' "$log" || true)
  [ "$n" = 0 ] || echo "server log $(basename "$log") has $n ERROR lines" >&2
done
