#!/usr/bin/env bash
# Every test of the collection, in order: changelog lint, ansible-test sanity, ansible-test
# units, ansible-test integration against a real kapacitord and the recording receivers, then
# the system tests (tests/system: auth, TLS, restarts, concurrency, secrets, request budget)
# with whole ansible-playbook runs. The stack is built and started here, stopped on exit.
# Prints the time of each stage and a closing "N passed, N failed" line.
#
#   TICK_STAGES="units integration" scripts/test.sh     run only some stages
#   TICK_TARGETS="kapacitor_slack" scripts/test.sh      only these integration targets
#
# Stage "compat" runs units and integration again on the newest ansible-core (2.21, which
# needs Python 3.12+; pyenv's 3.12 by default, TICK_NEWEST_PYTHON to change).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
ENV=tests/tooling/ansible-test-env.sh
PY=3.11
STAGES="${TICK_STAGES:-generated changelog docs lint sanity units molecule integration system versions compat}"
LOGDIR="$REPO/tests/output/logs"
mkdir -p "$LOGDIR"

passed=0
failed=0
summary=()
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

VENV="$($ENV venv)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/stack/requirements.txt
$ENV bootstrap-pip-standin >/dev/null
COLLECTION="$($ENV stage)"
export PATH="$VENV/tick-pythons:$VENV/bin:$PATH"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-${CI:+1}}"

# run_stage NAME COUNT_FUNCTION COMMAND...: runs the command with its output teed to a log,
# then adds what COUNT_FUNCTION reads from the log to the totals.
run_stage() {
  local name="$1" counter="$2" start rc=0 log
  shift 2
  log="$LOGDIR/$name.log"
  say "$name: $*"
  start=$(date +%s)
  "$@" 2>&1 | tee "$log" || rc=$?
  local secs=$(( $(date +%s) - start ))
  local counted
  counted="$($counter "$log" "$rc")"
  local ok="${counted% *}" bad="${counted#* }"
  passed=$((passed + ok))
  failed=$((failed + bad))
  summary+=("$(printf '%-12s %4d passed %3d failed %5d s' "$name" "$ok" "$bad" "$secs")")
  return 0
}

count_rc() { if [ "$2" = 0 ]; then echo "1 0"; else echo "0 1"; fi; }
count_sanity() {
  local ran bad
  ran=$(grep -c '^Running sanity test' "$1" || true)
  bad=$(grep -cE '^ERROR: (Found [0-9]+ .* issue|The [0-9]+ sanity test)' "$1" || true)
  if [ "$2" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  echo "$((ran - bad < 0 ? 0 : ran - bad)) $bad"
}
# Sums every pytest summary line: ansible-test units runs the controller tests (plugins/action)
# and the module_utils tests in separate pytest sessions.
count_pytest() {
  local line ok=0 bad=0 n
  while IFS= read -r line; do
    n=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line"); ok=$((ok + ${n:-0}))
    n=$(sed -nE 's/.* ([0-9]+) (failed|error).*/\1/p' <<<"$line"); bad=$((bad + ${n:-0}))
  done < <(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$1" || true)
  if [ "$2" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  echo "$ok $bad"
}
count_targets() {
  local ran
  ran=$(grep -cE '^Running [a-z0-9_]+ integration test role' "$1" || true)
  if [ "$2" = 0 ]; then echo "$ran 0"; else echo "$((ran > 0 ? ran - 1 : 0)) 1"; fi
}

stack_started=
start_stack() {
  [ -n "$stack_started" ] && return 0
  say "starting kapacitord, mosquitto and the receivers"
  trap '"$VENV/bin/python" "$REPO/tests/stack/stack.py" down >/dev/null 2>&1 || true' EXIT
  local start
  start=$(date +%s)
  "$VENV/bin/python" tests/stack/stack.py up > "$LOGDIR/stack.json"
  summary+=("$(printf '%-12s %26s %5d s' stack-up '' $(( $(date +%s) - start )))")
  stack_started=1
}

for stage in $STAGES; do
  case "$stage" in
    generated)
      # everything that lists modules, sections or options is generated: fail on drift
      run_stage generated count_pytest bash -c "'$VENV/bin/python' tools/generate.py --check &&
        '$VENV/bin/python' -m pytest -p no:cacheprovider tests/tooling/test_generate.py" ;;
    changelog)
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'antsibull-changelog>=0.26' >&2
      run_stage changelog count_rc "$VENV/bin/antsibull-changelog" lint ;;
    docs)
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'antsibull-docs>=2' >&2
      run_stage docs count_rc bash -c "set -e
        cd '$COLLECTION' && antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .
        cd '$REPO' && TICK_DOCS_LINT=0 docs/build.sh >/dev/null" ;;
    lint)
      # keep the venv's ansible-core: ansible-lint would otherwise pull the newest
      core="ansible-core==$("$VENV/bin/python" -c 'import ansible.release as r; print(r.__version__)')"
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ansible-lint "$core" >&2
      run_stage lint count_rc bash -c "cd '$COLLECTION' && ANSIBLE_COLLECTIONS_PATH='${COLLECTION%/ansible_collections/*}' \
        ansible-lint --offline --profile production roles examples extensions" ;;
    sanity)
      run_stage sanity count_sanity bash -c "cd '$COLLECTION' && ansible-test sanity --venv --python $PY" ;;
    units)
      run_stage units count_pytest bash -c "cd '$COLLECTION' && ansible-test units --venv --python $PY" ;;
    molecule)
      run_stage molecule count_rc env TICK_COLLECTIONS_PATH="${COLLECTION%/ansible_collections/*}" \
        tests/tooling/run-molecule.sh ;;
    integration)
      start_stack
      "$VENV/bin/python" tests/stack/stack.py integration-vars \
        > "$COLLECTION/tests/integration/integration_config.yml"
      # shellcheck disable=SC2086
      run_stage integration count_targets bash -c \
        "cd '$COLLECTION' && ansible-test integration --venv --python $PY ${TICK_TARGETS:-}" ;;
    system)
      start_stack
      run_stage system count_pytest env TICK_COLLECTIONS_PATH="${COLLECTION%/ansible_collections/*}" \
        "$VENV/bin/python" -m pytest -p no:cacheprovider -v tests/system ;;
    versions)
      # Kapacitor 1.5.9, 1.6.5 and 1.7.6 beside the main 1.8.3 (built once and cached; each
      # build prints its time), then tests/compat against all of them
      start_stack
      run_stage versions count_pytest bash -c "'$VENV/bin/python' tests/stack/stack.py start-versions '${TICK_COMPAT_VERSIONS:-1.5.9,1.6.5,1.7.6}' >/dev/null &&
        TICK_COLLECTIONS_PATH='${COLLECTION%/ansible_collections/*}' '$VENV/bin/python' -m pytest -p no:cacheprovider -v tests/compat" ;;
    compat)
      newest_python="${TICK_NEWEST_PYTHON:-}"
      if [ -z "$newest_python" ]; then
        for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12; do
          [ -x "$candidate" ] && newest_python="$candidate"
        done
      fi
      newest_env=(env TICK_VENV="$REPO/.venv-core-newest" TICK_PYTHON="${newest_python:-python3.12}"
                  TICK_ANSIBLE_CORE='ansible-core>=2.21,<2.22'
                  TICK_BUILD_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/tick-kapacitor/stage-newest")
      newest_venv="$("${newest_env[@]}" $ENV venv)"
      "${newest_env[@]}" $ENV bootstrap-pip-standin >/dev/null
      newest_collection="$("${newest_env[@]}" $ENV stage)"
      newest_path="$newest_venv/tick-pythons:$newest_venv/bin:$PATH"
      run_stage units-2.21 count_pytest bash -c \
        "cd '$newest_collection' && PATH='$newest_path' ansible-test units --venv --python 3.12"
      start_stack
      "$VENV/bin/python" tests/stack/stack.py integration-vars \
        > "$newest_collection/tests/integration/integration_config.yml"
      # shellcheck disable=SC2086
      run_stage integ-2.21 count_targets bash -c \
        "cd '$newest_collection' && PATH='$newest_path' ansible-test integration --venv --python 3.12 ${TICK_TARGETS:-}" ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done

say "summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
