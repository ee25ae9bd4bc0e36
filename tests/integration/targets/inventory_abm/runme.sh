#!/usr/bin/env bash
# The abm inventory plugin against the simulator: hosts, vars, groups, constructed options, cache,
# strict, and the request count (device pages + server list + one paged list per server + token).
set -eux

CONFIG="$(dirname "$INVENTORY_PATH")/integration_config.yml"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
ANSIBLE_ROLES_PATH="$(cd .. && pwd)"  # for setup_simulator
export ANSIBLE_ROLES_PATH

# 1. write the inventory files, reset the simulator, mark its log
ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" setup.yml "$@"

# 2. the inventory, and the same again from the cache
ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/fleet.abm.yml" --list --output "$WORK/fleet.json"
ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" -e mark_name=cached mark.yml "$@"
ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/fleet.abm.yml" --list --output "$WORK/cached.json"
ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" -e mark_name=school mark.yml "$@"

# 3. ASM: the school mount and scope
ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/school.abm.yaml" --list --output "$WORK/school.json"

# 4. a broken compose expression fails only with strict
ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/lenient.abm.yml" --list --output "$WORK/lenient.json"
if ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/strict.abm.yml" --list --output "$WORK/strict.json" 2> "$WORK/strict.err"; then
    echo "strict inventory with a broken compose expression did not fail" >&2
    exit 1
fi

# 5. a wrong client id fails the source with a clear message (never an empty fleet)
if ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.abm ansible-inventory -i "$WORK/badclient.abm.yml" --list --output "$WORK/bad.json" 2> "$WORK/bad.err"; then
    echo "inventory with a wrong client id did not fail" >&2
    exit 1
fi

# ansible-inventory marks strings from plugins as {"__ansible_unsafe": "..."}: unwrap them for the checks
for json in fleet cached school lenient; do
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
' "$WORK/$json.json"
done

ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" verify.yml "$@"
