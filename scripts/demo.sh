#!/usr/bin/env bash
# The main job, end to end on this machine, without a Kapacitor of your own: build (or reuse)
# kapacitord, start it with local receivers standing in for Slack, Telegram and mail, run the
# example playbook twice (changed, then ok), converge a fleet of three more kapacitord
# processes with the alert_endpoints role (examples/fleet with its demo-inventory.yml), show
# the test alerts that arrived, and stop everything again. It takes no options.
#
# Everything runs on 127.0.0.1: kapacitord on ports 19092-19095, the receivers on 19300 (HTTP)
# and 19025 (SMTP). The first run builds kapacitord from source (Go, Rust and gcc; about
# 7 minutes, then cached in ~/.cache/tick-kapacitor).
set -euo pipefail
if [ "$#" -gt 0 ]; then
  echo "usage: scripts/demo.sh (it takes no options)" >&2
  exit 2
fi
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Python venv with ansible-core"
VENV="$(tests/tooling/ansible-test-env.sh venv)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/stack/requirements.txt
COLLECTION="$(tests/tooling/ansible-test-env.sh stage)"
export ANSIBLE_COLLECTIONS_PATH="${COLLECTION%/ansible_collections/*}"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-${CI:+1}}"

say "kapacitord and the local receiver"
trap '"$VENV/bin/python" tests/stack/stack.py down >/dev/null' EXIT
"$VENV/bin/python" tests/stack/stack.py up --without kafka,mqtt >/dev/null

for run in first second; do
  say "ansible-playbook examples/alert_endpoints.yml ($run run)"
  "$VENV/bin/ansible-playbook" -i examples/inventory.yml examples/alert_endpoints.yml
done

say "A fleet: three more kapacitord processes, converged by the alert_endpoints role"
for host in a:19093 b:19094 c:19095; do
  "$VENV/bin/python" tests/stack/stack.py start-kapacitord --name "fleet-${host%%:*}" --port "${host##*:}" >/dev/null
done
for run in first second; do
  say "ansible-playbook examples/fleet/site.yml ($run run)"
  "$VENV/bin/ansible-playbook" -i examples/fleet/demo-inventory.yml examples/fleet/site.yml
done

say "What Kapacitor delivered"
"$VENV/bin/python" tests/stack/show_received.py http://127.0.0.1:19300
