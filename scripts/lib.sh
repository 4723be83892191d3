# Shared set-up for scripts/run.sh and scripts/test.sh: make sure Java 17+, Maven and ffmpeg are here.
# On Debian/Ubuntu as root they are installed with apt-get; otherwise we stop and say how.

die() {
  echo "visionroi: $*" >&2
  exit 1
}

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "$1 is missing. Install it first, e.g.: sudo apt-get install -y $2"
  fi
  echo "visionroi: $1 is missing; installing Debian package(s) $2" >&2
  if [ -z "${VISIONROI_APT_UPDATED:-}" ]; then
    apt-get update -qq </dev/null || die "apt-get update failed"
    VISIONROI_APT_UPDATED=1
  fi
  # shellcheck disable=SC2086 # $2 is a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $2 </dev/null >/dev/null \
    || die "apt-get install $2 failed"
}

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

ensure_tools() {
  command -v ffmpeg >/dev/null 2>&1 || apt_install ffmpeg ffmpeg
  command -v setsid >/dev/null 2>&1 || apt_install setsid util-linux
  [ -x /bin/kill ] || [ -x /usr/bin/kill ] || apt_install kill procps
  if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
    apt_install "Java 17 or newer" openjdk-17-jdk-headless
  fi
  command -v mvn >/dev/null 2>&1 || apt_install maven maven
}

# The tests also check the systemd unit with systemd-analyze, play real RTSP cameras from GStreamer's
# RTSP server (scripts/rtsp-camera.py), and drive the page in Debian's Chromium. Without root the browser
# test skips itself with a loud message instead.
ensure_test_tools() {
  command -v systemd-analyze >/dev/null 2>&1 || apt_install systemd-analyze systemd
  command -v ss >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || apt_install "ss and ip" iproute2
  ensure_rtsp_camera
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt_install "chromium and chromedriver (for the browser test)" "chromium chromium-driver"
    else
      echo "visionroi: chromium/chromium-driver missing and not root: the browser test will be SKIPPED" >&2
    fi
  fi
  if ! command -v promtool >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt_install "promtool (to check the shipped alert rules)" prometheus
    else
      echo "visionroi: promtool missing and not root: the alert rules check will be SKIPPED" >&2
    fi
  fi
}

# The RTSP test camera: Debian's python3 with GStreamer's RTSP server and the encoders it uses.
ensure_rtsp_camera() {
  if ! /usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); gi.require_version("Gst", "1.0")
from gi.repository import Gst, GstRtspServer
Gst.init(None)
missing = [e for e in ("videotestsrc", "x264enc", "x265enc", "jpegenc", "rtph264pay", "rtph265pay", "rtpjpegpay", "h264parse",
                      "rtspsrc", "rtph264depay", "rtph265depay", "h265parse")
           if Gst.ElementFactory.find(e) is None]
raise SystemExit(1 if missing else 0)' >/dev/null 2>&1 || ! command -v gst-launch-1.0 >/dev/null 2>&1; then
    apt_install "GStreamer's RTSP server and client (for the RTSP camera and re-stream tests)" \
      "python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad"
  fi
}

# Builds target/visionroi.jar when it is missing or older than the sources.
ensure_jar() {
  if [ ! -f target/visionroi.jar ] || [ -n "$(find pom.xml src webroot -newer target/visionroi.jar -print -quit)" ]; then
    echo "visionroi: building target/visionroi.jar" >&2
    mvn -B -q -Dstyle.color=never -DskipTests package </dev/null || die "the build failed"
  fi
}

# Builds the jar and the bench classes from the test sources, once per bench run.
build_bench() {
  mvn -B -q -Dstyle.color=never -DskipTests package test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test </dev/null || die "the build failed"
}

# Runs one bench class against the packaged jar (after build_bench): bench_java CLASS [ARGS...]
# BENCH_JAVA_OPTS adds options for the bench's JVM (e.g. -Drtsp.soak.seconds=30 for a short run).
bench_java() {
  local class=$1
  shift
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  java ${BENCH_JAVA_OPTS:-} -Dvisionroi.jar=target/visionroi.jar -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    "$class" "$@"
}

# Builds, then runs a bench class: run_bench CLASS [ARGS...]
run_bench() {
  build_bench
  bench_java "$@"
}
