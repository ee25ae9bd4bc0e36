#!/usr/bin/env bash
# The abm inventory plugin with include_applecare: abm_applecare* vars on every host, groups keyed on them,
# one coverage request per host, and applecare_workers out of range failing the source.
set -eux

CONFIG="$(dirname "$INVENTORY_PATH")/integration_config.yml"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
ANSIBLE_ROLES_PATH="$(cd .. && pwd)"  # for setup_simulator
export ANSIBLE_ROLES_PATH

ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" setup.yml "$@"

ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/care.abm.yml" --list --output "$WORK/care.json"

if ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/badworkers.abm.yml" --list --output "$WORK/bad.json" 2> "$WORK/bad.err"; then
    echo "inventory with applecare_workers: 0 did not fail" >&2
    exit 1
fi
grep -q "applecare_workers: must be between 1 and 16, got 0" "$WORK/bad.err"

python -c '
import json, sys
def plain(value):
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
with open(sys.argv[1]) as f:
    data = plain(json.load(f))
with open(sys.argv[1], "w") as f:
    json.dump(data, f)
' "$WORK/care.json"

ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" verify.yml "$@"
