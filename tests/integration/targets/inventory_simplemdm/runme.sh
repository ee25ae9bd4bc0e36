#!/usr/bin/env bash
# The simplemdm inventory plugin against the simulator: one host per device in its device group
# (also in the --graph), vars, host names from an ordered attribute list (safe, unique), filters,
# constructed options and strict, the list read from both ends (one request per 100 devices, at
# most one more, plus the group list) or one way, the cache (no request on the second run), and a
# 401 or 403 that fails the source.
set -eux

CONFIG="$(dirname "$INVENTORY_PATH")/integration_config.yml"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
export ANSIBLE_ROLES_PATH=..  # setup_simulator (aliases: needs/target/setup_simulator)
# Only our plugin for the sources under test (the playbooks use ansible-test's inventory file).
inventory() { ANSIBLE_INVENTORY_ENABLED=mdmkit.mdm.simplemdm ansible-inventory "$@"; }
playbook() { ansible-playbook -i "$INVENTORY_PATH" -e @"$CONFIG" -e work_dir="$WORK" "$@"; }

# 1. write the inventory sources, reset the simulator, mark its log
playbook setup.yml

# 2. the demo source (connection from the environment, as the doc fragment documents), the graph,
#    then the same again from the cache
PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
setting() { "$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"; }
(
    set +x  # keep the key out of the log
    SIMPLEMDM_BASE_URL=$(setting simplemdm_base_url)
    SIMPLEMDM_API_KEY=$(setting simplemdm_api_key)
    export SIMPLEMDM_BASE_URL SIMPLEMDM_API_KEY
    set -x
    inventory -i "$WORK/demo.simplemdm.yml" --graph > "$WORK/demo.graph"
    playbook -e mark_name=list mark.yml
    inventory -i "$WORK/demo.simplemdm.yml" --list --output "$WORK/demo.json"
    playbook -e mark_name=cached mark.yml
    inventory -i "$WORK/demo.simplemdm.yml" --list --output "$WORK/cached.json"
)
playbook -e mark_name=others mark.yml

# the graph as {group: [direct members]}, to check each host under its group
"$PYTHON" - "$WORK/demo.graph" > "$WORK/demo_graph.json" << 'PARSE'
import json, sys
members, stack = {}, []
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('@'):  # @all:
        stack = [line[1:].rstrip(':')]
        continue
    at = line.index('|--')
    depth, name = at // 3 + 1, line[at + 3:]
    del stack[depth:]
    if name.startswith('@'):
        stack.append(name[1:].rstrip(':'))
        members.setdefault(stack[-1], [])
    else:
        members.setdefault(stack[-1], []).append(name)
print(json.dumps(members))
PARSE

# 3. devices awaiting enrollment (named by their name), filters, secret attributes
inventory -i "$WORK/awaiting.simplemdm.yml" --list --output "$WORK/awaiting.json"
inventory -i "$WORK/filtered.simplemdm.yml" --list --output "$WORK/filtered.json"

# the fleet read one way only, between two marks
playbook -e mark_name=oneway mark.yml
inventory -i "$WORK/oneway.simplemdm.yml" --list --output "$WORK/oneway.json"
playbook -e mark_name=oneway_end mark.yml

# host names from an ordered list of attributes, made safe and unique; strict and not strict
inventory -i "$WORK/named.simplemdm.yml" --list --output "$WORK/named.json"
inventory -i "$WORK/phones.simplemdm.yml" --list --output "$WORK/phones.json"
if inventory -i "$WORK/strict.simplemdm.yml" --list --output "$WORK/strict.json" 2> "$WORK/strict.err"; then
    echo "a strict source with devices that have no host name did not fail" >&2
    exit 1
fi
grep -q 'No hostname for simplemdm device' "$WORK/strict.err"
if inventory -i "$WORK/strict_compose.simplemdm.yml" --list --output "$WORK/strict_compose.json" \
        2> "$WORK/strict_compose.err"; then
    echo "a strict source whose compose fails did not fail" >&2
    exit 1
fi
grep -q 'Could not set shouting for host' "$WORK/strict_compose.err"

# 4. a wrong API key fails the source with a clear message (never an empty fleet), key not shown
if inventory -i "$WORK/badkey.simplemdm.yml" --list --output "$WORK/bad.json" 2> "$WORK/bad.err"; then
    echo "inventory with a wrong API key did not fail" >&2
    exit 1
fi
grep -q 'HTTP 401' "$WORK/bad.err"
if grep -q 'SENTINEL-bad-key' "$WORK/bad.err"; then
    echo "the wrong API key appears in the error output" >&2
    exit 1
fi

# 5. a 403 on the device list fails the source too (after the group list succeeded)
playbook -e fault_status=403 fault.yml
if inventory -i "$WORK/awaiting.simplemdm.yml" --list --output "$WORK/forbidden.json" 2> "$WORK/forbidden.err"; then
    echo "inventory answered 403 did not fail" >&2
    exit 1
fi
playbook fault.yml
grep -q 'HTTP 403' "$WORK/forbidden.err"

playbook verify.yml
