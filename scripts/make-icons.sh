#!/usr/bin/env bash
# Renders packaging/icons/lpstudio.svg into the hicolor PNG sizes the .deb installs
# (packaging/icons/<size>x<size>.png). Run once after changing the SVG and commit the PNGs, so
# packaging needs no SVG renderer: needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../packaging/icons"
command -v rsvg-convert >/dev/null || { echo "rsvg-convert is missing: apt-get install librsvg2-bin" >&2; exit 1; }
for s in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" lpstudio.svg -o "${s}x${s}.png"
done
