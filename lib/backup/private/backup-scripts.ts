/**
 * The shell the backup, restore and verification containers run, rendered into a ConfigMap so it can be
 * read, linted (`shellcheck`) and run outside Kubernetes: CI runs these exact scripts against a real
 * MariaDB and an S3-compatible server (`scripts/e2e-backup.sh`).
 *
 * Every script takes its settings from environment variables only (listed in its header) and runs with
 * `bash <script>`; `common.sh` is sourced from the same directory. The dump side needs the database's
 * client tools (the `mysql` or `postgres` image), the transfer side only the AWS CLI (the `amazon/aws-cli`
 * image, bash 4.2: no empty arrays under `set -u` there).
 */

/**
 * Template tag for script text: the text is taken raw (a `\n` stays a backslash and an `n`, as the shell
 * expects), `\${` stands for `${` and `` \` `` for a backtick. Interpolation is refused so no TypeScript
 * value can leak into a script by accident.
 */
function sh(strings: TemplateStringsArray, ...values: never[]): string {
  if (values.length > 0 || strings.raw.length !== 1) {
    throw new Error('script templates take no substitutions: write \\${ for a shell expansion');
  }
  return strings.raw[0].replace(/\\\$\{/g, '${').replace(/\\`/g, '`').replace(/^\n/, '');
}

/** Keys of the scripts ConfigMap, in the order a reader should take them. */
export const BACKUP_SCRIPT_NAMES = ['common.sh', 'backup.sh', 'upload.sh', 'fetch.sh', 'restore.sh', 'verify.sh'] as const;

/** One of the generated scripts. */
export type BackupScriptName = typeof BACKUP_SCRIPT_NAMES[number];

const COMMON = sh`
# Shared by the backup, upload, fetch, restore and verify scripts; sourced, never run on its own.
# shellcheck shell=bash

# Constants for the scripts that source this file.
# shellcheck disable=SC2034
{
# Object names as backup.sh writes them; retention never touches anything else under the prefix.
BACKUP_NAME_PATTERN='^backup-[0-9]{8}-[0-9]{6}\.sql\.gz$'
# Last line of every backup: the manifest appended after the dump (see backup.sh).
MANIFEST_END='-- backup-manifest end'
BACKTICK='\`'
}

# SQL quoting: a string literal, a MySQL identifier, a PostgreSQL identifier.
sql_literal() { local q="'"; printf "'%s'" "\${1//$q/$q$q}"; }
mysql_ident() { printf '%s%s%s' "$BACKTICK" "\${1//$BACKTICK/$BACKTICK$BACKTICK}" "$BACKTICK"; }
pg_ident() { local q='"'; printf '"%s"' "\${1//$q/$q$q}"; }

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# Fails unless every named variable is set and not empty.
require() {
  local name
  for name in "$@"; do
    [ -n "\${!name:-}" ] || fail "$name must be set"
  done
}

file_size() { wc -c < "$1" | tr -d ' '; }

# Key prefix in the bucket: mysql/ or postgresql/ (mysql/backup-YYYYmmdd-HHMMSS.sql.gz).
s3_prefix() { printf '%s' "\${S3_PREFIX:-$DB_ENGINE}"; }

# The AWS CLI with the configured region and, for S3-compatible stores, endpoint.
aws_s3() {
  if [ -n "\${S3_ENDPOINT:-}" ]; then
    aws --region "$AWS_REGION" --endpoint-url "$S3_ENDPOINT" "$@"
  else
    aws --region "$AWS_REGION" "$@"
  fi
}

# Connection settings. DB_SOCKET (a socket file for MySQL, a socket directory for PostgreSQL) replaces
# DB_HOST/DB_PORT; the password goes into a client option file, never onto a command line.
db_connect() {
  require DB_ENGINE DB_USER DB_NAME
  [ -n "\${DB_SOCKET:-}" ] || require DB_HOST
  case "$DB_ENGINE" in
    mysql)
      MYSQL_OPTIONS="$(mktemp "\${TMPDIR:-/tmp}/client.XXXXXX")"
      chmod 600 "$MYSQL_OPTIONS"
      local password="\${DB_PASSWORD:-}"
      password="\${password//\\/\\\\}"
      password="\${password//\"/\\\"}"
      {
        # utf8mb4 explicitly: some clients still default to 3-byte utf8, which mangles emoji and such.
        printf '[client]\nuser=%s\npassword="%s"\ndefault-character-set=utf8mb4\n' "$DB_USER" "$password"
        if [ -n "\${DB_SOCKET:-}" ]; then
          printf 'socket=%s\n' "$DB_SOCKET"
        else
          printf 'host=%s\nport=%s\nprotocol=TCP\n' "$DB_HOST" "\${DB_PORT:-3306}"
        fi
      } > "$MYSQL_OPTIONS"
      ;;
    postgresql)
      export PGHOST="\${DB_SOCKET:-$DB_HOST}" PGPORT="\${DB_PORT:-5432}" PGUSER="$DB_USER" PGPASSWORD="\${DB_PASSWORD:-}"
      ;;
    *) fail "DB_ENGINE must be mysql or postgresql, got '$DB_ENGINE'" ;;
  esac
}

# Runs SQL against DATABASE (default DB_NAME); prints tab-separated rows without a header.
db_sql() {
  local sql="$1" database="\${2-$DB_NAME}"
  case "$DB_ENGINE" in
    mysql)
      if [ -n "$database" ]; then
        mysql --defaults-extra-file="$MYSQL_OPTIONS" --batch --skip-column-names --database="$database" -e "$sql"
      else
        mysql --defaults-extra-file="$MYSQL_OPTIONS" --batch --skip-column-names -e "$sql"
      fi
      ;;
    postgresql) psql -X -q -v ON_ERROR_STOP=1 -A -t -F "$(printf '\t')" -d "$database" -c "$sql" ;;
  esac
}

# The dump as SQL on stdout: one consistent snapshot, with routines, triggers and events.
db_dump() {
  case "$DB_ENGINE" in
    mysql)
      local extra=(--no-tablespaces)
      # Oracle's mysqldump records GTID_PURGED, which fails to load into a server with its own GTID
      # history (the scratch and the restore target); MariaDB's client has no such option.
      if mysqldump --help 2>/dev/null | grep -q -- '--set-gtid-purged'; then
        extra+=(--set-gtid-purged=OFF)
      fi
      # --no-tablespaces: since MySQL 8.0.21 dumping tablespaces needs the PROCESS privilege.
      mysqldump --defaults-extra-file="$MYSQL_OPTIONS" --single-transaction --quick --lock-tables=false \
        --routines --triggers --events "\${extra[@]}" "$DB_NAME"
      ;;
    postgresql) pg_dump --no-owner --no-privileges "$DB_NAME" ;;
  esac
}

# Line the dump tool writes last when the dump ran to completion.
dump_complete_marker() {
  case "$DB_ENGINE" in
    mysql) printf '%s' '-- Dump completed' ;;
    postgresql) printf '%s' '-- PostgreSQL database dump complete' ;;
  esac
}

# Tab-separated "table columns rows" of every base table, sorted by table.
db_table_counts() {
  local table columns rows schema name
  case "$DB_ENGINE" in
    mysql)
      db_sql "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name" |
        while IFS= read -r table; do
          columns="$(db_sql "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = $(sql_literal "$table")")"
          rows="$(db_sql "SELECT COUNT(*) FROM $(mysql_ident "$table")")"
          printf '%s\t%s\t%s\n' "$table" "$columns" "$rows"
        done
      ;;
    postgresql)
      db_sql "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1, 2" |
        while IFS="$(printf '\t')" read -r schema name; do
          columns="$(db_sql "SELECT count(*) FROM information_schema.columns WHERE table_schema = $(sql_literal "$schema") AND table_name = $(sql_literal "$name")")"
          rows="$(db_sql "SELECT count(*) FROM $(pg_ident "$schema").$(pg_ident "$name")")"
          printf '%s.%s\t%s\t%s\n' "$schema" "$name" "$columns" "$rows"
        done
      ;;
  esac
}

# Drops and recreates DB_NAME, empty (utf8mb4 for MySQL).
db_recreate() {
  case "$DB_ENGINE" in
    mysql)
      db_sql "DROP DATABASE IF EXISTS $(mysql_ident "$DB_NAME"); CREATE DATABASE $(mysql_ident "$DB_NAME") CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ''
      ;;
    postgresql)
      db_sql "DROP DATABASE IF EXISTS $(pg_ident "$DB_NAME") WITH (FORCE)" postgres
      db_sql "CREATE DATABASE $(pg_ident "$DB_NAME")" postgres
      ;;
  esac
}

# Loads SQL from stdin into DB_NAME, stopping at the first error.
db_load() {
  case "$DB_ENGINE" in
    mysql) mysql --defaults-extra-file="$MYSQL_OPTIONS" "$DB_NAME" ;;
    postgresql) psql -X -q -v ON_ERROR_STOP=1 -d "$DB_NAME" > /dev/null ;;
  esac
}

# Fails unless FILE is a complete backup: not empty, valid gzip, ending with the manifest.
check_backup_file() {
  local file="$1" last
  [ -s "$file" ] || fail "$file is missing or empty"
  gzip -t "$file" || fail "$file is not a valid gzip file"
  last="$(gzip -dc "$file" | tail -n 1)"
  case "$last" in
    "$MANIFEST_END"*) ;;
    *) fail "$file has no manifest at its end: the backup is truncated" ;;
  esac
}

# The manifest of a backup file as tab-separated "table columns rows".
backup_manifest() {
  gzip -dc "$1" | sed -n 's/^-- backup-manifest table\t//p'
}
`;

const BACKUP = sh`
#!/bin/bash
# Dumps DB_NAME into BACKUP_DIR/<BACKUP_NAME_PREFIX>-YYYYmmdd-HHMMSS.sql.gz, proves the file complete, and
# writes its name to BACKUP_DIR/<BACKUP_NAME_PREFIX>.latest for upload.sh.
#
# The dump is followed by a manifest (a second gzip member of SQL comments: every table with its column
# and row count, counted just before the dump) that restore.sh checks the restored database against.
#
# Environment: DB_ENGINE (mysql|postgresql), DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME, BACKUP_DIR,
# BACKUP_NAME_PREFIX (default backup; the restore Job's safety dump uses pre-restore).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require DB_ENGINE DB_NAME BACKUP_DIR
db_connect
prefix="\${BACKUP_NAME_PREFIX:-backup}"
file="$prefix-$(date -u +%Y%m%d-%H%M%S).sql.gz"
path="$BACKUP_DIR/$file"
manifest="$(mktemp "\${TMPDIR:-/tmp}/manifest.XXXXXX")"

log "counting the rows of $DB_NAME"
db_table_counts > "$manifest"
log "dumping $DB_NAME to $path"
db_dump | gzip > "$path.partial"

[ -s "$path.partial" ] || fail "the dump is empty"
gzip -t "$path.partial" || fail "the dump is not a valid gzip file"
marker="$(dump_complete_marker)"
gzip -dc "$path.partial" | tail -n 5 | grep -q -- "$marker" || fail "the dump did not run to completion (no '$marker' line)"

tables="$(wc -l < "$manifest" | tr -d ' ')"
{
  printf -- '-- backup-manifest begin\n'
  sed 's/^/-- backup-manifest table\t/' "$manifest"
  printf -- '%s %s tables\n' "$MANIFEST_END" "$tables"
} | gzip >> "$path.partial"
mv "$path.partial" "$path"
check_backup_file "$path"
printf '%s\n' "$file" > "$BACKUP_DIR/$prefix.latest"
log "backup created: $file ($(file_size "$path") bytes, $tables tables)"
`;

const UPLOAD = sh`
#!/bin/bash
# Uploads the file backup.sh named in BACKUP_DIR/<BACKUP_NAME_PREFIX>.latest to
# s3://S3_BUCKET/<engine>/<file> with server-side encryption, checks the stored size, writes the key to
# BACKUP_DIR/<BACKUP_NAME_PREFIX>.uploaded, then deletes backups older than RETENTION_DAYS.
#
# Environment: DB_ENGINE, BACKUP_DIR, S3_BUCKET, AWS_REGION, S3_ENDPOINT (S3-compatible stores; empty for
# AWS), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, BACKUP_NAME_PREFIX (default backup), RETENTION_DAYS
# (empty: keep everything), S3_PREFIX (default: DB_ENGINE).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require DB_ENGINE BACKUP_DIR S3_BUCKET AWS_REGION
prefix="\${BACKUP_NAME_PREFIX:-backup}"
[ -s "$BACKUP_DIR/$prefix.latest" ] || fail "$BACKUP_DIR/$prefix.latest is missing: backup.sh did not finish"
file="$(cat "$BACKUP_DIR/$prefix.latest")"
path="$BACKUP_DIR/$file"
[ -s "$path" ] || fail "$path is missing or empty"
key="$(s3_prefix)/$file"

log "uploading $file to s3://$S3_BUCKET/$key"
aws_s3 s3 cp "$path" "s3://$S3_BUCKET/$key" --sse AES256 --only-show-errors

read -r stored_size stored_sse < <(aws_s3 s3api head-object --bucket "$S3_BUCKET" --key "$key" \
  --query '[ContentLength, ServerSideEncryption]' --output text) || fail "s3://$S3_BUCKET/$key is not in the store"
local_size="$(file_size "$path")"
[ "$stored_size" = "$local_size" ] || fail "s3://$S3_BUCKET/$key holds $stored_size bytes, expected $local_size"
case "$stored_sse" in
  AES256|aws:kms) ;;
  None|'') log "warning: the store did not report server-side encryption for $key" ;;
  *) fail "unexpected server-side encryption '$stored_sse' on $key" ;;
esac
printf '%s\n' "$key" > "$BACKUP_DIR/$prefix.uploaded"
log "upload verified: s3://$S3_BUCKET/$key ($stored_size bytes)"

if [ -n "\${RETENTION_DAYS:-}" ]; then
  [[ "$RETENTION_DAYS" =~ ^[1-9][0-9]*$ ]] || fail "RETENTION_DAYS must be a positive integer, got '$RETENTION_DAYS'"
  cutoff="$(date -u -d "$RETENTION_DAYS days ago" +%Y%m%d)"
  log "deleting backups from before $cutoff ($RETENTION_DAYS days)"
  aws_s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$(s3_prefix)/backup-" --query 'Contents[].Key' --output text |
    tr '\t' '\n' |
    while IFS= read -r old; do
      name="\${old##*/}"
      [[ "$name" =~ $BACKUP_NAME_PATTERN ]] || continue
      [ "$old" != "$key" ] || continue
      if [ "\${name:7:8}" -lt "$cutoff" ]; then
        log "deleting $old"
        aws_s3 s3 rm "s3://$S3_BUCKET/$old" --only-show-errors
      fi
    done
fi
`;

const FETCH = sh`
#!/bin/bash
# Downloads a backup into BACKUP_DIR, checks its size against the store, and writes its file name to
# BACKUP_DIR/restore.source for restore.sh.
#
# Environment: DB_ENGINE, BACKUP_DIR, S3_BUCKET, AWS_REGION, S3_ENDPOINT, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, S3_PREFIX, RESTORE_BACKUP (a file name such as backup-20240315-120000.sql.gz, or
# latest: the newest backup; default latest).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require DB_ENGINE BACKUP_DIR S3_BUCKET AWS_REGION
wanted="\${RESTORE_BACKUP:-latest}"
available="$(aws_s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$(s3_prefix)/backup-" --query 'Contents[].Key' --output text |
  tr '\t' '\n' | sed 's|.*/||' | grep -E "$BACKUP_NAME_PATTERN" | sort || true)"
[ -n "$available" ] || fail "no backups under s3://$S3_BUCKET/$(s3_prefix)/"
if [ "$wanted" = latest ]; then
  file="$(printf '%s\n' "$available" | tail -n 1)"
else
  file="$wanted"
  if ! printf '%s\n' "$available" | grep -qxF -- "$file"; then
    log "available backups:"
    printf '%s\n' "$available" >&2
    fail "no backup named '$file'"
  fi
fi
key="$(s3_prefix)/$file"

log "downloading s3://$S3_BUCKET/$key"
aws_s3 s3 cp "s3://$S3_BUCKET/$key" "$BACKUP_DIR/$file" --only-show-errors
stored_size="$(aws_s3 s3api head-object --bucket "$S3_BUCKET" --key "$key" --query ContentLength --output text)"
[ "$(file_size "$BACKUP_DIR/$file")" = "$stored_size" ] || fail "downloaded $(file_size "$BACKUP_DIR/$file") bytes of $key, the store holds $stored_size"
printf '%s\n' "$file" > "$BACKUP_DIR/restore.source"
log "downloaded $file ($stored_size bytes)"
`;

const RESTORE = sh`
#!/bin/bash
# Replaces DB_NAME with the backup fetch.sh downloaded (the disaster recovery restore), then checks the
# restored tables, columns and row counts against the backup's manifest.
#
# Destructive, so it refuses to run unless CONFIRM=RESTORE (the seed's confirmation word) and, for a real
# database, a safety dump of the current contents has been uploaded first (BACKUP_DIR/pre-restore.uploaded,
# written by backup.sh + upload.sh with BACKUP_NAME_PREFIX=pre-restore). SAFETY_DUMP=skip is for scratch
# databases only.
#
# Environment: DB_ENGINE, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME (or DB_SOCKET), BACKUP_DIR,
# CONFIRM, SAFETY_DUMP (required|skip; default required), ROW_COUNT_TOLERANCE_PERCENT (default 0).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require DB_ENGINE DB_NAME BACKUP_DIR
[ "\${CONFIRM:-}" = RESTORE ] || fail "refusing to replace database $DB_NAME: set CONFIRM=RESTORE"
case "\${SAFETY_DUMP:-required}" in
  required)
    [ -s "$BACKUP_DIR/pre-restore.uploaded" ] ||
      fail "no safety dump of $DB_NAME was uploaded: run backup.sh and upload.sh with BACKUP_NAME_PREFIX=pre-restore first"
    log "safety dump of the current database: $(cat "$BACKUP_DIR/pre-restore.uploaded")"
    ;;
  skip) log "no safety dump (scratch database)" ;;
  *) fail "SAFETY_DUMP must be required or skip, got '$SAFETY_DUMP'" ;;
esac
tolerance="\${ROW_COUNT_TOLERANCE_PERCENT:-0}"
[[ "$tolerance" =~ ^[0-9]+$ ]] || fail "ROW_COUNT_TOLERANCE_PERCENT must be a whole number, got '$tolerance'"
[ -s "$BACKUP_DIR/restore.source" ] || fail "$BACKUP_DIR/restore.source is missing: fetch.sh did not finish"
file="$(cat "$BACKUP_DIR/restore.source")"
path="$BACKUP_DIR/$file"
check_backup_file "$path"
db_connect

expected="$(mktemp "\${TMPDIR:-/tmp}/expected.XXXXXX")"
actual="$(mktemp "\${TMPDIR:-/tmp}/actual.XXXXXX")"
backup_manifest "$path" > "$expected"

log "recreating database $DB_NAME"
db_recreate
log "restoring $file into $DB_NAME"
gzip -dc "$path" | db_load

log "checking the restored database against the manifest ($(wc -l < "$expected" | tr -d ' ') tables)"
db_table_counts > "$actual"
if [ "$(cut -f1,2 "$expected")" != "$(cut -f1,2 "$actual")" ]; then
  log "tables and column counts (table, columns) in the backup:"
  cut -f1,2 "$expected" >&2
  log "restored:"
  cut -f1,2 "$actual" >&2
  fail "the restored schema does not match the backup"
fi
awk -F '\t' -v tolerance="$tolerance" '
  NR == FNR { rows[$1] = $3; next }
  {
    allowed = int((rows[$1] * tolerance + 99) / 100)
    difference = $3 - rows[$1]
    if (difference < 0) difference = -difference
    if (difference > allowed) {
      printf "%s: %d rows restored, %d in the backup (allowed difference %d)\n", $1, $3, rows[$1], allowed > "/dev/stderr"
      bad = 1
    }
  }
  END { exit bad }
' "$expected" "$actual" || fail "restored row counts do not match the backup"
log "restore complete: $file into $DB_NAME, $(wc -l < "$actual" | tr -d ' ') tables match the manifest"
`;

const VERIFY = sh`
#!/bin/bash
# Proves the newest backup restores: starts a scratch database server inside this container (files under
# SCRATCH_DIR, a socket only, no TCP port), runs restore.sh into it and fails unless the schema and row
# counts match the backup's manifest. Run fetch.sh first.
#
# Environment: DB_ENGINE, BACKUP_DIR, SCRATCH_DIR, ROW_COUNT_TOLERANCE_PERCENT, DB_NAME (default verify).
set -euo pipefail
here="$(dirname "$0")"
# shellcheck source=common.sh
. "$here/common.sh"

require DB_ENGINE BACKUP_DIR SCRATCH_DIR
data="$SCRATCH_DIR/data"
rm -rf "$data"
mkdir -p "$data"
as_root=()
if [ "$(id -u)" = 0 ]; then
  as_root=(--user=root)
fi

stop_server() {
  case "$DB_ENGINE" in
    mysql) [ ! -f "$SCRATCH_DIR/mysqld.pid" ] || kill "$(cat "$SCRATCH_DIR/mysqld.pid")" 2>/dev/null || true ;;
    postgresql) pg_ctl -D "$data" -m fast stop > /dev/null 2>&1 || true ;;
  esac
}
trap stop_server EXIT

log "starting a scratch $DB_ENGINE server in $SCRATCH_DIR"
case "$DB_ENGINE" in
  mysql)
    if command -v mariadb-install-db > /dev/null; then
      mariadb-install-db --no-defaults --datadir="$data" --auth-root-authentication-method=normal \
        --skip-test-db "\${as_root[@]}" > "$SCRATCH_DIR/init.log" 2>&1 || { cat "$SCRATCH_DIR/init.log" >&2; fail "initializing the scratch server failed"; }
    else
      mysqld --no-defaults --initialize-insecure --datadir="$data" "\${as_root[@]}" \
        > "$SCRATCH_DIR/init.log" 2>&1 || { cat "$SCRATCH_DIR/init.log" >&2; fail "initializing the scratch server failed"; }
    fi
    mysqld --no-defaults --datadir="$data" --socket="$SCRATCH_DIR/mysqld.sock" --pid-file="$SCRATCH_DIR/mysqld.pid" \
      --skip-networking --tmpdir="$SCRATCH_DIR" --secure-file-priv="$SCRATCH_DIR" --log-error="$SCRATCH_DIR/mysqld.log" \
      --loose-mysqlx=OFF "\${as_root[@]}" > /dev/null 2>&1 &
    for _ in $(seq 1 60); do
      if mysqladmin --no-defaults --socket="$SCRATCH_DIR/mysqld.sock" --user=root ping > /dev/null 2>&1; then
        break
      fi
      sleep 1
    done
    mysqladmin --no-defaults --socket="$SCRATCH_DIR/mysqld.sock" --user=root ping > /dev/null 2>&1 ||
      { cat "$SCRATCH_DIR/mysqld.log" >&2; fail "the scratch server did not start"; }
    export DB_SOCKET="$SCRATCH_DIR/mysqld.sock" DB_USER=root
    ;;
  postgresql)
    initdb -D "$data" -U postgres --auth=trust > "$SCRATCH_DIR/init.log" 2>&1 ||
      { cat "$SCRATCH_DIR/init.log" >&2; fail "initializing the scratch server failed"; }
    pg_ctl -D "$data" -l "$SCRATCH_DIR/postgres.log" -o "-c listen_addresses='' -k $SCRATCH_DIR" -w start > /dev/null ||
      { cat "$SCRATCH_DIR/postgres.log" >&2; fail "the scratch server did not start"; }
    export DB_SOCKET="$SCRATCH_DIR" DB_USER=postgres
    ;;
  *) fail "DB_ENGINE must be mysql or postgresql, got '$DB_ENGINE'" ;;
esac

export DB_PASSWORD='' DB_NAME="\${DB_NAME:-verify}" CONFIRM=RESTORE SAFETY_DUMP=skip
unset DB_HOST DB_PORT
bash "$here/restore.sh"
log "verification passed: $(cat "$BACKUP_DIR/restore.source") restores and matches its manifest"
`;

/** The scripts by ConfigMap key. */
export function backupScripts(): Record<BackupScriptName, string> {
  return {
    'common.sh': COMMON,
    'backup.sh': BACKUP,
    'upload.sh': UPLOAD,
    'fetch.sh': FETCH,
    'restore.sh': RESTORE,
    'verify.sh': VERIFY,
  };
}
