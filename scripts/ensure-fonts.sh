#!/usr/bin/env bash
# The fonts the generated PDFs embed (workflows/admission/reports/documents/fonts.py):
# Liberation Serif for the party documents (fonts-liberation2: metric-compatible with
# Times New Roman and, unlike fonts-liberation 1.x, with every Vietnamese letter) and
# DejaVu Sans for the case history. In CI (CI=true), or as root, what is missing is
# installed; in CI a font still missing afterwards fails the run, since the document
# tests would only fail later and less clearly.
set -euo pipefail
FILES=(
  /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf
  /usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf
  /usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf
  /usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf
  /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
  /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
)
missing() {
  for file in "${FILES[@]}"; do [ -f "$file" ] || return 0; done
  return 1
}
missing || exit 0
if [ "${CI:-}" != "true" ] && [ "$(id -u)" != "0" ]; then
  echo "Fonts missing (apt-get install fonts-liberation2 fonts-dejavu-core): the PDF document tests will fail." >&2
  exit 0
fi
echo "Installing fonts from Debian..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation2 fonts-dejavu-core >/dev/null
if missing; then
  echo "fonts-liberation2 / fonts-dejavu-core did not install the expected files: ${FILES[*]}" >&2
  exit 1
fi
