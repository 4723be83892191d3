#!/usr/bin/env bash
# One real RTSP H.264 camera (1280x720@15, 2 s keyframe interval) served as output mp4 and as output jpeg:
# ffmpeg and JVM CPU with 1 and 10 viewers, bytes/s, latency, connect -> first picture; written to
# docs/BENCHMARKS.md. About 3 minutes. Loopback only. Argument: connects per first-picture row (30).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.Mp4Bench "$@"
