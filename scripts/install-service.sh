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
install -d -m 755 /opt/visionroi/docs
install -m 644 docs/*.md /opt/visionroi/docs/
cp -r webroot /opt/visionroi/
# A fresh install listens on the network, so it gets a password of its own, shown once; the file holds
# it (and camera passwords), so only root and the service may read it.
if [ ! -f /etc/visionroi/config.json ]; then
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  # The password must not cross the network in the clear: a self-signed certificate of its own, for this
  # machine's names and addresses (replace it with one a browser trusts by pointing http.tls at it).
  command -v openssl >/dev/null 2>&1 || apt_install openssl openssl
  names="DNS:localhost,DNS:$(hostname),IP:127.0.0.1"
  for address in $(hostname -I 2>/dev/null); do names="$names,IP:$address"; done
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=$(hostname)" -addext "subjectAltName=$names" \
    -keyout /etc/visionroi/key.pem -out /etc/visionroi/cert.pem 2>/dev/null) || die "openssl could not make a certificate"
  chown root:visionroi /etc/visionroi/key.pem /etc/visionroi/cert.pem
  chmod 640 /etc/visionroi/key.pem
  chmod 644 /etc/visionroi/cert.pem
  # Created unreadable to others from its first byte (umask), not made so afterwards.
  (umask 077 && sed 's|"http": { "host": "127.0.0.1", "port": 8080 }|"http": { "host": "0.0.0.0", "port": 8080, "auth": { "user": "admin", "password": "'"$password"'" }, "tls": { "cert": "/etc/visionroi/cert.pem", "key": "/etc/visionroi/key.pem" } }|' \
    conf/config.json >/etc/visionroi/config.json.new)
  grep -q '"auth"' /etc/visionroi/config.json.new || die "could not set the password in the new config"
  chown root:visionroi /etc/visionroi/config.json.new
  chmod 640 /etc/visionroi/config.json.new
  mv /etc/visionroi/config.json.new /etc/visionroi/config.json
  echo "VisionROI's page and API ask for user 'admin' with password: $password (in /etc/visionroi/config.json)"
  echo "It speaks HTTPS with a self-signed certificate; check it in the browser against this fingerprint:"
  openssl x509 -in /etc/visionroi/cert.pem -noout -fingerprint -sha256
fi
install -m 644 scripts/visionroi.service /etc/systemd/system/visionroi.service
systemctl daemon-reload
systemctl enable --now visionroi.service
echo "VisionROI is running: systemctl status visionroi; config in /etc/visionroi/config.json"
