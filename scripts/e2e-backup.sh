#!/usr/bin/env bash
# End to end with real parts: the backup, upload, fetch, restore and verify scripts exactly as the Backup
# chart renders them into ConfigMap `database-backup-scripts`, run against two real MariaDB servers and an
# S3-compatible server (s3rver, a devDependency), all on 127.0.0.1 in a temporary directory.
#
#   1. shellcheck every generated script;
#   2. load a fixture schema with data (foreign keys, a reserved-word table name, a view, a trigger, a
#      function, an event, binary and multi-byte data) into the source server (port 3307);
#   3. backup.sh + upload.sh with 30 days' retention (an old backup is pruned, other objects are kept);
#   4. the restore procedure into a fresh database on a second server (port 3308): safety dump and upload,
#      fetch the newest backup, restore.sh; then compare every table's row count and a checksum of its
#      rows, and the views, triggers, routines and events, between the two servers;
#   5. verify.sh: restores into a scratch server it starts itself and checks the manifest;
#   6. the checks can fail: restore.sh without confirmation or without a safety dump, verify.sh on a
#      backup whose manifest disagrees with its data, and on a truncated backup, must all fail.
#
# Usage: scripts/e2e-backup.sh [manifest file holding the ConfigMap]   (default dist/prod/backup.k8s.yaml)
# Needs mariadb-server, mariadb-client, awscli, shellcheck (the CI step installs them) and `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

MANIFEST="${1:-dist/prod/backup.k8s.yaml}"
SOURCE_PORT=3307
TARGET_PORT=3308
S3_PORT=9310
BUCKET=ecommerce-backups
DB=ecommerce
APP_USER=app
# Quotes and a backslash: the scripts must pass the password through their option file intact.
APP_PASSWORD='s3cr"et\pa'"'"'ss'

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

E2E_NAME=e2e-backup
# shellcheck source=scripts/e2e-lib.sh
source scripts/e2e-lib.sh
as_root=()
if [ "$(id -u)" = 0 ]; then
  as_root=(--user=root)
fi

start_mariadb() {
  local name="$1" port="$2" dir="$work/$1"
  mkdir -p "$dir/data"
  mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal --skip-test-db \
    "${as_root[@]}" > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; die "mariadb-install-db failed for $name"; }
  mariadbd --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 --socket="$dir/mysqld.sock" \
    --pid-file="$dir/mysqld.pid" --log-error="$dir/mysqld.log" --tmpdir="$dir" --secure-file-priv="$dir" \
    --event-scheduler=OFF --skip-name-resolve "${as_root[@]}" &
  pids+=($!)
  wait_for_socket "$dir/mysqld.sock" "$!"
  wait_for_port "$port" "$!"
}

root_sql() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$work/$1/mysqld.sock" --user=root --batch --skip-column-names "${@:2}"; }
app_sql() { mariadb --no-defaults --default-character-set=utf8mb4 --protocol=TCP --host=127.0.0.1 --port="$1" --user="$APP_USER" --password="$APP_PASSWORD" --batch --skip-column-names "$DB" "${@:2}"; }

create_app_user() {
  local q="'" bs="\\" literal
  literal="${APP_PASSWORD//"$bs"/"$bs$bs"}"
  literal="${literal//"$q"/"$q$q"}"
  root_sql "$1" -e "CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER '$APP_USER'@'127.0.0.1' IDENTIFIED BY '$literal';
    GRANT ALL PRIVILEGES ON $DB.* TO '$APP_USER'@'127.0.0.1';"
}

say "extracting the generated scripts from $MANIFEST"
extract_backup_scripts "$MANIFEST" "$work/scripts"
scripts="$work/scripts"

say "shellcheck"
(cd "$scripts" && shellcheck -x ./*.sh)
echo "shellcheck: $(find "$scripts" -name '*.sh' | wc -l) scripts clean"

say "starting MariaDB on 127.0.0.1:$SOURCE_PORT and 127.0.0.1:$TARGET_PORT, s3rver on 127.0.0.1:$S3_PORT"
start_mariadb source "$SOURCE_PORT"
start_mariadb target "$TARGET_PORT"
start_s3rver "$S3_PORT" "$BUCKET" "$work/s3"

say "loading the fixture into the source database"
create_app_user source
create_app_user target
app_sql "$SOURCE_PORT" <<'SQL'
CREATE TABLE users (
  id INT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(190) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE TABLE products (
  id INT AUTO_INCREMENT PRIMARY KEY,
  sku VARCHAR(32) NOT NULL UNIQUE,
  title VARCHAR(200) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  photo BLOB NULL
);
CREATE TABLE orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  status ENUM('pending', 'paid', 'shipped') NOT NULL,
  notes TEXT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE order_items (
  order_id INT NOT NULL,
  product_id INT NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (order_id, product_id),
  FOREIGN KEY (order_id) REFERENCES orders (id),
  FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE TABLE audit_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, entry VARCHAR(255) NOT NULL);
CREATE TABLE `key` (name VARCHAR(20) PRIMARY KEY, value VARCHAR(20) NULL);
CREATE TABLE failed_jobs (id INT PRIMARY KEY);
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
  INSERT INTO audit_log (entry) VALUES (CONCAT('order ', NEW.id, ' ', NEW.status));
CREATE FUNCTION order_quantity(oid INT) RETURNS INT READS SQL DATA
  RETURN (SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE order_id = oid);
CREATE VIEW paid_orders AS SELECT id, user_id FROM orders WHERE status = 'paid';
CREATE EVENT prune_audit ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit_log WHERE id < 0;

INSERT INTO users (email, name, created_at)
  SELECT CONCAT('user', n, '@example.com'), CONCAT('Kundin Ünïcødé ', n, ' 🛒 "quoted" \\ back'), '2024-01-01' + INTERVAL n MINUTE
  FROM (WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 500) SELECT n FROM seq) s;
INSERT INTO products (sku, title, price, photo)
  SELECT CONCAT('SKU-', n), CONCAT('Product ', n, ' ''special'''), n * 1.25, IF(n % 3 = 0, NULL, UNHEX(SHA2(n, 512)))
  FROM (WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200) SELECT n FROM seq) s;
INSERT INTO orders (user_id, status, notes)
  SELECT (n % 500) + 1, ELT((n % 3) + 1, 'pending', 'paid', 'shipped'), IF(n % 7 = 0, NULL, CONCAT('line 1\nline 2\t', n))
  FROM (WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000) SELECT n FROM seq) s;
INSERT INTO order_items (order_id, product_id, quantity)
  SELECT o.id, ((o.id - 1) * 3 + j.n) % 200 + 1, j.n + 1 FROM orders o CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) j;
INSERT INTO `key` (name, value) VALUES ('select', 'from'), ('null', NULL);
SQL
echo "source tables: $(app_sql "$SOURCE_PORT" -e "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '$DB'")"

export DB_ENGINE=mysql DB_HOST=127.0.0.1 DB_USER="$APP_USER" DB_PASSWORD="$APP_PASSWORD" DB_NAME="$DB"
export S3_BUCKET="$BUCKET" AWS_REGION=us-east-1 S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
# Newer AWS CLIs send streaming checksums by default, which s3rver does not understand; AWS itself needs
# no such setting (the images pin a CLI that predates the change).
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
s3() { aws --region "$AWS_REGION" --endpoint-url "$S3_ENDPOINT" "$@"; }
keys() { s3 s3api list-objects-v2 --bucket "$BUCKET" --prefix mysql/ --query 'Contents[].Key' --output text | tr '\t' '\n' | sort; }

say "backup and upload with 30 days' retention"
printf 'old\n' | gzip > "$work/old.sql.gz"
s3 s3 cp "$work/old.sql.gz" "s3://$BUCKET/mysql/backup-20200101-000000.sql.gz" --only-show-errors
s3 s3 cp "$work/old.sql.gz" "s3://$BUCKET/mysql/pre-restore-20200101-000000.sql.gz" --only-show-errors
s3 s3 cp "$work/old.sql.gz" "s3://$BUCKET/mysql/notes-backup-20200101.txt" --only-show-errors
mkdir -p "$work/backup"
DB_PORT=$SOURCE_PORT BACKUP_DIR="$work/backup" bash "$scripts/backup.sh"
BACKUP_DIR="$work/backup" RETENTION_DAYS=30 bash "$scripts/upload.sh"
backup_file="$(cat "$work/backup/backup.latest")"
[[ "$backup_file" =~ ^backup-[0-9]{8}-[0-9]{6}\.sql\.gz$ ]] || die "unexpected backup name $backup_file"
remaining="$(keys)"
printf '%s\n' "$remaining"
grep -qx "mysql/$backup_file" <<< "$remaining" || die "the new backup is not in the bucket"
! grep -qx 'mysql/backup-20200101-000000.sql.gz' <<< "$remaining" || die "retention did not delete the 2020 backup"
grep -qx 'mysql/pre-restore-20200101-000000.sql.gz' <<< "$remaining" || die "retention deleted a safety dump"
grep -qx 'mysql/notes-backup-20200101.txt' <<< "$remaining" || die "retention deleted an object that is not a backup"

say "restore procedure into a fresh database on the second server"
mkdir -p "$work/restore"
export DB_PORT=$TARGET_PORT BACKUP_DIR="$work/restore"
if CONFIRM=RESTORE bash "$scripts/restore.sh" 2> "$work/err.log"; then die "restore.sh ran without a safety dump"; fi
grep -q 'no safety dump' "$work/err.log" || die "restore.sh failed for another reason: $(cat "$work/err.log")"
BACKUP_NAME_PREFIX=pre-restore bash "$scripts/backup.sh"
BACKUP_NAME_PREFIX=pre-restore bash "$scripts/upload.sh"
bash "$scripts/fetch.sh"
[ "$(cat "$work/restore/restore.source")" = "$backup_file" ] || die "fetch.sh did not pick the newest backup"
if bash "$scripts/restore.sh" 2> "$work/err.log"; then die "restore.sh ran without CONFIRM=RESTORE"; fi
grep -q 'set CONFIRM=RESTORE' "$work/err.log" || die "restore.sh failed for another reason: $(cat "$work/err.log")"
CONFIRM=RESTORE bash "$scripts/restore.sh"
unset DB_PORT BACKUP_DIR

say "comparing source and restored databases"
tables="$(app_sql "$SOURCE_PORT" -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$DB' AND table_type = 'BASE TABLE' ORDER BY table_name")"
[ "$(wc -l <<< "$tables")" -eq 7 ] || die "expected 7 fixture tables, got: $tables"
compared=0
while IFS= read -r table; do
  for port in "$SOURCE_PORT" "$TARGET_PORT"; do
    rows="$(app_sql "$port" -e "SELECT COUNT(*) FROM \`$table\`")"
    sum="$(app_sql "$port" -e "SELECT * FROM \`$table\`" | LC_ALL=C sort | sha256sum | cut -c1-16)"
    printf '%s\t%s\t%s\n' "$rows" "$sum" "$(app_sql "$port" -e "CHECKSUM TABLE \`$table\` EXTENDED" | cut -f2)"
  done > "$work/compare"
  printf '%-12s %s\n' "$table" "$(head -n 1 "$work/compare" | tr '\t' ' ')"
  [ "$(sed -n 1p "$work/compare")" = "$(sed -n 2p "$work/compare")" ] ||
    die "table $table differs: source $(sed -n 1p "$work/compare"), restored $(sed -n 2p "$work/compare")"
  compared=$((compared + 1))
done <<< "$tables"
[ "$(app_sql "$SOURCE_PORT" -e 'SELECT COUNT(*) FROM users')" -eq 500 ] || die "the fixture is not loaded"
for query in \
  "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.views WHERE table_schema = '$DB'" \
  "SELECT GROUP_CONCAT(trigger_name ORDER BY trigger_name) FROM information_schema.triggers WHERE trigger_schema = '$DB'" \
  "SELECT GROUP_CONCAT(routine_name ORDER BY routine_name) FROM information_schema.routines WHERE routine_schema = '$DB'" \
  "SELECT GROUP_CONCAT(event_name ORDER BY event_name) FROM information_schema.events WHERE event_schema = '$DB'" \
  "SELECT order_quantity(7)"; do
  source_value="$(app_sql "$SOURCE_PORT" -e "$query")"
  target_value="$(app_sql "$TARGET_PORT" -e "$query")"
  if [ "$source_value" != "$target_value" ] || [ -z "$source_value" ] || [ "$source_value" = NULL ]; then
    die "differs after restore: $query: source '$source_value', restored '$target_value'"
  fi
  echo "same: $source_value"
done

say "restore verification in a scratch server"
mkdir -p "$work/verify" "$work/scratch"
export BACKUP_DIR="$work/verify" SCRATCH_DIR="$work/scratch"
(unset DB_HOST DB_USER DB_PASSWORD DB_NAME; bash "$scripts/fetch.sh" && bash "$scripts/verify.sh")

say "the checks can fail"
# A backup whose manifest claims one more user than its data holds.
gzip -dc "$work/backup/$backup_file" |
  sed 's/^\(-- backup-manifest table\tusers\t[0-9]*\t\)500$/\1501/' | gzip > "$work/tampered.sql.gz"
gzip -dc "$work/tampered.sql.gz" | grep -q "^-- backup-manifest table	users	4	501$" || die "could not tamper with the manifest"
s3 s3 cp "$work/tampered.sql.gz" "s3://$BUCKET/mysql/backup-29991231-235959.sql.gz" --only-show-errors
rm -f "$work/verify/"*
if (unset DB_HOST DB_USER DB_PASSWORD DB_NAME; bash "$scripts/fetch.sh" && bash "$scripts/verify.sh") 2> "$work/err.log"; then
  die "verify.sh accepted a backup whose rows do not match its manifest"
fi
grep -q 'users: 500 rows restored, 501 in the backup' "$work/err.log" || die "verify.sh failed for another reason: $(cat "$work/err.log")"
echo "verify.sh rejects a row count mismatch"
# A truncated upload.
head -c "$(( $(wc -c < "$work/backup/$backup_file") / 2 ))" "$work/backup/$backup_file" > "$work/truncated.sql.gz"
s3 s3 cp "$work/truncated.sql.gz" "s3://$BUCKET/mysql/backup-29991231-235958.sql.gz" --only-show-errors
rm -f "$work/verify/"*
if (unset DB_HOST DB_USER DB_PASSWORD DB_NAME; RESTORE_BACKUP=backup-29991231-235958.sql.gz bash "$scripts/fetch.sh" && bash "$scripts/verify.sh") 2> "$work/err.log"; then
  die "verify.sh accepted a truncated backup"
fi
grep -q 'not a valid gzip file' "$work/err.log" || die "verify.sh failed for another reason: $(cat "$work/err.log")"
echo "verify.sh rejects a truncated backup"

printf '\ne2e-backup: %d tables restored identically, verification passed, 4 failure cases rejected\n' "$compared"
