#!/usr/bin/env bash
# Entry point for `npm run bench` (after the build): make sure the server and
# the peer downloaders exist, then hand over to bench.mjs with all arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package per command we need (openssl makes the h2 case's CA and
# certificate); installed only when missing so repeated runs don't touch apt.
declare -A packages=([nginx]=nginx [curl]=curl [wget2]=wget2 [aria2c]=aria2 [openssl]=openssl)
missing=()
for cmd in "${!packages[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${packages[$cmd]}")
done
# GNU time (not the shell keyword) measures the CLI's peak RSS.
[ -x /usr/bin/time ] || missing+=(time)

if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
fi

exec node bench/bench.mjs "$@"
