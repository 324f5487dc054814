#!/bin/sh
# Installs the Debian/Ubuntu packages the demo or the tests need, when they are missing:
#   sh scripts/system-deps.sh demo   # nats-server
#   sh scripts/system-deps.sh test   # nats-server, chromium (page tests), openssl (TLS tests)
# As root it runs apt-get itself, otherwise through sudo. Nothing missing: it changes nothing.
set -eu
case "${1:-}" in
  demo) wanted="nats-server" ;;
  test) wanted="nats-server chromium openssl" ;;
  *) echo "usage: sh scripts/system-deps.sh demo|test" >&2; exit 2 ;;
esac
missing=""
for pkg in $wanted; do
  bin=$pkg
  # Debian installs nats-server in /usr/sbin, which a user's PATH may lack.
  if command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ]; then continue; fi
  missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  echo "system-deps: $wanted already installed"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
echo "system-deps: installing$missing"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
