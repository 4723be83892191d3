#!/usr/bin/env bash
# A loopback HTTP MJPEG test camera (scripts/mjpeg-camera.py: one real ffmpeg, any number of clients), for
# trials by hand and benchmarks.
#   scripts/fake-camera.sh start  [PORT] [SIZE] [FPS]   serve http://127.0.0.1:PORT/ (default 18554 640x480 15)
#   scripts/fake-camera.sh freeze [PORT]   SIGSTOP: connections open (new ones too), no bytes (a hung camera)
#   scripts/fake-camera.sh thaw   [PORT]   SIGCONT: back to sending
#   scripts/fake-camera.sh stop   [PORT]   off the network (connection refused) until started again
#   scripts/fake-camera.sh status [PORT]
# It stops by itself after FAKE_CAMERA_LIFETIME seconds (default 3600).
set -euo pipefail
action=${1:-status}
port=${2:-18554}
size=${3:-640x480}
fps=${4:-15}
state="${TMPDIR:-/tmp}/visionroi-fake-camera-$port.pid"
here=$(cd "$(dirname "$0")" && pwd)

camera_pid() { [ -f "$state" ] && kill -0 "$(cat "$state")" 2>/dev/null && cat "$state"; }

case "$action" in
  start)
    if pid=$(camera_pid); then echo "fake camera already running on port $port (pid $pid)"; exit 0; fi
    command -v ffmpeg >/dev/null || { echo "fake-camera: ffmpeg is missing (apt-get install ffmpeg)" >&2; exit 1; }
    lifetime=${FAKE_CAMERA_LIFETIME:-3600}
    log="${TMPDIR:-/tmp}/visionroi-fake-camera-$port.log"
    setsid python3 "$here/mjpeg-camera.py" --port "$port" --size "$size" --fps "$fps" --lifetime "$lifetime" \
      </dev/null >"$log" 2>&1 &
    echo $! > "$state"
    for _ in $(seq 50); do grep -q '^ready' "$log" 2>/dev/null && break; kill -0 "$(cat "$state")" 2>/dev/null || break; sleep 0.1; done
    if ! grep -q '^ready' "$log"; then
      echo "fake camera on port $port did not start:" >&2; cat "$log" >&2; rm -f "$state"; exit 1
    fi
    rm -f "$log"
    echo "fake camera: http://127.0.0.1:$port/ ($size at $fps fps, pid $(cat "$state"), stops after ${lifetime}s)"
    ;;
  freeze|thaw)
    pid=$(camera_pid) || { echo "no fake camera on port $port" >&2; exit 1; }
    if [ "$action" = freeze ]; then kill -STOP "$pid"; echo "fake camera on port $port: frozen (pid $pid)";
    else kill -CONT "$pid"; echo "fake camera on port $port: thawed (pid $pid)"; fi
    ;;
  stop)
    # Its ffmpeg dies with it (parent-death signal).
    if pid=$(camera_pid); then kill -KILL "$pid" 2>/dev/null || true; echo "fake camera on port $port stopped"; fi
    rm -f "$state"
    ;;
  status)
    if pid=$(camera_pid); then echo "running on port $port (pid $pid)";
    else echo "not running on port $port"; exit 1; fi
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
