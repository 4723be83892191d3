#!/usr/bin/env bash
# What the RTSP re-stream costs: one real RTSP H.264 camera (1280x720@15, 4 Mbit/s, 2 s keyframe interval)
# read through the re-stream by 0, 1, 10 and 50 readers, with a direct reader of the camera as the baseline:
# JVM CPU per reader, pictures/s, bytes/s, added delay; written to docs/BENCHMARKS.md. About 3 minutes.
# Loopback only. Argument: the camera's frames per second (15).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
run_bench io.visionroi.bench.RestreamBench "$@"
