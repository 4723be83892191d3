#!/usr/bin/env bash
# Cluster of two packaged-jar nodes on loopback: cross-node viewing latency against local viewing, and
# failover times (SIGKILL, SIGTERM) over repeats, written to docs/BENCHMARKS.md. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.ClusterBench "$@"
