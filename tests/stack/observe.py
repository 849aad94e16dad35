# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What tests look at on a real Kapacitor, shared by the system and compatibility tests."""

import collections
import urllib.error
import urllib.request


def raw_config(url, timeout=15):
    """(status, bytes) of GET /kapacitor/v1/config: a bad stored value makes it answer 500, and
    "nothing was written" means byte-identical before and after."""
    try:
        with urllib.request.urlopen(url + '/kapacitor/v1/config', timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def by_section(recorded):
    """{section: [(method, kind)]} of a recording proxy's requests, kind being config or
    service-tests."""
    found = collections.defaultdict(list)
    for request in recorded:
        parts = request['path'].split('?')[0].split('/')
        if len(parts) > 4 and parts[3] in ('config', 'service-tests'):
            found[parts[4]].append((request['method'], parts[3]))
    return found
