#!/usr/bin/env bash
# A site's hour in minutes against the packaged jar under the unit's heap: the viewer page in Chromium
# scrolled, reloaded and switched to one camera and back, cameras frozen and thawed, clients joining and
# leaving every second in every way clients leave (thousands of connections); what the service holds
# (RSS, heap after GC, open files, threads, connections, viewers, event-bus handlers) at the start and the
# end, written to docs/BENCHMARKS.md. Usage: scripts/bench-soak.sh [SECONDS] (default 600, plus about 2
# minutes of set-up and warm-up). Loopback only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_test_tools
run_bench io.visionroi.bench.PageSoakBench "$@"
