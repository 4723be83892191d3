#!/usr/bin/env bash
# Starts N VisionROI nodes on this machine as one cluster, for trials: scripts/run-cluster.sh [N] [--config FILE]
# Node i serves http://localhost:$((8079 + i))/ (8080, 8081, ...) and its RTSP re-stream on port
# $((8553 + i)) (8554, 8555, ...); every node shows every camera. The
# default config, conf/cluster-demo.json, has four test-pattern cameras; conf/cluster.xml (beside it) makes
# the nodes find each other on 127.0.0.1. Each output line starts with its node's port. Try a failover with
# the kill -9 line printed below; Ctrl-C stops every node cleanly, with its ffmpeg.
set -euo pipefail
# Started in the background, a script has SIGINT ignored and cannot trap it: start over with it restored.
if [ -z "${VISIONROI_INT_RESTORED:-}" ]; then
  VISIONROI_INT_RESTORED=1 exec env --default-signal=INT "$0" "$@"
fi
nodes=${1:-2}
[ $# -gt 0 ] && shift
case "$nodes" in
  ''|*[!0-9]*) echo "usage: scripts/run-cluster.sh [N] [--config FILE]" >&2; exit 2 ;;
esac
config=conf/cluster-demo.json
if [ "${1:-}" = --config ] && [ $# -gt 1 ]; then
  config=$2
  [ "${config#/}" = "$config" ] && config="$PWD/$config"
fi
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_jar

# Ctrl-C reaches every node itself; the prefixers ignore it and end with their node, so its last lines show.
pids=()
# A stop asked for (Ctrl-C, SIGTERM) is a clean end (0, not the signal's 130 or 143); any other end keeps
# its status.
stop_all() {
  local status=$?
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait
  exit "${1:-$status}"
}
trap 'stop_all 0' INT TERM
trap stop_all EXIT
for i in $(seq 1 "$nodes"); do
  port=$((8079 + i))
  HTTP_PORT=$port RTSP_PORT=$((8553 + i)) java -XX:+ExitOnOutOfMemoryError -Dlogback.configurationFile=conf/logback.xml -jar target/visionroi.jar \
    --config "$config" --cluster > >(trap '' INT TERM; exec sed -u "s/^/[$port] /") 2>&1 &
  pids+=($!)
  echo "[$port] node $i: http://localhost:$port/, rtsp://localhost:$((8553 + i))/ID  (failover trial: kill -9 $!)"
done
wait
