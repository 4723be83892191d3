#!/usr/bin/env bash
# The whole benchmark, written to docs/BENCHMARKS.md: fault timings over 20 trials (outage detection and
# recovery, hung ffmpeg; stop over 10, SIGKILL over 5), then cost per camera and viewer against the ffmpeg floor,
# and the page soak (scripts/bench-soak.sh). Usage: scripts/bench.sh [SOAK_SECONDS] (default 600; about 25
# minutes in all). Loopback only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
soak=${1:-600}
. scripts/lib.sh
ensure_tools
ensure_test_tools
build_bench
bench_java io.visionroi.bench.FaultBench 20
bench_java io.visionroi.bench.EfficiencyBench
bench_java io.visionroi.bench.PageSoakBench "$soak"
