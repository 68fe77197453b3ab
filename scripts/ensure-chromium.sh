#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser test (test/e2e/status-page-browser.test.ts), which drives
# it with playwright-core: no browser is ever downloaded by npm. Installs it with apt when it is missing and we are
# root; otherwise says what to run and exits 1. Idempotent: does nothing when /usr/bin/chromium is there.
set -euo pipefail
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: $CHROMIUM is missing; install Debian's package as root: apt-get install chromium" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package (for the status page's browser test)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
# Debian's launcher script prints noise on stderr; the version on stdout proves the browser runs.
version="$("$CHROMIUM" --version 2>/dev/null)"
echo "ensure-chromium: installed $version" >&2
