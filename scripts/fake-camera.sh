#!/usr/bin/env bash
# A loopback HTTP MJPEG test camera made of real ffmpeg, for tests, trials and benchmarks.
#   scripts/fake-camera.sh start  [PORT] [SIZE] [FPS]   serve http://127.0.0.1:PORT/ (default 18554 640x480 15)
#   scripts/fake-camera.sh freeze [PORT]   SIGSTOP: the TCP connection stays open, no bytes (a hung camera)
#   scripts/fake-camera.sh thaw   [PORT]   SIGCONT: back to sending
#   scripts/fake-camera.sh stop   [PORT]   off the network (connection refused) until started again
#   scripts/fake-camera.sh status [PORT]
# ffmpeg -listen 1 serves one client and exits when it leaves, so a keeper loop restarts it, like a camera
# that accepts reconnects. The keeper stops by itself after FAKE_CAMERA_LIFETIME seconds (default 3600).
set -euo pipefail
action=${1:-status}
port=${2:-18554}
size=${3:-640x480}
fps=${4:-15}
state="${TMPDIR:-/tmp}/visionroi-fake-camera-$port.pid"

keeper_pid() { [ -f "$state" ] && kill -0 "$(cat "$state")" 2>/dev/null && cat "$state"; }
server_pid() { pgrep -P "$(keeper_pid)" -x ffmpeg | head -n 1; }

case "$action" in
  start)
    if pid=$(keeper_pid); then echo "fake camera already running on port $port (keeper $pid)"; exit 0; fi
    lifetime=${FAKE_CAMERA_LIFETIME:-3600}
    # Its own process group (setsid), so stop kills the keeper and its ffmpeg together.
    setsid bash -c '
      end=$((SECONDS + $1))
      while [ $SECONDS -lt $end ]; do
        ffmpeg -hide_banner -nostdin -loglevel quiet -re -f lavfi -i "testsrc2=size=$2:rate=$3" \
          -c:v mjpeg -q:v 5 -f mpjpeg -listen 1 -t $((end - SECONDS)) "http://127.0.0.1:$4/" </dev/null
        sleep 0.1
      done' fake-camera "$lifetime" "$size" "$fps" "$port" >/dev/null 2>&1 &
    echo $! > "$state"
    echo "fake camera: http://127.0.0.1:$port/ ($size at $fps fps, keeper $(cat "$state"), stops after ${lifetime}s)"
    ;;
  freeze|thaw)
    pid=$(keeper_pid) || { echo "no fake camera on port $port" >&2; exit 1; }
    for _ in 1 2 3 4 5 6 7 8 9 10; do server=$(server_pid) && [ -n "$server" ] && break; sleep 0.2; done
    [ -n "${server:-}" ] || { echo "fake camera on port $port has no server process" >&2; exit 1; }
    if [ "$action" = freeze ]; then kill -STOP "$server"; else kill -CONT "$server"; fi
    if [ "$action" = freeze ]; then done_word=frozen; else done_word=thawed; fi
    echo "fake camera on port $port: $done_word (ffmpeg $server)"
    ;;
  stop)
    if pid=$(keeper_pid); then
      kill -CONT -- "-$pid" 2>/dev/null || true
      kill -KILL -- "-$pid" 2>/dev/null || true
      echo "fake camera on port $port stopped"
    fi
    rm -f "$state"
    ;;
  status)
    if pid=$(keeper_pid); then echo "running on port $port (keeper $pid, ffmpeg $(server_pid || echo none))";
    else echo "not running on port $port"; exit 1; fi
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
