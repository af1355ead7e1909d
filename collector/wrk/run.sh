#!/usr/bin/env bash
# The collector at saturation under wrk, a load generator in C: `up` with the broker, the registry and the collector
# (no Streams applications) on a fresh data directory, a warm-up, then a measured run. Prints hooks/s, latency and
# the CPU each hook costs in the pipeline's JVM (collector, producer, broker, GC) and in wrk, and in each group of the
# JVM's threads.
# Usage: collector/wrk/run.sh [CONNECTIONS (512)] [SECONDS (30)] [WARMUP_SECONDS (60)] [KEY=VALUE ...]
#        (KEY=VALUE: settings for `up`, e.g. collector.producer.compression.type=none)
# Needs wrk (Debian: apt-get install wrk) and the built jar (./mvnw -q package -DskipTests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
connections="${1:-512}"; seconds="${2:-30}"; warmup="${3:-60}"
shift $(( $# < 3 ? $# : 3 ))
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
# `wait` answers the JVM's exit status (143 after SIGTERM), which under `set -e` would end the trap before the
# clean-up and leave the broker's data behind (GBs after a run).
trap 'kill -TERM "$up" 2> /dev/null; wait "$up" 2> /dev/null || true; rm -rf "$work"' EXIT

export PAYLOADS="$work/payloads.ndjson"
java -cp "$root/benchmarks/target/benchmarks.jar" dev.agenttelemetry.benchmarks.Payloads 1000 > "$PAYLOADS"
port=4797
mkdir -p "$work/data"
printf '%s\n' "$@" > "$work/data/agent-telemetry.properties"
"$root/agent-telemetry" up --data-dir "$work/data" --collector-port "$port" --without enricher,analytics > "$work/up.log" 2>&1 &
up=$!
for _ in $(seq 1 120); do grep -q '^Ready' "$work/up.log" && break; sleep 1; done
grep -q '^Ready' "$work/up.log" || { cat "$work/up.log"; exit 1; }
jvm="$(pgrep -P "$up" java || echo "$up")" # the script execs java; either way this is the JVM

echo "warm-up: ${warmup} s at $connections connections (the JIT compiler settles)"
wrk -t1 -c"$connections" -d"${warmup}s" -s "$here/post.lua" "http://127.0.0.1:$port" > /dev/null
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, in clock ticks
# Per group of JVM threads (the name without its number): user and system CPU ticks, context switches. The fields
# of /proc/<tid>/stat are counted after the name's closing parenthesis, as names hold spaces ("C2 CompilerThread0").
threads() {
  for task in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "$(sed 's/[-_ #]*[0-9]*$//; s/ /_/g' "$task/comm" 2> /dev/null)" \
      "$(sed 's/^.*) //' "$task/stat" 2> /dev/null | awk '{print $12, $13}')" "$(awk '/ctxt_switches/ {s += $2} END {print s}' "$task/status" 2> /dev/null)"
  done | awk 'NF == 4 {user[$1] += $2; kernel[$1] += $3; switches[$1] += $4} END {for (g in user) print g, user[g], kernel[g], switches[g]}' | sort
}
ticks="$(getconf CLK_TCK)"
threads "$jvm" > "$work/threads.before"
before="$(cpu "$jvm")"
TIMEFORMAT='%U %S'
{ time wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "http://127.0.0.1:$port" > "$work/wrk.out"; } 2> "$work/wrk.cpu"
after="$(cpu "$jvm")"
threads "$jvm" > "$work/threads.after"
requests="$(awk '/requests in/ {print $1}' "$work/wrk.out")"
rate="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")"
awk -v r="$rate" -v c="$connections" '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "collector at saturation (wrk, %d connections): %.0f hooks/s, p50 %s, p99 %s\n", c, r, p50, p99}' "$work/wrk.out"
grep 'non-2xx' "$work/wrk.out"
awk -v n="$requests" -v j="$((after - before))" -v t="$ticks" '{printf "CPU per hook: pipeline JVM %.1f µs, wrk %.1f µs (user %.1f, system %.1f; 2 cores give 66.7 µs per hook at 30k/s)\n", j / t / n * 1e6, ($1 + $2) / n * 1e6, $1 / n * 1e6, $2 / n * 1e6}' "$work/wrk.cpu"
echo "by thread group (threads that exited during the run are not counted; system = the kernel's work for the thread):"
join "$work/threads.before" "$work/threads.after" | awk -v n="$requests" -v t="$ticks" \
  '{user = ($5 - $2) / t / n * 1e6; kernel = ($6 - $3) / t / n * 1e6
    if (user + kernel >= 0.1) printf "  %-30s %5.1f µs (user %4.1f, system %4.1f), %4.2f context switches per hook\n", $1, user + kernel, user, kernel, ($7 - $4) / n}'
