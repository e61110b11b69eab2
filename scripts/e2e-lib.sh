# shellcheck shell=bash
# Helpers the database end-to-end scripts share (sourced; they set E2E_NAME and the pids array first).

say() { printf '\n-- %s\n' "$*"; }
die() { printf '%s: FAILED: %s\n' "$E2E_NAME" "$*" >&2; exit 1; }

# wait_for_port PORT [PID]: until something accepts on 127.0.0.1:PORT. With PID, that process must still
# run: a server that could not bind (the port already taken) fails here instead of the test talking to
# whatever holds the port.
wait_for_port() {
  local port="$1" pid="${2:-}" _
  for _ in $(seq 1 60); do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      die "the server for 127.0.0.1:$port exited (is the port taken?)"
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  die "nothing listens on 127.0.0.1:$port after 30 s"
}

# wait_for_socket FILE PID: until the server PID (still running) has created its Unix socket FILE. A server
# that cannot bind its port exits before it gets here, even when another process answers on that port.
wait_for_socket() {
  local _
  for _ in $(seq 1 60); do
    kill -0 "$2" 2>/dev/null || die "the server that should create $1 exited (is its port taken?)"
    [ ! -S "$1" ] || return 0
    sleep 0.5
  done
  die "no socket $1 after 30 s"
}

# extract_backup_scripts MANIFEST DIR: writes each file of the backup scripts ConfigMap into DIR.
extract_backup_scripts() {
  mkdir -p "$2"
  node -e '
    const fs = require("fs");
    const YAML = require("yaml");
    const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJSON());
    const cm = docs.find((d) => d && d.kind === "ConfigMap" && /-scripts$/.test(d.metadata.name) && d.data && d.data["backup.sh"]);
    if (!cm) { console.error("no backup scripts ConfigMap in " + process.argv[1]); process.exit(1); }
    for (const [key, text] of Object.entries(cm.data)) fs.writeFileSync(process.argv[2] + "/" + key, text);
    console.log(Object.keys(cm.data).sort().join(" "));
  ' "$1" "$2"
}

# start_s3rver PORT BUCKET DIR: an S3-compatible server (npm s3rver) on 127.0.0.1:PORT with BUCKET, data in DIR.
start_s3rver() {
  mkdir -p "$3"
  node node_modules/s3rver/bin/s3rver.js --directory "$3" --address 127.0.0.1 --port "$1" --silent \
    --configure-bucket "$2" &
  pids+=($!)
  wait_for_port "$1" "$!"
}
