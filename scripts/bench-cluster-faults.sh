#!/usr/bin/env bash
# Cluster of two packaged-jar nodes on loopback, one of them frozen (SIGSTOP) for 5, 15 and 60 s and thawed:
# failover, convergence after the thaw, and any camera running twice, written to docs/BENCHMARKS.md.
#   scripts/bench-cluster-faults.sh [TRIALS]   (default 3 per freeze length; about 8 minutes)
# BENCH_JAVA_OPTS="-Dfaults.freezes=5,15" picks other freeze lengths (seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.ClusterFaultBench "$@"
