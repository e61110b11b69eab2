#!/usr/bin/env bash
# End to end with real parts, for PostgreSQL: the backup, upload, fetch, restore and verify scripts exactly as
# the Backup chart renders them (the same scripts serve both engines; DB_ENGINE selects the dump tool), run
# against two PostgreSQL servers (Debian's `postgresql`, 127.0.0.1:5433 source, :5434 restore target) and
# s3rver (127.0.0.1:9311), all in a temporary directory:
#
#   1. load a fixture (foreign keys, a reserved-word table name, a view, a trigger function, multi-byte and
#      binary data) into the source;
#   2. backup.sh + upload.sh to the bucket;
#   3. the restore procedure into the target: safety dump, fetch the newest backup, restore.sh with
#      CONFIRM=RESTORE; then compare every table's row count and a checksum of its rows;
#   4. verify.sh restores into a scratch server it starts itself and checks the manifest;
#   5. verify.sh must reject a backup whose manifest disagrees with its data.
#
# PostgreSQL refuses to run as root: when started as root, every database process runs as `postgres`.
# Usage: scripts/e2e-backup-postgres.sh [manifest file holding the ConfigMap]   (default dist/prod/backup.k8s.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."

MANIFEST="${1:-dist/prod/backup.k8s.yaml}"
SOURCE_PORT=5433
TARGET_PORT=5434
S3_PORT=9311
BUCKET=storefront-backups
DB=storefront
APP_USER=app
APP_PASSWORD='s3cr"et\pa'"'"'ss'
PG_BIN=""
for dir in /usr/lib/postgresql/*/bin; do
  [ ! -x "$dir/initdb" ] || PG_BIN="$dir"
done
[ -n "$PG_BIN" ] || { echo "e2e-backup-postgres: no /usr/lib/postgresql/*/bin: install Debian's postgresql" >&2; exit 1; }
export PATH="$PG_BIN:$PATH"

work="$(mktemp -d)"
chmod 755 "$work"
pids=()
as_db=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_db=(runuser -u postgres --)
fi
cleanup() {
  local dir pid
  for dir in "$work"/source "$work"/target; do
    [ ! -d "$dir/data" ] || "${as_db[@]}" pg_ctl -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

E2E_NAME=e2e-backup-postgres
# shellcheck source=scripts/e2e-lib.sh
source scripts/e2e-lib.sh

start_postgres() {
  local name="$1" port="$2" dir="$work/$1"
  "${as_db[@]}" mkdir -p "$dir"
  "${as_db[@]}" initdb -D "$dir/data" -U postgres --auth=trust > "$work/$name-init.log" 2>&1 ||
    { cat "$work/$name-init.log" >&2; die "initdb failed for $name"; }
  "${as_db[@]}" pg_ctl -D "$dir/data" -l "$dir/postgres.log" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" -w start > /dev/null ||
    { cat "$dir/postgres.log" >&2; die "PostgreSQL $name did not start"; }
  wait_for_port "$port"
}

root_sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"; }
app_sql() { PGPASSWORD="$APP_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -A -t -h 127.0.0.1 -p "$1" -U "$APP_USER" -d "$DB" "${@:2}"; }

create_app_user() {
  local literal="${APP_PASSWORD//\'/\'\'}"
  root_sql "$1" "CREATE ROLE $APP_USER LOGIN CREATEDB PASSWORD '$literal'"
  root_sql "$1" "CREATE DATABASE $DB OWNER $APP_USER"
}

say "extracting the generated scripts from $MANIFEST"
extract_backup_scripts "$MANIFEST" "$work/scripts"
chmod -R a+rX "$work/scripts"
scripts="$work/scripts"

say "starting PostgreSQL on 127.0.0.1:$SOURCE_PORT and 127.0.0.1:$TARGET_PORT, s3rver on 127.0.0.1:$S3_PORT"
start_postgres source "$SOURCE_PORT"
start_postgres target "$TARGET_PORT"
start_s3rver "$S3_PORT" "$BUCKET" "$work/s3"

say "loading the fixture into the source database"
create_app_user "$SOURCE_PORT"
create_app_user "$TARGET_PORT"
app_sql "$SOURCE_PORT" <<'SQL'
CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(190) NOT NULL UNIQUE, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL);
CREATE TABLE products (id SERIAL PRIMARY KEY, sku VARCHAR(32) NOT NULL UNIQUE, price NUMERIC(10,2) NOT NULL, photo BYTEA);
CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT NOT NULL REFERENCES users (id), status TEXT NOT NULL, notes TEXT);
CREATE TABLE order_items (order_id INT NOT NULL REFERENCES orders (id), product_id INT NOT NULL REFERENCES products (id),
  quantity INT NOT NULL, PRIMARY KEY (order_id, product_id));
CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE "select" (name TEXT PRIMARY KEY, value TEXT);
CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit_log (entry) VALUES ('order ' || NEW.id || ' ' || NEW.status); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order();
CREATE VIEW paid_orders AS SELECT id, user_id FROM orders WHERE status = 'paid';
INSERT INTO users (email, name, created_at)
  SELECT 'user' || n || '@example.com', 'Kundin Ünïcødé ' || n || ' 🛒 "quoted" \ back', TIMESTAMPTZ '2024-01-01' + n * INTERVAL '1 minute'
  FROM generate_series(1, 500) n;
INSERT INTO products (sku, price, photo)
  SELECT 'SKU-' || n, n * 1.25, CASE WHEN n % 3 = 0 THEN NULL ELSE sha512(n::text::bytea) END FROM generate_series(1, 200) n;
INSERT INTO orders (user_id, status, notes)
  SELECT (n % 500) + 1, (ARRAY['pending', 'paid', 'shipped'])[(n % 3) + 1], CASE WHEN n % 7 = 0 THEN NULL ELSE E'line 1\nline 2\t' || n END
  FROM generate_series(1, 1000) n;
INSERT INTO order_items (order_id, product_id, quantity)
  SELECT o.id, ((o.id - 1) * 3 + j) % 200 + 1, j + 1 FROM orders o CROSS JOIN generate_series(0, 2) j;
INSERT INTO "select" (name, value) VALUES ('from', 'where'), ('null', NULL);
SQL

export DB_ENGINE=postgresql DB_HOST=127.0.0.1 DB_USER="$APP_USER" DB_PASSWORD="$APP_PASSWORD" DB_NAME="$DB"
export S3_BUCKET="$BUCKET" AWS_REGION=us-east-1 S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
chmod 777 "$TMPDIR"
s3() { aws --region "$AWS_REGION" --endpoint-url "$S3_ENDPOINT" "$@"; }

say "backup and upload"
mkdir -p "$work/backup"
DB_PORT=$SOURCE_PORT BACKUP_DIR="$work/backup" bash "$scripts/backup.sh"
BACKUP_DIR="$work/backup" RETENTION_DAYS=30 bash "$scripts/upload.sh"
backup_file="$(cat "$work/backup/backup.latest")"
s3 s3api list-objects-v2 --bucket "$BUCKET" --prefix postgresql/ --query 'Contents[].Key' --output text | tr '\t' '\n' |
  grep -qx "postgresql/$backup_file" || die "the new backup is not in the bucket"

say "restore procedure into the target server"
mkdir -p "$work/restore"
export DB_PORT=$TARGET_PORT BACKUP_DIR="$work/restore"
BACKUP_NAME_PREFIX=pre-restore bash "$scripts/backup.sh"
BACKUP_NAME_PREFIX=pre-restore bash "$scripts/upload.sh"
bash "$scripts/fetch.sh"
[ "$(cat "$work/restore/restore.source")" = "$backup_file" ] || die "fetch.sh did not pick the newest backup"
CONFIRM=RESTORE bash "$scripts/restore.sh"
unset DB_PORT BACKUP_DIR

say "comparing source and restored databases"
tables="$(app_sql "$SOURCE_PORT" -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")"
[ "$(wc -l <<< "$tables")" -eq 6 ] || die "expected 6 fixture tables, got: $tables"
compared=0
while IFS= read -r table; do
  for port in "$SOURCE_PORT" "$TARGET_PORT"; do
    printf '%s %s\n' "$(app_sql "$port" -c "SELECT count(*) FROM \"$table\"")" \
      "$(app_sql "$port" -c "SELECT t::text FROM \"$table\" t" | LC_ALL=C sort | sha256sum | cut -c1-16)"
  done > "$work/compare"
  printf '%-12s %s\n' "$table" "$(head -n 1 "$work/compare")"
  [ "$(sed -n 1p "$work/compare")" = "$(sed -n 2p "$work/compare")" ] ||
    die "table $table differs: source $(sed -n 1p "$work/compare"), restored $(sed -n 2p "$work/compare")"
  compared=$((compared + 1))
done <<< "$tables"
[ "$(app_sql "$TARGET_PORT" -c 'SELECT count(*) FROM users')" -eq 500 ] || die "the restored users are missing"
[ "$(app_sql "$TARGET_PORT" -c "SELECT count(*) FROM paid_orders")" = "$(app_sql "$SOURCE_PORT" -c "SELECT count(*) FROM paid_orders")" ] ||
  die "the view differs after restore"
app_sql "$TARGET_PORT" -c "INSERT INTO orders (user_id, status) VALUES (1, 'paid')"
[ "$(app_sql "$TARGET_PORT" -c "SELECT count(*) FROM audit_log")" -eq 1001 ] || die "the trigger did not survive the restore"

say "restore verification in a scratch server"
mkdir -p "$work/verify" "$work/scratch"
chown -R "$(stat -c %U "$work")" "$work/verify" "$work/scratch" "$work/restore" "$TMPDIR"
verify() {
  (unset DB_HOST DB_USER DB_PASSWORD DB_NAME; export BACKUP_DIR="$work/verify" SCRATCH_DIR="$work/scratch"
    bash "$scripts/fetch.sh" && "${as_db[@]}" env PATH="$PATH" DB_ENGINE="$DB_ENGINE" BACKUP_DIR="$BACKUP_DIR" SCRATCH_DIR="$SCRATCH_DIR" \
      TMPDIR="$TMPDIR" bash "$scripts/verify.sh")
}
verify

say "the check can fail"
gzip -dc "$work/backup/$backup_file" |
  sed 's/^\(-- backup-manifest table\t[^\t]*users\t[0-9]*\t\)500$/\1501/' | gzip > "$work/tampered.sql.gz"
gzip -dc "$work/tampered.sql.gz" | grep -q "users	[0-9]*	501$" || die "could not tamper with the manifest"
s3 s3 cp "$work/tampered.sql.gz" "s3://$BUCKET/postgresql/backup-29991231-235959.sql.gz" --only-show-errors
rm -rf "$work/verify/"* "$work/scratch/"*
if verify 2> "$work/err.log"; then
  die "verify.sh accepted a backup whose rows do not match its manifest"
fi
grep -q '500 rows restored, 501 in the backup' "$work/err.log" || die "verify.sh failed for another reason: $(cat "$work/err.log")"
echo "verify.sh rejects a row count mismatch"

printf '\ne2e-backup-postgres: %d tables restored identically, verification passed, a tampered backup rejected\n' "$compared"
