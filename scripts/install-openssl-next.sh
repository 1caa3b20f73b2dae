#!/usr/bin/env bash
# Installs the newer OpenSSL command-line peers the interop tests use: OpenSSL 3.5 (Debian trixie)
# and OpenSSL 4.0 (Debian experimental), on this Debian 12 machine, without touching the system's
# apt configuration or libraries. Packages come from the mirror this machine's apt already uses,
# through a private sources list and state dir; they are unpacked with dpkg-deb -x and run with
# trixie's own glibc loader (ld-linux-x86-64.so.2 --library-path ...).
#
#   usage: scripts/install-openssl-next.sh [DIR]
#   DIR defaults to $TLS_PROBE_PEER_CACHE or ~/.cache/tls-probe/openssl-next; the result is
#   DIR/bin/openssl-3.5 and DIR/bin/openssl-4.0 (test/helpers/openssl-next.ts finds them there).
# Idempotent: a second run with both wrappers working does nothing.
set -euo pipefail

dest=${1:-${TLS_PROBE_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tls-probe}/openssl-next}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# One installer at a time (test files that find the peers missing may start it concurrently).
exec 9>"$dest/.lock"
flock 9

works() { [ -x "$dest/bin/openssl-$1" ] && OPENSSL_CONF=/dev/null "$dest/bin/openssl-$1" version >/dev/null 2>&1; }
if works 3.5 && works 4.0; then
  echo "openssl-next: already installed in $dest"
  exit 0
fi

# The Debian mirror of this machine: deb822 sources first, then the one-line format.
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
    /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "openssl-next: no Debian mirror found in /etc/apt" >&2; exit 1; }

state=$dest/apt-state
rm -rf "$state"
mkdir -p "$state/lists/partial" "$state/cache/partial" "$state/debs"
touch "$state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
{
  echo "deb [signed-by=$keyring] $mirror trixie main"
  echo "deb [signed-by=$keyring] $mirror experimental main"
} >"$state/sources.list"

apt_opts=(
  -o "Dir::Etc::SourceList=$state/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$state/lists"
  -o "Dir::State::Status=$state/status"
  -o "Dir::Cache=$state/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update -qq
(cd "$state/debs" && apt-get "${apt_opts[@]}" download -qq \
  libc6/trixie openssl/trixie libssl3t64/trixie openssl/experimental libssl4/experimental)

unpack() { # unpack GLOB DIR
  local found=0 deb
  mkdir -p "$2"
  for deb in "$state"/debs/$1; do
    [ -f "$deb" ] || continue
    dpkg-deb -x "$deb" "$2"
    found=1
  done
  [ "$found" = 1 ] || { echo "openssl-next: no package matching $1 was downloaded" >&2; exit 1; }
}
unpack 'libc6_*.deb' "$dest/glibc"
unpack 'openssl_3.5*.deb' "$dest/3.5"
unpack 'libssl3t64_3.5*.deb' "$dest/3.5"
unpack 'openssl_4.0*.deb' "$dest/4.0"
unpack 'libssl4_4.0*.deb' "$dest/4.0"

mkdir -p "$dest/bin"
for v in 3.5 4.0; do
  cat >"$dest/bin/openssl-$v" <<WRAPPER
#!/bin/sh
# OpenSSL $v (Debian package) run with trixie's glibc loader and its own libraries.
exec "$dest/glibc/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \\
  --library-path "$dest/$v/usr/lib/x86_64-linux-gnu:$dest/glibc/usr/lib/x86_64-linux-gnu" \\
  "$dest/$v/usr/bin/openssl" "\$@"
WRAPPER
  chmod +x "$dest/bin/openssl-$v"
  echo "openssl-next: $(OPENSSL_CONF=/dev/null "$dest/bin/openssl-$v" version)"
done
rm -rf "$state"
