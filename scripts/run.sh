#!/usr/bin/env bash
# Runs VisionROI in the foreground: scripts/run.sh [--config FILE] [--cluster] [--check-config]
# Installs what is missing (as root, with apt-get), builds the jar when it is missing or older than the
# sources, and starts it. With no arguments it uses conf/config.json: a test-pattern camera at
# http://localhost:8080/. Ctrl-C stops it, and its ffmpeg processes with it.
set -euo pipefail
# A relative --config FILE is the caller's, not the repository's.
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --config ] && [ $# -gt 1 ] && [ "${2#/}" = "$2" ]; then
    args+=("$1" "$PWD/$2")
    shift 2
  else
    args+=("$1")
    shift
  fi
done
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_jar
logging=conf/logback.xml
[ "${LOG_FORMAT:-}" = json ] && logging=conf/logback-json.xml
# A job started with '&' from a script has SIGINT ignored, and the JVM keeps an ignored SIGINT ignored
# (it cannot install its handler then): reset it, so kill -INT stops the service however it was started.
exec env --default-signal=INT java -XX:+ExitOnOutOfMemoryError -Dlogback.configurationFile="$logging" -jar target/visionroi.jar "${args[@]}"
