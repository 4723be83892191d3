#!/usr/bin/env bash
# Installs VisionROI as a systemd service (run as root): a system user "visionroi", the jar and viewer in
# /opt/visionroi, the config in /etc/visionroi/config.json (kept if it exists), and the unit, started now
# and at every boot. Builds the jar first when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ "$(id -u)" = 0 ] || die "run as root: sudo scripts/install-service.sh"
ensure_tools
ensure_jar

id visionroi >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin visionroi
getent group video >/dev/null && usermod -a -G video visionroi
install -d -m 755 /opt/visionroi /etc/visionroi
install -m 644 target/visionroi.jar README.md /opt/visionroi/
cp -r webroot /opt/visionroi/
[ -f /etc/visionroi/config.json ] || install -m 644 conf/config.json /etc/visionroi/config.json
install -m 644 scripts/visionroi.service /etc/systemd/system/visionroi.service
systemctl daemon-reload
systemctl enable --now visionroi.service
echo "VisionROI is running: systemctl status visionroi; config in /etc/visionroi/config.json"
