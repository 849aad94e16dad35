#!/usr/bin/env bash
# Fast development loop: run one integration target with ansible-playbook against a running
# stack (tests/stack/stack.py up), without staging a copy for ansible-test.
#
#   tests/tooling/run-target.sh kapacitor_slack [extra ansible-playbook args]
#   TICK_STACK_DIR=/tmp/my-stack tests/tooling/run-target.sh kapacitor_smtp -vvv
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${1:?usage: run-target.sh TARGET [ansible-playbook args]}"
shift
VENV="${TICK_VENV:-$REPO/.venv}"
STATE_DIR="${TICK_STACK_DIR:-$REPO/.stack}"
WORK="$STATE_DIR/run-target"
mkdir -p "$WORK/collections/ansible_collections/tick"
ln -sfn "$REPO" "$WORK/collections/ansible_collections/tick/kapacitor"
"$VENV/bin/python" "$REPO/tests/stack/stack.py" --state-dir "$STATE_DIR" integration-vars > "$WORK/vars.yml"
cat > "$WORK/run.yml" <<PLAY
- name: Run integration target $TARGET
  hosts: testhost
  gather_facts: false
  roles:
    - $TARGET
PLAY
echo "testhost ansible_connection=local ansible_python_interpreter=$VENV/bin/python" > "$WORK/inventory"
PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$WORK/collections" ANSIBLE_ROLES_PATH="$REPO/tests/integration/targets" \
  "$VENV/bin/ansible-playbook" -i "$WORK/inventory" \
  -e "@$WORK/vars.yml" "$WORK/run.yml" "$@"
