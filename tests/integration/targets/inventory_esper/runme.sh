#!/usr/bin/env bash
# The esper inventory plugin against the simulator: one host per device named by serial, esper_ vars,
# groups by platform/OS/state/group, hostnames fallback, API filters, pages fetched in parallel by at most
# page_workers (requests in flight, from the log's start/end times), the default page size of 1000, a tenant
# that caps the page size, and errors (a 401, a failing page in a worker) failing the source.
set -eux

CONFIG="$(dirname "$INVENTORY_PATH")/integration_config.yml"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
ANSIBLE_ROLES_PATH="$(cd .. && pwd)"  # for setup_simulator
export ANSIBLE_ROLES_PATH
inventory() { ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.esper ansible-inventory "$@"; }
PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
# ansible-inventory marks values from a plugin as unsafe ({"__ansible_unsafe": value}); plain JSON for the checks
plain() {
    "$PYTHON" - "$1" << 'PY'
import json, sys
def plain(v):
    if isinstance(v, dict):
        return v["__ansible_unsafe"] if set(v) == {"__ansible_unsafe"} else {k: plain(x) for k, x in v.items()}
    return [plain(x) for x in v] if isinstance(v, list) else v
with open(sys.argv[1]) as f:
    data = plain(json.load(f))
with open(sys.argv[1], "w") as f:
    json.dump(data, f)
PY
}
playbook() { ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" "$@"; }

# 1. sources, reset, a latency on every page after the first (so parallel fetches overlap)
playbook setup.yml
inventory -i "$WORK/all.esper.yml" --list --output "$WORK/all.json"
inventory -i "$WORK/apple.esper.yml" --list --output "$WORK/apple.json"
inventory -i "$WORK/byname.esper.yml" --list --output "$WORK/byname.json"
for name in all apple byname; do plain "$WORK/$name.json"; done

# 2. a wrong key fails the source, without showing the key
if inventory -i "$WORK/badkey.esper.yml" --list --output "$WORK/bad.json" 2> "$WORK/bad.err"; then
    echo "inventory with a wrong API key did not fail" >&2
    exit 1
fi
grep -q 'HTTP 401' "$WORK/bad.err"
if grep -q 'SENTINEL-bad-key' "$WORK/bad.err"; then
    echo "the wrong API key appears in the error output" >&2
    exit 1
fi

# 3. a page fetched by a worker fails: the source fails (never a partial fleet)
playbook -e fault=page_error faults.yml
if inventory -i "$WORK/noretry.esper.yml" --list --output "$WORK/partial.json" 2> "$WORK/page.err"; then
    echo "inventory with a failing page did not fail" >&2
    exit 1
fi
grep -q 'HTTP 500' "$WORK/page.err"
playbook -e fault=none faults.yml

# 4. a tenant that caps the page size: the default page_size (1000) is cut to 40, no device is lost
playbook -e max_limit=40 paging.yml
inventory -i "$WORK/capped.esper.yml" --list --output "$WORK/capped.json"
plain "$WORK/capped.json"
playbook -e max_limit=none paging.yml

playbook verify.yml
