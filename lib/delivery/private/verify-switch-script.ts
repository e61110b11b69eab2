/**
 * The verification hook's script: POSIX sh with curl, sed and awk only (busybox in curlimages/curl), so the
 * same text runs in the Job and, in CI, against a real Prometheus and a recording HTTP server.
 *
 * Configured by environment variables only (see VERIFY_SWITCH_ENV); KUBE_API, KUBE_TOKEN_FILE and
 * KUBE_CA_FILE default to the in-cluster service account.
 */

/** Environment variables the script reads, each set on the Job's container. */
export const VERIFY_SWITCH_ENV = [
  'NAMESPACE', 'SERVICE', 'COLOUR_LABEL', 'TARGET_COLOUR', 'TARGET_VERSION', 'PREVIOUS_COLOUR', 'PREVIOUS_VERSION',
  'PROMETHEUS_URL', 'BAKE_SECONDS', 'INTERVAL_SECONDS', 'ERROR_RATIO_QUERY', 'ERROR_RATIO_MAX', 'LATENCY_QUERY', 'LATENCY_MAX_SECONDS',
  'ANNOTATION_VERIFIED', 'ANNOTATION_ROLLED_BACK', 'ANNOTATION_REASON', 'ROLLBACK_COMMAND',
] as const;

export const VERIFY_SWITCH_SCRIPT = String.raw`#!/bin/sh
# Verified blue/green switch: watch the colour the last sync made live; on an SLO breach, point the live
# Service back at the previous colour, record why on the Service (an alert reads it) and fail.
set -eu

api="${'$'}{KUBE_API:-https://kubernetes.default.svc}"
token_file="${'$'}{KUBE_TOKEN_FILE:-/var/run/secrets/kubernetes.io/serviceaccount/token}"
ca_file="${'$'}{KUBE_CA_FILE:-/var/run/secrets/kubernetes.io/serviceaccount/ca.crt}"
service_url="$api/api/v1/namespaces/$NAMESPACE/services/$SERVICE"
target="$TARGET_COLOUR:$TARGET_VERSION"
previous="$PREVIOUS_COLOUR:$PREVIOUS_VERSION"

log() { printf '%s verify-switch: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

kube() {
  # kube METHOD [BODY]: one request to the live Service; prints the response body.
  if [ "$#" -gt 1 ]; then
    curl -fsS --max-time 10 --cacert "$ca_file" -H "Authorization: Bearer $(cat "$token_file")" \
      -X "$1" -H 'Content-Type: application/merge-patch+json' --data "$2" "$service_url"
  else
    curl -fsS --max-time 10 --cacert "$ca_file" -H "Authorization: Bearer $(cat "$token_file")" -X "$1" "$service_url"
  fi
}

# json_string KEY JSON: the string value of the first "KEY":"..." in compact JSON.
json_string() {
  key="$(printf '%s' "$1" | sed 's/[.\/]/\\&/g')"
  printf '%s' "$2" | sed -n "s/.*\"$key\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# query PROMQL: the value of the first sample, or nothing when there is none (no traffic, no series).
query() {
  body="$(curl -fsS --max-time 10 --get --data-urlencode "query=$1" "$PROMETHEUS_URL/api/v1/query")" || { log "Prometheus did not answer" >&2; return 0; }
  value="$(printf '%s' "$body" | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p' | head -n 1)"
  case "$value" in
    ''|NaN|+Inf|-Inf) ;;
    *) printf '%s' "$value" ;;
  esac
}

above() { awk -v v="$1" -v max="$2" 'BEGIN { exit !(v + 0 > max + 0) }'; }

current="$(kube GET)"
selector="$(printf '%s' "$current" | sed -n 's/.*"selector":{\([^}]*\)}.*/\1/p')"
live="$(json_string "$COLOUR_LABEL" "{$selector}")"
verified="$(json_string "$ANNOTATION_VERIFIED" "$current")"
rolled_back="$(json_string "$ANNOTATION_ROLLED_BACK" "$current")"

if [ "$live" != "$TARGET_COLOUR" ]; then
  if [ "${'$'}{rolled_back%% *}" = "$target" ]; then
    log "$target was rolled back to $live earlier and git still makes it live; run: $ROLLBACK_COMMAND"
  else
    log "the live Service selects '$live', but this sync made $TARGET_COLOUR live; not touching it"
  fi
  exit 1
fi

if [ "$verified" = "$target" ]; then
  log "$target is live and was verified before; nothing to watch"
  if [ -n "$rolled_back" ]; then
    # Git agrees again (the rollback was committed): clear the record so ReleaseRolledBack resolves.
    kube PATCH "{\"metadata\":{\"annotations\":{\"$ANNOTATION_ROLLED_BACK\":null,\"$ANNOTATION_REASON\":null}}}" >/dev/null
    log "cleared the rollback record of $rolled_back"
  fi
  exit 0
fi

log "watching $target for ${'$'}{BAKE_SECONDS}s (error ratio <= $ERROR_RATIO_MAX, latency <= ${'$'}{LATENCY_MAX_SECONDS}s); previous release $previous"
start="$(date +%s)"
measured=0
while :; do
  now="$(date +%s)"
  elapsed=$((now - start))
  [ "$elapsed" -lt "$BAKE_SECONDS" ] || break
  errors="$(query "$ERROR_RATIO_QUERY")"
  latency="$(query "$LATENCY_QUERY")"
  breach=""
  if [ -n "$errors" ] && above "$errors" "$ERROR_RATIO_MAX"; then
    breach="error_ratio $errors above $ERROR_RATIO_MAX"
  elif [ -n "$latency" ] && above "$latency" "$LATENCY_MAX_SECONDS"; then
    breach="latency ${'$'}{latency}s above ${'$'}{LATENCY_MAX_SECONDS}s"
  fi
  if [ -n "$errors$latency" ]; then
    measured=$((measured + 1))
  fi
  log "after ${'$'}{elapsed}s: error_ratio=${'$'}{errors:-none} latency=${'$'}{latency:-none}"
  if [ -n "$breach" ]; then
    log "BREACH: $breach; switching $SERVICE back to $PREVIOUS_COLOUR"
    kube PATCH "{\"spec\":{\"selector\":{\"$COLOUR_LABEL\":\"$PREVIOUS_COLOUR\"}},\"metadata\":{\"annotations\":{\"$ANNOTATION_ROLLED_BACK\":\"$target to $previous\",\"$ANNOTATION_REASON\":\"$breach\"}}}" >/dev/null
    log "rolled back: $SERVICE selects $PREVIOUS_COLOUR ($previous) again"
    log "make git agree, then commit and sync: $ROLLBACK_COMMAND"
    exit 1
  fi
  sleep "$INTERVAL_SECONDS"
done

if [ "$measured" -eq 0 ]; then
  log "no traffic measured on $target during the bake; leaving it live, unverified"
  exit 0
fi
kube PATCH "{\"metadata\":{\"annotations\":{\"$ANNOTATION_VERIFIED\":\"$target\",\"$ANNOTATION_ROLLED_BACK\":null,\"$ANNOTATION_REASON\":null}}}" >/dev/null
log "$target stayed within its thresholds for ${'$'}{BAKE_SECONDS}s: verified"
`;
