#!/usr/bin/env bash
# Regenerates the typed CRD bindings in imports/ from the upstream CRD files.
#
# `cdk8s import` writes one module per API group, so CRDs of the same group are joined into one
# multi-document file first; importing them one by one would make the last file overwrite the rest.
# The CRD files are read from CRD_DIR (default ../shared/crds) and never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
crd_dir="${CRD_DIR:-../shared/crds}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# group  files...
import_group() {
  local group="$1"; shift
  local joined="$work/$group.yaml"
  : >"$joined"
  for f in "$@"; do
    cat "$crd_dir/$f" >>"$joined"
    printf '\n---\n' >>"$joined"
  done
  npx cdk8s import --no-check-upgrade --no-save --output imports "$joined"
}

import_group cert-manager.io cert-manager.io_certificates.yaml
import_group monitoring.coreos.com \
  monitoring.coreos.com_prometheusrules.yaml \
  monitoring.coreos.com_servicemonitors.yaml \
  monitoring.coreos.com_podmonitors.yaml \
  monitoring.coreos.com_probes.yaml \
  monitoring.coreos.com_alertmanagerconfigs.yaml
import_group argoproj.io application-crd.yaml appproject-crd.yaml \
  argoproj.io_rollouts-crd.yaml argoproj.io_analysistemplates-crd.yaml
import_group chaos-mesh.org chaos-mesh.org_podchaos.yaml
import_group keda.sh keda.sh_scaledobjects.yaml keda.sh_triggerauthentications.yaml
