#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them; arguments go to JMH (e.g. `mask -p payloads=median`, `-h` for help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "building the benchmarks (./mvnw -q package -pl benchmarks -am -DskipTests) ..." >&2
(cd "$root" && ./mvnw -q -B package -pl benchmarks -am -DskipTests)
exec java -cp "$root/benchmarks/target/benchmarks.jar" org.openjdk.jmh.Main "$@"
