#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool), with
# its Vietnamese locale (chromium-l10n) so that date inputs read dd/mm/yyyy.
# In CI (CI=true), or as root, what is missing is installed; elsewhere the browser tests
# skip with a message when there is no Chromium.
set -euo pipefail
# The report PDFs need DejaVu too (workflows/admission/reports/documents/fonts.py).
if [ -x /usr/bin/chromium ] && [ -f /usr/lib/chromium/locales/vi.pak ] \
    && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]; then
  exit 0
fi
if [ "${CI:-}" != "true" ] && [ "$(id -u)" != "0" ]; then
  [ -x /usr/bin/chromium ] || echo "Chromium is not installed; browser tests will be skipped." >&2
  exit 0
fi
echo "Installing Chromium from Debian..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-l10n fonts-dejavu-core >/dev/null
