#!/usr/bin/env bash
# Fault timings of the packaged jar (outage detection and recovery, hung ffmpeg, stop, SIGKILL), written to
# docs/BENCHMARKS.md. Usage: scripts/bench-faults.sh [TRIALS] (default 10; about 4 minutes). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.FaultBench "$@"
