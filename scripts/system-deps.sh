#!/usr/bin/env bash
# Installs the Debian packages the tests drive as real peers, when they are missing:
# python3-influxdb (the Python 1.x client, run with Debian's /usr/bin/python3), curl,
# chromium (the browser Playwright drives for the end-to-end tests), and for the packaging test
# (npm run make): dpkg (dpkg-deb builds and opens the .deb), zip (Forge's zip maker runs it), unzip
# and desktop-file-utils (desktop-file-validate checks the .deb's desktop entry).
# Needs root (as on the project's machines); otherwise it says what to install.
set -euo pipefail
need=()
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import influxdb' 2>/dev/null || need+=(python3-influxdb)
command -v curl >/dev/null || need+=(curl)
# InfluxDB 1.6.7 (the InfluxQL oracle of the differential test) and its `influx` shell.
[ -x /usr/bin/influxd ] || need+=(influxdb)
[ -x /usr/bin/influx ] || need+=(influxdb-client)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v zip >/dev/null || need+=(zip)
command -v unzip >/dev/null || need+=(unzip)
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
