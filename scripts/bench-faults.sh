#!/usr/bin/env bash
# Fault timings of the packaged jar (outage detection and recovery, hung ffmpeg, stop, SIGKILL), written to
# docs/BENCHMARKS.md. Usage: scripts/bench-faults.sh [TRIALS] (default 10; about 4 minutes). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
mvn -B -q -Dstyle.color=never -DskipTests package test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test || die "the build failed"
exec java -Dvisionroi.jar=target/visionroi.jar -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.visionroi.bench.FaultBench "$@"
