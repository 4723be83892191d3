#!/usr/bin/env bash
# JVM CPU per frame sent: 8 HTTP MJPEG cameras 640x480@15 passed through, and 8 RTSP H.264 sessions as MP4,
# one viewer each (in a Node process of its own), warm. With a git revision, that revision's jar is built
# too and both run in turn, four rounds, each jar first in every other round. Written to docs/BENCHMARKS.md.
# Usage: scripts/bench-frame-cost.sh [WINDOW_SECONDS] [REVISION] (default 40, no baseline; about 16 minutes
# per jar). Loopback only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-40}
revision=${2:-}
. scripts/lib.sh
ensure_tools
ensure_rtsp_camera
command -v node >/dev/null || die "the viewers run on Node.js (20 or later): apt-get install nodejs"
build_bench
jars=(target/visionroi.jar)
if [ -n "$revision" ]; then
  baseline=target/frame-cost-baseline
  rm -rf "$baseline"
  git clone -q . "$baseline"
  git -C "$baseline" checkout -q "$revision"
  (cd "$baseline" && mvn -B -q -Dstyle.color=never -DskipTests package </dev/null) || die "cannot build $revision"
  jars+=("$baseline/target/visionroi.jar")
fi
bench_java io.visionroi.bench.FrameCostBench "$window" "${jars[@]}"
