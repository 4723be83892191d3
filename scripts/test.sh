#!/usr/bin/env bash
# Runs the whole test suite (unit tests, then the packaged jar's tests) with real ffmpeg processes,
# installing what is missing (as root, with apt-get). Fails if the suite leaves any ffmpeg behind.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_test_tools

# Running ffmpeg only: a zombie is already dead, waiting for init to reap it (the JVM the tests SIGKILL
# leaves its killed children to init).
ffmpeg_pids() {
  for pid in $(pgrep -x ffmpeg); do
    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] || echo "$pid"
  done | sort
}
before=$(ffmpeg_pids)

status=0
mvn -B -Dstyle.color=never verify "$@" </dev/null || status=$?

left=$(comm -13 <(echo "$before") <(ffmpeg_pids) | grep -v '^$' || true)
if [ -n "$left" ]; then
  echo "visionroi: the tests left ffmpeg processes behind:" >&2
  for pid in $left; do ps -o pid=,stat=,args= -p "$pid" >&2 || true; done
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null || true
  status=1
else
  echo "visionroi: no ffmpeg left behind by the tests"
fi
exit $status
