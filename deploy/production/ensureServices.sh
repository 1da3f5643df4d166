#!/usr/bin/env bash
# Installs and starts the system services a production box needs, only what is missing, printing each
# step. Safe to run again (idempotent). Debian 12 / Raspberry Pi OS.
#
#   deploy/production/ensureServices.sh [--dry-run] [postgresql] [redis] [nginx]
#
# With no service names: all three. --dry-run prints what would be done and changes nothing.
# PostgreSQL gets a `blockshare` role and a `blockshare` database with C collation (what Synapse
# requires), reached over the local socket with peer authentication: no password to keep.
set -euo pipefail

dry_run=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    postgresql|redis|nginx) wanted+=("$arg") ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "ensureServices: unknown argument \"$arg\"; accepted: --dry-run postgresql redis nginx" >&2; exit 2 ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=(postgresql redis nginx)
db_role="${BLOCKSHARE_DB_ROLE:-blockshare}"
db_name="${BLOCKSHARE_DB_NAME:-blockshare}"

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
run() { if [ "$dry_run" = 1 ]; then printf '    would run: %s\n' "$*" >&2; else "$@"; fi; }
as_root() { if [ "$(id -u)" = 0 ]; then run "$@"; else run sudo "$@"; fi; }

package_of() { case "$1" in postgresql) echo postgresql ;; redis) echo redis-server ;; nginx) echo nginx ;; esac; }
service_of() { case "$1" in postgresql) echo postgresql ;; redis) echo redis-server ;; nginx) echo nginx ;; esac; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_updated=0
ensure_package() {
  local package; package="$(package_of "$1")"
  # nginx-light / nginx-full also provide nginx.
  if installed "$package" || { [ "$1" = nginx ] && command -v nginx >/dev/null; }; then
    step "$package is installed"; return
  fi
  if [ "$apt_updated" = 0 ]; then step "Updating the package lists"; as_root apt-get update -q; apt_updated=1; fi
  step "Installing $package"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package"
}

# A service started some other way (by hand, by a container's entry point) still counts.
answers() {
  case "$1" in
    postgresql) pg_isready -q 2>/dev/null ;;
    redis) [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ] ;;
    nginx) pgrep -x nginx >/dev/null ;;
  esac
}

ensure_running() {
  local service; service="$(service_of "$1")"
  if [ -d /run/systemd/system ]; then
    if systemctl is-active --quiet "$service"; then step "$service is running"; return; fi
    step "Starting $service (and enabling it at boot)"
    as_root systemctl enable --now "$service"
  else
    # Containers and chroots without systemd: the SysV scripts Debian still ships.
    if service "$service" status >/dev/null 2>&1 || answers "$1"; then step "$service is running"; return; fi
    step "Starting $service (no systemd here: using its init script)"
    as_root service "$service" start
  fi
}

# Debian's postgresql.service is only an umbrella: the cluster (postgresql@15-main) may still be starting
# when it reports active, most of all right after apt-get installed it.
wait_for_postgresql() {
  [ "$dry_run" = 1 ] && return
  local i
  for i in $(seq 1 60); do pg_isready -q 2>/dev/null && return; sleep 1; done
  echo "ensureServices: PostgreSQL did not accept connections within 60 s (see: journalctl -u 'postgresql@*', pg_lsclusters)" >&2
  exit 1
}

ensure_database() {
  wait_for_postgresql
  local psql_as_postgres=(runuser -u postgres -- psql -v ON_ERROR_STOP=1 -Atq)
  [ "$(id -u)" = 0 ] || psql_as_postgres=(sudo -u postgres psql -v ON_ERROR_STOP=1 -Atq)
  if [ "$("${psql_as_postgres[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$db_role'")" = 1 ]; then
    step "PostgreSQL role $db_role exists"
  else
    step "Creating PostgreSQL role $db_role"
    run "${psql_as_postgres[@]}" -c "CREATE ROLE $db_role LOGIN"
  fi
  if [ "$("${psql_as_postgres[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" = 1 ]; then
    step "PostgreSQL database $db_name exists"
  else
    step "Creating PostgreSQL database $db_name (UTF-8, C collation, as Synapse requires)"
    run "${psql_as_postgres[@]}" -c "CREATE DATABASE $db_name ENCODING 'UTF8' LC_COLLATE='C' LC_CTYPE='C' TEMPLATE template0 OWNER $db_role"
  fi
}

for service in "${wanted[@]}"; do
  ensure_package "$service"
  ensure_running "$service"
done
for service in "${wanted[@]}"; do
  if [ "$service" = postgresql ]; then ensure_database; fi
done
step "Services ready: ${wanted[*]}"
