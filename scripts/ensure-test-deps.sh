#!/usr/bin/env bash
# Installs the Debian packages the tests use when any is missing; silent when all are there.
#   dovecot-imapd                      the real IMAP server of tests/setup/dovecot.ts
#   libreoffice-{writer,calc}-nogui    .doc/.wps/.xls/.et conversion, and the digest workbook check
#   fonts-noto-cjk, chromium           rendering the Chinese digest HTML headlessly
# Runs as root without a terminal (CI); `apt-get update` only when something is missing.
set -euo pipefail

PACKAGES=(dovecot-imapd libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk chromium)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-test-deps: not a Debian system; install by hand: ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-deps: missing ${missing[*]}; run as root: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-test-deps: installing ${missing[*]}" >&2

# Keep package scripts from starting services (Debian's dovecot would take ports 143/993): the tests run their own.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -q)
apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
echo "ensure-test-deps: done" >&2
