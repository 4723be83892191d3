#!/usr/bin/env bash
# Runs the whole test suite (unit and in-JVM tests, then the packaged jar's tests, then the three-node
# cluster fault test with nothing else running; every test JVM in a network namespace of its own) with real ffmpeg, RTSP cameras, signals and Chromium,
# installing what is missing (as root, with apt-get). A failing test stops no other: every failure is
# listed at the end, with one summary line. Fails if the suite leaves any of its ffmpeg behind; other
# people's ffmpeg are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_tools
ensure_test_tools

# Every process the suite starts inherits this mark, so leftovers are told from unrelated ffmpeg.
VISIONROI_TEST_RUN="visionroi-test-$$-$(date +%s%N)"
export VISIONROI_TEST_RUN

# Our running ffmpeg: a zombie is already dead, waiting for init to reap it (the JVM the tests SIGKILL
# leaves its killed children to init).
our_ffmpeg() {
  for pid in $(pgrep -x ffmpeg || true); do
    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && continue
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "VISIONROI_TEST_RUN=$VISIONROI_TEST_RUN" && echo "$pid"
  done
  return 0
}

started=$(date +%s)
rm -rf target/surefire-reports target/failsafe-reports # the summary counts this run's reports only
# Maven's own temporary files (Surefire keeps what its test JVMs print outside its channel there) under
# target/ too: nothing the suite makes is left in /tmp.
mkdir -p target/maven-tmp
export MAVEN_OPTS="${MAVEN_OPTS:-} -Djava.io.tmpdir=$PWD/target/maven-tmp"
status=0
# The unit tests too in a namespace of their own (scripts/private-network), so those that need an address
# of their own (HttpLimitsTest's 192.0.2.1) run rather than skip.
mvn -B -Dstyle.color=never -Dmaven.test.failure.ignore=true -Dtest.jvm="$PWD/scripts/private-network/bin/java" \
  verify "$@" </dev/null || status=$?

# Surefire's and Failsafe's reports: "Tests run: N, Failures: F, Errors: E, Skipped: S" per class.
summary=$(cat target/surefire-reports/*.txt target/failsafe-reports/*.txt 2>/dev/null \
  | awk -F'[:,]' '/^Tests run:/ { run += $2; failed += $4 + $6; skipped += $8 }
                  END { printf "%d %d %d", run - failed - skipped, failed, skipped }')
read -r passed failed skipped <<<"$summary"
if [ "$failed" -gt 0 ]; then
  echo "visionroi: failing tests:" >&2
  grep -h -E '<<< (FAILURE|ERROR)!' target/surefire-reports/*.txt target/failsafe-reports/*.txt 2>/dev/null \
    | grep -v '^Tests run' | sed 's/^/  /' >&2 || true
  status=1
fi

left=$(our_ffmpeg)
if [ -n "$left" ]; then
  echo "visionroi: the tests left ffmpeg processes behind:" >&2
  for pid in $left; do ps -o pid=,stat=,args= -p "$pid" >&2 || true; done
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null || true
  status=1
else
  echo "visionroi: no ffmpeg left behind by the tests"
fi
echo "visionroi: the suite took $(($(date +%s) - started)) s"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
