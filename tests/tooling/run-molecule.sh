#!/usr/bin/env bash
# Run the Molecule scenario(s) of extensions/molecule (the alert_endpoints role against local
# kapacitord processes; no containers, no Galaxy). Installs Molecule into the repo venv,
# keeping the venv's ansible-core, and the Python packages of tests/stack.
#
#   tests/tooling/run-molecule.sh                    molecule test -s default
#   tests/tooling/run-molecule.sh converge           any molecule command, for the scenario
#   TICK_MOLECULE_SCENARIO=default tests/tooling/run-molecule.sh verify
#
# Environment:
#   TICK_COLLECTIONS_PATH   a directory holding ansible_collections/tick/kapacitor (e.g. a staged
#                           copy's root); default: a temporary one with a symlink to this checkout
#   TICK_VENV               the venv (default <repo>/.venv, made by tests/tooling/ansible-test-env.sh)
#   TICK_MOLECULE           pip requirement for Molecule (default 'molecule>=26.10,<27')
#   TICK_MOLECULE_SCENARIO  scenario name (default 'default')
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
COMMAND="${1:-test}"
[ $# -gt 0 ] && shift
SCENARIO="${TICK_MOLECULE_SCENARIO:-default}"

VENV="$(tests/tooling/ansible-test-env.sh venv)"
PY="$VENV/bin/python"
core="ansible-core==$("$PY" -c 'import ansible.release as r; print(r.__version__)')"
"$PY" -m pip install --quiet --disable-pip-version-check "${TICK_MOLECULE:-molecule>=26.10,<27}" "$core" \
  -r tests/stack/requirements.txt >&2

tmp=
trap '[ -z "$tmp" ] || rm -rf -- "$tmp"' EXIT
if [ -n "${TICK_COLLECTIONS_PATH:-}" ]; then
  collections="$(cd "$TICK_COLLECTIONS_PATH" && pwd)"
  [ -d "$collections/ansible_collections/tick/kapacitor" ] \
    || { echo "run-molecule: no ansible_collections/tick/kapacitor in $collections" >&2; exit 2; }
else
  tmp="$(mktemp -d)"
  collections="$tmp"
  mkdir -p "$collections/ansible_collections/tick"
  ln -s "$REPO" "$collections/ansible_collections/tick/kapacitor"
fi

# Only the given collections path: no ~/.ansible collection shadows the one under test.
export ANSIBLE_COLLECTIONS_PATH="$collections"
export PATH="$VENV/bin:$PATH"
# Molecule colours its output (and Ansible's) on an xterm even without a TTY; not in CI logs.
if [ -n "${CI:-}" ] || [ -n "${ANSIBLE_NOCOLOR:-}" ]; then export NO_COLOR=1 ANSIBLE_NOCOLOR=1; fi
start=$(date +%s)
rc=0
molecule "$COMMAND" --scenario-name "$SCENARIO" "$@" || rc=$?
echo "run-molecule: molecule $COMMAND -s $SCENARIO exited $rc after $(( $(date +%s) - start )) s" >&2
exit "$rc"
