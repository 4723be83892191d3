#!/usr/bin/env bash
# Runs VisionROI in the foreground: scripts/run.sh [--config FILE] [--cluster]
# Installs what is missing (as root, with apt-get), builds the jar when it is missing or older than the
# sources, and starts it. With no arguments it uses conf/config.json: a test-pattern camera at
# http://localhost:8080/. Ctrl-C stops it, and its ffmpeg processes with it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools

jar=target/visionroi.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src webroot conf -newer "$jar" -print -quit)" ]; then
  echo "visionroi: building $jar" >&2
  mvn -B -q -DskipTests package || die "the build failed"
fi
exec java -jar "$jar" "$@"
