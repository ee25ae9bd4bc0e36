#!/usr/bin/env bash
# The mdmkit.mdm.micromdm inventory plugin against the simulator. ansible-test does not pass
# integration_config.yml to runme.sh targets: it sits beside the inventory file it does pass.
set -eux

export ANSIBLE_ROLES_PATH
ANSIBLE_ROLES_PATH="$(cd .. && pwd)"
WORK_DIR="${OUTPUT_DIR:-$(mktemp -d)}"

ansible-playbook -i "$INVENTORY_PATH" -e @"$(dirname "$INVENTORY_PATH")/integration_config.yml" \
    -e work_dir="$WORK_DIR" inventory.yml "$@"
