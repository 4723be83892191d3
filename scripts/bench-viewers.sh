#!/usr/bin/env bash
# Viewer fan-out of the packaged jar: 1, 10 and 50 viewers of a 640x480@15 camera plus one slow viewer;
# frame shares, latency, CPU and RSS, written to docs/BENCHMARKS.md. About 2 minutes. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.ViewerBench "$@"
