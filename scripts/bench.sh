#!/usr/bin/env bash
# The whole benchmark, written to docs/BENCHMARKS.md: fault timings over 20 trials (outage detection and
# recovery, hung ffmpeg, stop, SIGKILL), then cost per camera and viewer against the ffmpeg floor, and a
# soak with churning viewers. Usage: scripts/bench.sh [SOAK_SECONDS] (default 600; about 20 minutes in all).
# Loopback only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
soak=${1:-600}
bash scripts/bench-faults.sh 20
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.EfficiencyBench "$soak"
