#!/usr/bin/env bash
# Rewrites requirements.lock: every Python package that ketnap, its tests and its tools
# install, transitively, at the versions a fresh install of setup.cfg picks now. `make`
# installs with it as a constraints file, so two machines get the same packages.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
"$tmp/venv/bin/pip" install --quiet '.[test,lint]'
{
  echo "# Every Python package ketnap installs, with its version: made by"
  echo "# scripts/lock-dependencies.sh (make lock) from setup.cfg; do not edit by hand."
  "$tmp/venv/bin/pip" freeze --exclude ketnap
} > requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
