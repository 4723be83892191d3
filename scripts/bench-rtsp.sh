#!/usr/bin/env bash
# How fast the packaged jar brings back real RTSP cameras (GStreamer's RTSP server, scripts/rtsp-camera.py)
# and an HTTP MJPEG one after a freeze and a reboot, against plain ffmpeg; plain clients joining and leaving a
# shared camera for 10 minutes; what 12 dead cameras cost beside 4 live ones. Written to docs/BENCHMARKS.md.
# Usage: scripts/bench-rtsp.sh [TRIALS] (default 10; about 35 minutes with 10). Loopback only; stops by itself.
# Options for the bench's JVM, e.g. a short run while debugging:
#   BENCH_JAVA_OPTS="-Drtsp.soak.seconds=30 -Drtsp.dead.seconds=20" scripts/bench-rtsp.sh 2
# (-Drtsp.parts=1,3 runs only those parts: 1 recovery, 2 joining clients, 3 dead cameras.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_rtsp_camera
run_bench io.visionroi.bench.RtspBench "$@"
