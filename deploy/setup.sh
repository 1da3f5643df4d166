#!/usr/bin/env bash
# Installs what BlockShare needs into the project folder (.tools/, node_modules/), and only what is missing.
# Sourced by deploy/blockshare; prints each step so a first install never looks stuck.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
pin() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$root/package.json" | head -n 1; }
node_pin="$(pin node_version)"
synapse_pin="$(pin synapse_version)"
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'blockshare: %s\n' "$*" >&2; exit 1; }

ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 22 ]; then return; fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; armv7l) arch=armv7l ;;
    *) fail "no Node.js build for $(uname -m); install Node.js 22 or newer and run again" ;;
  esac
  local bin="$tools/node/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$node_pin" ]; then
    # A fresh Debian box has no Node at all: Debian's npm (with its older Node) fetches ours.
    command -v npm >/dev/null || ensure_debian_packages npm
    command -v npm >/dev/null || fail "Node.js 22+ or npm is needed to fetch Node $node_pin (apt-get install npm)"
    step "Installing Node.js $node_pin into .tools/node (system Node is $(node --version 2>/dev/null || echo missing))"
    mkdir -p "$tools/node"
    npm install --no-audit --no-fund --no-save --loglevel=error --prefix "$tools/node" "node-linux-$arch@$node_pin" >&2
  fi
  export PATH="$bin:$PATH"
}

# What the installed packages were installed from: the lock file's content and Node's module ABI. The
# stamp holds it, so an unchanged lock file is recognised even when a fresh checkout or `git checkout`
# gave it a new mtime (comparing mtimes re-ran npm ci on every start: minutes on a Pi).
npm_packages_fingerprint() {
  { sha256sum < "$root/package-lock.json"; node -p 'process.versions.modules'; } | sha256sum | cut -d ' ' -f 1
}

ensure_npm_packages() {
  local stamp="$root/node_modules/.blockshare-installed"
  local wanted
  wanted="$(npm_packages_fingerprint)"
  if [ -f "$stamp" ]; then
    [ "$(cat "$stamp")" = "$wanted" ] && return
    # A stamp from before fingerprints (empty) that is newer than the lock file: trust it once, record it.
    if [ ! -s "$stamp" ] && [ "$stamp" -nt "$root/package-lock.json" ]; then printf '%s\n' "$wanted" > "$stamp"; return; fi
  fi
  step "Installing npm packages (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  printf '%s\n' "$wanted" > "$stamp"
}

ensure_synapse() {
  local venv="$tools/synapse-venv"
  # The postgres and redis extras: PostgreSQL and Synapse's workers (deploy/production) need them.
  if [ -x "$venv/bin/python" ] &&
     [ "$("$venv/bin/python" -c 'from importlib.metadata import version; import psycopg2, txredisapi; print(version("matrix-synapse"))' 2>/dev/null)" = "$synapse_pin" ]; then
    export SYNAPSE_PYTHON="$venv/bin/python"; return
  fi
  local py
  py="$(command -v python3 || true)"
  [ -n "$py" ] || fail "Python 3.10 or newer is needed for Synapse (apt-get install python3 python3-venv)"
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
    fail "Synapse needs Python 3.10 or newer; found $("$py" --version)"
  # What building Synapse's PostgreSQL driver (psycopg2 has no Linux wheels) and the venv itself need.
  local needed=()
  "$py" -c 'import ensurepip' 2>/dev/null || needed+=(python3-venv)
  "$py" -c 'import os, sysconfig, sys; sys.exit(0 if os.path.exists(sysconfig.get_paths()["include"] + "/Python.h") else 1)' || needed+=(python3-dev)
  command -v gcc >/dev/null || needed+=(gcc)
  command -v pg_config >/dev/null || needed+=(libpq-dev)
  [ ${#needed[@]} -eq 0 ] || ensure_debian_packages "${needed[@]}"
  step "Installing Synapse $synapse_pin into .tools/synapse-venv (a few minutes on a small box)"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv" || fail "could not create a virtualenv (apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on \
    "matrix-synapse[postgres,redis]==$synapse_pin" >&2
  export SYNAPSE_PYTHON="$venv/bin/python"
}

# Debian packages, installed only when missing: openssl (the community CA) for everyone; for the test
# suite and benchmarks also the real parts the tests drive (babeld meshes in network namespaces,
# Chromium for the map page, Prometheus and Alertmanager, nginx for the proxy configuration checks, and
# debootstrap + systemd-nspawn + tinyproxy for the install on a fresh Debian box).
ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null || fail "missing packages: ${missing[*]} (this is not a Debian-based system; install them by hand)"
  [ "$(id -u)" -eq 0 ] || fail "missing Debian packages: ${missing[*]}; run as root once, or: sudo apt-get install ${missing[*]}"
  step "Installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# Tests source this file for its functions alone.
[ "${BLOCKSHARE_SETUP_FUNCTIONS_ONLY:-}" = 1 ] && return 0

ensure_node
ensure_npm_packages
ensure_synapse
ensure_debian_packages openssl
case "${1:-run}" in
  test|bench) ensure_debian_packages iproute2 babeld chromium prometheus prometheus-alertmanager nginx postgresql redis-server systemd \
    debootstrap systemd-container tinyproxy faketime zbar-tools poppler-utils libnss3-tools ;;
  # The emulated Raspberry Pi: arm64 programs run through qemu-user, registered with binfmt_misc.
  test:arm64) ensure_debian_packages debootstrap systemd-container tinyproxy qemu-user-static binfmt-support ;;
esac
