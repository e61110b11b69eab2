#!/usr/bin/env bash
# Proves that the generated MySQL replication setup replicates: renders the cluster's server configuration
# and init scripts (scripts/render-mysql-scripts.ts), shellchecks every generated script, starts a primary
# (127.0.0.1:3316) and a replica (127.0.0.1:3317) MariaDB server from the generated .cnf files in a temp
# dir, runs the generated init scripts against them (twice, to prove they are idempotent), writes a row on
# the primary and reads it back on the replica. Everything is stopped and removed on exit.
#
# Needs mariadb-server, mariadb-client and shellcheck (CI installs them). MySQL 8 is not installable from
# Debian; the MariaDB dialect differs only in the GTID settings and the CHANGE MASTER statement.
set -euo pipefail
cd "$(dirname "$0")/.."

PRIMARY_PORT=3316
REPLICA_PORT=3317
ROOT_PASSWORD="root-pw-e2e"
# Quotes and a backslash: the scripts must escape what they put into SQL literals.
REPLICATION_PASSWORD="re'pl\\pw-e2e"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

esbuild_out="build/scripts/render-mysql-scripts.js"
npx esbuild scripts/render-mysql-scripts.ts --bundle --platform=node --packages=external --log-level=warning --outfile="$esbuild_out"
node "$esbuild_out" "$work/generated"

echo "shellcheck on every generated script"
shellcheck --shell=sh "$work"/generated/*/*.sh
echo "shellcheck: $(find "$work/generated" -name "*.sh" | wc -l) scripts clean"

gen="$work/generated/mariadb"
user="$(id -un)"

# start_server <name> <port> <cnf>: a fresh data directory, the generated .cnf, bound to 127.0.0.1 only.
start_server() {
  local name="$1" port="$2" cnf="$3" dir="$work/$1"
  mkdir -p "$dir/data" "$dir/run"
  mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1
  mariadbd --defaults-file="$cnf" --user="$user" --datadir="$dir/data" --bind-address=127.0.0.1 --port="$port" \
    --socket="$dir/run/mysqld.sock" --pid-file="$dir/run/mysqld.pid" --log-error="$dir/error.log" \
    --innodb-flush-method=fsync 2>"$dir/stderr.log" &
  pids+=("$!")
  for _ in $(seq 1 60); do
    if mariadb-admin --no-defaults --socket="$dir/run/mysqld.sock" --user=root ping >/dev/null 2>&1; then
      break
    fi
    sleep 0.5
  done
  # What the image's entrypoint does before the init scripts: root passwords, kept out of the binlog.
  mariadb --no-defaults --socket="$dir/run/mysqld.sock" --user=root <<SQL
SET SQL_LOG_BIN=0;
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '${ROOT_PASSWORD}';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED BY '${ROOT_PASSWORD}';
SQL
  echo "$name: MariaDB $(sql "$port" -e 'SELECT VERSION()') on 127.0.0.1:$port"
}

# run_generated <script> <port> [env...]: runs a generated script as the pod would, against a local server.
run_generated() {
  local script="$1" port="$2"
  shift 2
  env -i PATH="$PATH" MYSQL_HOST=127.0.0.1 MYSQL_TCP_PORT="$port" MYSQL_ROOT_PASSWORD="$ROOT_PASSWORD" \
    MYSQL_REPLICATION_USER=repl MYSQL_REPLICATION_PASSWORD="$REPLICATION_PASSWORD" "$@" sh "$gen/$script"
}

sql() {
  local port="$1"
  shift
  MYSQL_PWD="$ROOT_PASSWORD" mariadb --no-defaults --host=127.0.0.1 --port="$port" --user=root -N "$@"
}

start_server primary "$PRIMARY_PORT" "$gen/primary.cnf"
start_server replica "$REPLICA_PORT" "$gen/replica-1.cnf"

for _ in 1 2; do
  run_generated primary-init.sh "$PRIMARY_PORT"
  run_generated replica-init.sh "$REPLICA_PORT" MYSQL_SOURCE_HOST=127.0.0.1 MYSQL_SOURCE_PORT="$PRIMARY_PORT"
done
echo "init scripts ran twice on each server"

[ "$(sql "$PRIMARY_PORT" -e 'SELECT @@server_id')" = 1 ] || { echo "primary server_id is not 1" >&2; exit 1; }
[ "$(sql "$REPLICA_PORT" -e 'SELECT @@server_id')" = 2 ] || { echo "replica server_id is not 2" >&2; exit 1; }

marker="order-$RANDOM-$$"
sql "$PRIMARY_PORT" <<SQL
CREATE DATABASE IF NOT EXISTS ecommerce;
CREATE TABLE ecommerce.replication_check (id INT AUTO_INCREMENT PRIMARY KEY, marker VARCHAR(64) NOT NULL);
INSERT INTO ecommerce.replication_check (marker) VALUES ('${marker}');
SQL
echo "primary: wrote ${marker}"

got=""
for _ in $(seq 1 60); do
  got="$(sql "$REPLICA_PORT" -e "SELECT marker FROM ecommerce.replication_check WHERE marker = '${marker}'" 2>/dev/null || true)"
  [ "$got" = "$marker" ] && break
  sleep 0.5
done
if [ "$got" != "$marker" ]; then
  echo "replica never received the row; replica status:" >&2
  MYSQL_PWD="$ROOT_PASSWORD" mariadb --no-defaults --host=127.0.0.1 --port="$REPLICA_PORT" --user=root -e 'SHOW REPLICA STATUS\G' >&2 || true
  tail -n 30 "$work/replica/error.log" >&2 || true
  exit 1
fi
status="$(MYSQL_PWD="$ROOT_PASSWORD" mariadb --no-defaults --host=127.0.0.1 --port="$REPLICA_PORT" --user=root -e 'SHOW REPLICA STATUS\G')"
grep -q "Using_Gtid: Slave_Pos" <<<"$status" || { echo "replica does not replicate by GTID:" >&2; echo "$status" >&2; exit 1; }
# The replica refuses writes from ordinary accounts.
[ "$(sql "$REPLICA_PORT" -e 'SELECT @@read_only')" = 1 ] || { echo "replica is writable" >&2; exit 1; }
echo "replica: read ${got} back by GTID replication (Using_Gtid: Slave_Pos, read_only=1)"
