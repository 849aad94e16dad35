#!/usr/bin/env bash
# Build the collection's HTML docsite with antsibull-docs and Sphinx: a page per module and
# role, generated from their documentation, plus the guides in docs/docsite/rst.
#
#   docs/build.sh          prints the path of the built index.html (everything else: stderr)
#
# Steps: install antsibull-docs, Sphinx and the theme that `antsibull-docs sphinx-init` asks
# for into the repo venv (ansible-core pinned to its installed version); stage the collection
# (tests/tooling/ansible-test-env.sh stage); lint its docs (`antsibull-docs lint-collection-docs
# --plugin-docs --check-extra-docs-refs`, which also checks docs/docsite); `antsibull-docs
# sphinx-init`; set the install command and collection link of its antsibull-docs.cfg to the
# git repository (the collection is not on Galaxy); then the build.sh that sphinx-init
# generates, which runs Sphinx with warnings as errors. docs/docsite/config.yml adds the
# changelog (changelogs/changelog.yaml) and the environment variables of the guides.
#
# Works offline, PyPI aside (nothing is downloaded once the packages are installed): Sphinx's
# intersphinx does not fetch inventories from the web; the few labels of Ansible's own docs that
# the generated pages reference resolve through a small local inventory (ANSIBLE_DOCS_LABELS).
#
# Environment:
#   TICK_VENV             venv (default <repo>/.venv), created by ansible-test-env.sh if missing
#   TICK_DOCS_BUILD_DIR   output root (default <repo>/docs/build, git-ignored); the Sphinx
#                         site goes to <it>/site
#   TICK_DOCS_STAGE_DIR   staging root, outside the git work tree (default
#                         ~/.cache/tick-kapacitor/docs-stage-<hash of the repo path>): the linter
#                         copies a collection that sits in a git work tree with `git ls-files`,
#                         which finds nothing in an ignored copy, and then checks nothing
#   TICK_DOCS_LINT        1 (default): lint the collection docs first; 0: skip
#   TICK_DOCS_PIP         1 (default): pip-install what is missing; 0: use the venv as it is

set -euo pipefail

DOCS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "${DOCS_DIR}/.." && pwd -P)"
ENV_SH="${REPO_ROOT}/tests/tooling/ansible-test-env.sh"
BUILD_ROOT="$(realpath -m -- "${TICK_DOCS_BUILD_DIR:-${DOCS_DIR}/build}")"
STAGE_ROOT="$(realpath -m -- "${TICK_DOCS_STAGE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/tick-kapacitor/docs-stage-$(printf '%s' "${REPO_ROOT}" | cksum | cut -d' ' -f1)}")"
SITE_DIR="${BUILD_ROOT}/site"
COLLECTION=tick.kapacitor
ANSIBLE_DOCS_URL=https://docs.ansible.com/projects/ansible/devel/

# Labels of Ansible's documentation that antsibull-docs' generated pages link to, with their
# page and anchor under ANSIBLE_DOCS_URL. Sphinx fails on a label missing here (nitpicky + -W):
# add it with its page in Ansible's docs.
ANSIBLE_DOCS_LABELS='
common_return_values reference_appendices/common_return_values.html#common-return-values Return Values
ansible_configuration_settings reference_appendices/config.html#ansible-configuration-settings Ansible Configuration Settings
action_plugins plugins/action.html#action-plugins Action Plugins
'

log() { printf '[docs] %s\n' "$*" >&2; }
die() { printf '[docs] ERROR: %s\n' "$*" >&2; exit 1; }

case "${STAGE_ROOT}/" in
    "${REPO_ROOT}/"*) die "TICK_DOCS_STAGE_DIR must be outside ${REPO_ROOT} (see the header of $0)";;
esac

start=$(date +%s)

VENV="$(TICK_VENV="${TICK_VENV:-${REPO_ROOT}/.venv}" "${ENV_SH}" venv)"
PY="${VENV}/bin/python"
export PATH="${VENV}/bin:${PATH}"

pip_install() {
    [[ "${TICK_DOCS_PIP:-1}" == 1 ]] || return 0
    local core
    # Pinning ansible-core keeps pip from upgrading it as a dependency of antsibull-docs.
    core="ansible-core==$("${PY}" -c 'import ansible.release as r; print(r.__version__)')"
    "${PY}" -m pip install --quiet --disable-pip-version-check "$@" "${core}" >&2 \
        || die "pip install $* failed"
}

pip_install 'antsibull-docs>=2,<3'

# The collection, laid out as ansible_collections/tick/kapacitor (from the files git knows).
STAGED="$(TICK_BUILD_DIR="${STAGE_ROOT}" "${ENV_SH}" stage)"
export ANSIBLE_COLLECTIONS_PATH="${STAGE_ROOT}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

if [[ "${TICK_DOCS_LINT:-1}" == 1 ]]; then
    log "antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs (${STAGED})"
    (cd "${STAGED}" && antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .) >&2 \
        || die "antsibull-docs lint-collection-docs found problems"
fi

# sphinx-init wants its destination to exist and be writable by its owner only.
mkdir -p "${SITE_DIR}"
chmod go-w "${SITE_DIR}"
# The site's front page: sphinx-init's default toctrees under an introduction.
cat >"${BUILD_ROOT}/index.rst" <<'RST'
.. _docsite_root_index:

tick.kapacitor
==============

Ansible modules and a role that manage the alert endpoints of InfluxData Kapacitor (Slack,
Telegram, SMTP, PagerDuty and every other alert handler section of Kapacitor 1.8) through
Kapacitor's config-override HTTP API: no templated ``kapacitor.conf``, no restart. Every
module compares before it writes, supports check mode and diff mode, can send Kapacitor's
test alert, and never shows a secret.

The collection is not on Ansible Galaxy: install it from its git repository, or build it
from a checkout (see :ref:`ansible_collections.tick.kapacitor.docsite.getting_started`).

New here? Start with :ref:`ansible_collections.tick.kapacitor.docsite.getting_started`, then
read :ref:`ansible_collections.tick.kapacitor.docsite.secrets_and_idempotence`. The modules'
connection settings can come from
:ref:`environment variables <ansible_collections.tick.kapacitor.docsite.environment_variables>`.

.. toctree::
   :maxdepth: 2
   :caption: Collections:

   collections/index

.. toctree::
   :maxdepth: 1
   :caption: Plugin indexes:
   :glob:

   collections/index_*

.. toctree::
   :maxdepth: 1
   :caption: Reference:

   collections/tick/kapacitor/docsite/environment_variables
   collections/tick/kapacitor/changelog
RST
log "antsibull-docs sphinx-init --use-current --dest-dir ${SITE_DIR} ${COLLECTION}"
antsibull-docs sphinx-init --use-current --dest-dir "${SITE_DIR}" \
    --project "${COLLECTION}" --title "${COLLECTION}" \
    --copyright 'tick.kapacitor contributors' \
    --index-rst-source "${BUILD_ROOT}/index.rst" "${COLLECTION}" >&2

# The install command and collection link on every plugin and role page: antsibull-docs'
# defaults (`ansible-galaxy collection install tick.kapacitor`, a Galaxy URL) do not hold, the
# collection is not on Galaxy. Both come from galaxy.yml's repository, as the README says.
"${PY}" - "${SITE_DIR}/antsibull-docs.cfg" "${REPO_ROOT}/galaxy.yml" "${COLLECTION}" <<'EOF'
import re
import sys

import yaml

cfg_path, galaxy_path, collection = sys.argv[1:]
with open(galaxy_path) as handle:
    repository = yaml.safe_load(handle)['repository'].rstrip('/')
settings = {
    'collection_url': repository,
    'collection_install': 'ansible-galaxy collection install git+%s.git' % repository,
}
with open(cfg_path) as handle:
    text = handle.read()
for key, value in settings.items():
    # `key = {\n  * = "..."\n}` as sphinx-init writes it; { and } would be format fields
    block = '%s = {\n  %s = "%s"\n}' % (key, collection, value.replace('{', '{{').replace('}', '}}'))
    text, count = re.subn(r'(?m)^%s = \{\n(?:.*\n)*?\}' % key, lambda _match: block, text)
    if count != 1:
        sys.exit('[docs] ERROR: no %s block in %s (has antsibull-docs changed its format?)' % (key, cfg_path))
with open(cfg_path, 'w') as handle:
    handle.write(text)
EOF

# The Sphinx extension and theme that sphinx-init's requirements.txt lists.
pip_install -r "${SITE_DIR}/requirements.txt"

# Offline intersphinx: only Ansible's documentation, from a local inventory written here
# (sphinx-init regenerates conf.py on every run, so this is appended every time).
"${PY}" - "${SITE_DIR}/ansible_devel.inv" "${ANSIBLE_DOCS_LABELS}" <<'EOF'
import sys
import zlib

path, table = sys.argv[1], sys.argv[2]
lines = []
for row in table.strip().splitlines():
    name, uri, title = row.split(None, 2)
    lines.append('%s std:label -1 %s %s\n' % (name, uri, title))
header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
          '# The remainder of this file is compressed using zlib.\n')
with open(path, 'wb') as handle:
    handle.write(header.encode('utf-8') + zlib.compress(''.join(lines).encode('utf-8')))
EOF
cat >>"${SITE_DIR}/conf.py" <<EOF

# Added by docs/build.sh: build offline. Labels of Ansible's docs resolve through the local
# inventory it writes; no inventory is fetched from the web.
intersphinx_mapping = {
    'ansible_devel': ('${ANSIBLE_DOCS_URL}', '../ansible_devel.inv'),
}
EOF

# The build.sh that sphinx-init generated: antsibull-docs writes the RST (collection index,
# a page per plugin and role, docs/docsite guides), sphinx-build -W turns it into HTML.
log "running ${SITE_DIR}/build.sh"
bash "${SITE_DIR}/build.sh" >&2 || die "the docsite build failed (see the Sphinx warnings above)"

INDEX="${SITE_DIR}/build/html/index.html"
[[ -f "${INDEX}" ]] || die "no ${INDEX} after the build"
pages=$(find "${SITE_DIR}/build/html/collections" -name '*.html' | wc -l)
log "built ${pages} collection pages in $(( $(date +%s) - start )) s"
printf '%s\n' "${INDEX}"
