#!/usr/bin/env bash
# The README's demo: start the local four-vendor simulator, run playbooks/demo.yml and the
# inventory plugins against it, then stop it. Needs only python3.11 (or python3 = 3.11) and
# network access to PyPI the first time (it shares the venv of tests/run.sh).
#
#   tests/demo.sh            # 250 simulated devices per vendor
#   DEMO_DEVICES=1000 tests/demo.sh
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VENV=${MDMKIT_VENV:-$HOME/.cache/mdmkit/venv}
PYTHON=${MDMKIT_PYTHON:-python3.11}
command -v "$PYTHON" > /dev/null 2>&1 || PYTHON=python3

if [[ ! -x $VENV/bin/ansible-playbook ]]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r "$REPO_ROOT/tests/requirements-dev.txt"
fi
export PATH="$VENV/bin:$PATH"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mdmkit-demo.XXXXXX")
mkdir -p "$WORK/collections/ansible_collections/mdmkit"
ln -s "$REPO_ROOT" "$WORK/collections/ansible_collections/mdmkit/mdm"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
# A failed inventory source must stop Ansible, not leave an empty fleet.
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true

echo "==> starting the simulator"
"$VENV/bin/python" "$REPO_ROOT/tests/simulator" --port 0 --devices "${DEMO_DEVICES:-250}" \
    --abm-private-key-out "$WORK/abm-key.pem" > "$WORK/sim.json" 2> "$WORK/sim.log" &
SIM_PID=$!
trap 'kill "$SIM_PID" 2> /dev/null; wait "$SIM_PID" 2> /dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s $WORK/sim.json ]] && break; sleep 0.1; done
[[ -s $WORK/sim.json ]] || { cat "$WORK/sim.log"; echo "simulator did not start" >&2; exit 1; }

# The simulator's URLs and credentials, as the AWX credential types would inject them.
eval "$("$VENV/bin/python" - "$WORK/sim.json" << 'PY'
import json, shlex, sys
c = json.load(open(sys.argv[1]))
env = {
    'SIMPLEMDM_API_KEY': c['simplemdm_api_key'], 'SIMPLEMDM_BASE_URL': c['simplemdm_base_url'],
    'ABM_CLIENT_ID': c['abm_client_id'], 'ABM_KEY_ID': c['abm_key_id'],
    'ABM_PRIVATE_KEY_PATH': c['abm_private_key_path'], 'ABM_BASE_URL': c['abm_base_url'],
    'ABM_TOKEN_URL': c['abm_token_url'],
    'ESPER_API_KEY': c['esper_api_key'], 'ESPER_BASE_URL': c['esper_base_url'],
    'MICROMDM_URL': c['micromdm_url'], 'MICROMDM_API_KEY': c['micromdm_api_key'],
}
print('\n'.join('export %s=%s' % (k, shlex.quote(v)) for k, v in env.items()))
print('SIM_URL=%s' % shlex.quote(c['url']))
PY
)"
echo "==> simulator at $SIM_URL"

cd "$REPO_ROOT/playbooks"
echo "==> ansible-playbook playbooks/demo.yml"
ansible-playbook demo.yml
for source in inventory/demo.*.yml; do
    echo "==> ansible-inventory -i playbooks/$source --graph (first lines)"
    ansible-inventory -i "$source" --graph > "$WORK/graph.txt"
    head -n 12 "$WORK/graph.txt"
done
# Hosts are named by serial number, so the four sources merge into one host per device.
echo "==> all four sources at once: ansible-inventory -i playbooks/inventory/ --graph"
ansible-inventory -i inventory/ --graph > "$WORK/graph.txt"
grep -E '^  \|--@' "$WORK/graph.txt" | head -n 30
echo "==> one merged host: ansible-inventory -i playbooks/inventory/ --host <serial> (vendor prefixes)"
merged=$(grep -E -- '--[A-Z0-9]{12}$' "$WORK/graph.txt" | sed 's/.*--//' | sort | uniq -c | sort -rn | awk 'NR==1 {print $2}')
ansible-inventory -i inventory/ --host "$merged" | "$VENV/bin/python" -c '
import json, sys
hv = json.load(sys.stdin)
for prefix in ("abm_", "simplemdm_", "esper_", "micromdm_"):
    keys = sorted(k for k in hv if k.startswith(prefix))
    print("    %-11s %3d vars, e.g. %s" % (prefix, len(keys), ", ".join(keys[:4])))'
echo "==> requests the simulator served: $(curl -s "$SIM_URL/_sim/requests" | "$VENV/bin/python" -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')"
