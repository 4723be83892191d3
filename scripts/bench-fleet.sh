#!/usr/bin/env bash
# A site on one node: 16, 32, 48 and 64 cameras of 4 Mbit/s with a keyframe every 10 s (sessions of one
# GStreamer camera) under the systemd unit's heap, against as many plain ffmpeg clients of the same camera;
# one MP4 viewer per camera, then three plus 8 JPEG viewers. Written to docs/BENCHMARKS.md.
# Usage: scripts/bench-fleet.sh [SECONDS] [SIZES] (default 60 "16,32,48,64"; about 25 minutes). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_rtsp_camera
run_bench io.visionroi.bench.FleetBench "$@"
