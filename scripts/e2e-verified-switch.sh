#!/usr/bin/env bash
# The verified blue/green switch end to end: the hook Job's script exactly as rendered into
# dist/<env>/delivery.k8s.yaml, against a real Prometheus (Debian's `prometheus`) evaluating the release-health
# recording rules exactly as rendered into dist/<env>/alerting.k8s.yaml, scraping a local exporter, and a real
# HTTP server standing in for the Kubernetes API that records every PATCH.
#
#   run 1: the new colour stays healthy for the bake time  -> exit 0, no selector patch, `verified` recorded;
#          run again                                       -> exit 0 at once (idempotent)
#   run 2: its error ratio jumps during the bake           -> exit 1, the live Service switched back (PATCH
#          recorded), the rollback command printed; run again -> exit 1 at once, no second PATCH
#
# Only the bake time and the check interval are shortened (and the rule group evaluated every second) so the
# run takes about a minute. Everything listens on 127.0.0.1. Needs prometheus, shellcheck, node, curl.
# Usage: scripts/e2e-verified-switch.sh [dist/<env>]
set -euo pipefail
cd "$(dirname "$0")/.."
env_dir="${1:-dist/prod}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

prom_port=19390
exporter_port=19391
api_port=19392
fail() { echo "FAIL: $*" >&2; exit 1; }

node scripts/e2e/extract-verify-switch.js "$env_dir" "$work"
shellcheck -s sh "$work/script.sh"
echo "hook script from $env_dir is shellcheck clean"
# shellcheck disable=SC1091
source "$work/env.sh"
echo "verifying $TARGET_COLOUR:$TARGET_VERSION (previous $PREVIOUS_COLOUR:$PREVIOUS_VERSION) of Service $NAMESPACE/$SERVICE"

# The rendered group is evaluated every second here (15 s in the cluster): same expressions, faster cadence.
sed -E 's/^( +interval: ).*/\11s/' "$work/rules.yaml" >"$work/rules-fast.yaml"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules-fast.yaml]
scrape_configs:
  - job_name: laravel-metrics
    honor_labels: true
    static_configs: [{ targets: ['127.0.0.1:$exporter_port'] }]
EOF
promtool check config "$work/prometheus.yml" >/dev/null

export MODE_FILE="$work/mode" RECORD_FILE="$work/requests.jsonl"
echo healthy >"$MODE_FILE"
: >"$RECORD_FILE"
node scripts/e2e/release-exporter.js "$exporter_port" &
pids+=($!)
node scripts/e2e/fake-kube-api.js "$api_port" "$NAMESPACE" "$SERVICE" "$TARGET_COLOUR" &
pids+=($!)
(cd "$work" && exec prometheus --config.file=prometheus.yml --storage.tsdb.path=tsdb --web.listen-address="127.0.0.1:$prom_port" \
  --log.level=warn >prometheus.log 2>&1) &
pids+=($!)

prom="http://127.0.0.1:$prom_port"
echo e2e-token >"$work/token"
: >"$work/ca.crt"
export PROMETHEUS_URL="$prom" KUBE_API="http://127.0.0.1:$api_port" KUBE_TOKEN_FILE="$work/token" KUBE_CA_FILE="$work/ca.crt"
export BAKE_SECONDS=20 INTERVAL_SECONDS=2

# Wait (bounded) until both recording rules have a sample for the target colour.
ready=""
for _ in $(seq 1 60); do
  e="$(curl -fsS --get --data-urlencode "query=$ERROR_RATIO_QUERY" "$prom/api/v1/query" 2>/dev/null || true)"
  l="$(curl -fsS --get --data-urlencode "query=$LATENCY_QUERY" "$prom/api/v1/query" 2>/dev/null || true)"
  if [[ "$e" == *'"value"'* && "$l" == *'"value"'* ]]; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || { cat "$work/prometheus.log" >&2; fail "Prometheus recorded no release-health series within 60 s"; }
echo "Prometheus records: $ERROR_RATIO_QUERY and $LATENCY_QUERY"

patches() { grep -c '"method":"PATCH"' "$RECORD_FILE" || true; }
selector_patches() { grep -c '"selector"' "$RECORD_FILE" || true; }

echo "== run 1: healthy release"
status=0
timeout 120 sh "$work/script.sh" >"$work/run1.log" 2>&1 || status=$?
cat "$work/run1.log"
[ "$status" -eq 0 ] || fail "healthy run exited $status"
[ "$(selector_patches)" -eq 0 ] || fail "healthy run patched the selector"
grep -q "\"delivery.ecommerce-platform/verified\":\"$TARGET_COLOUR:$TARGET_VERSION\"" "$RECORD_FILE" || fail "healthy run did not record the verified release"
before="$(patches)"
timeout 30 sh "$work/script.sh" >"$work/run1b.log" 2>&1 || fail "second healthy run failed: $(cat "$work/run1b.log")"
grep -q 'verified before' "$work/run1b.log" || fail "second healthy run watched again: $(cat "$work/run1b.log")"
[ "$(patches)" -eq "$before" ] || fail "second healthy run patched the Service"
echo "run 1: no rollback, release verified; re-run is a no-op"

echo "== run 2: error ratio jumps during the bake"
curl -fsS -X POST "http://127.0.0.1:$api_port/__reset"
: >"$RECORD_FILE"
status=0
timeout 120 sh "$work/script.sh" >"$work/run2.log" 2>&1 &
run=$!
sleep 4
echo errors >"$MODE_FILE"
wait "$run" || status=$?
cat "$work/run2.log"
[ "$status" -eq 1 ] || fail "breaching run exited $status, expected 1"
grep -q "\"selector\":{\"environment\":\"$PREVIOUS_COLOUR\"}" "$RECORD_FILE" || fail "no PATCH switching the selector back to $PREVIOUS_COLOUR was recorded"
grep -q "delivery.ecommerce-platform/rollback-reason\":\"error_ratio " "$RECORD_FILE" || fail "the breached measurement was not recorded"
grep -qF "$ROLLBACK_COMMAND" "$work/run2.log" || fail "the rollback command was not printed"
echo "recorded: $(grep '"selector"' "$RECORD_FILE")"
before="$(patches)"
status=0
timeout 30 sh "$work/script.sh" >"$work/run2b.log" 2>&1 || status=$?
cat "$work/run2b.log"
[ "$status" -eq 1 ] || fail "re-run after the rollback exited $status, expected 1"
[ "$(patches)" -eq "$before" ] || fail "re-run after the rollback patched the Service again"
echo "run 2: rolled back to $PREVIOUS_COLOUR with one PATCH; re-run fails at once without patching"
