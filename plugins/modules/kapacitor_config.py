#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_config
short_description: Manage any overridable Kapacitor configuration section with a free options dict
version_added: 0.1.0
description:
  - Sets options of any section of Kapacitor's config-override API, under Kapacitor's own
    option names, for what no dedicated module of this collection covers (C(influxdb),
    C(scraper), service discovery sections, or an option newer than this collection).
  - Same behaviour as the dedicated modules - one read, only the given options compared, at
    most one write, check and diff mode, masked secrets, optional test alert.
  - Prefer the dedicated modules (M(tick.kapacitor.kapacitor_slack) and friends) for alert
    handlers - they validate option names and types before anything is sent.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  section:
    description:
      - Kapacitor's section name, such as V(influxdb), V(smtp), V(scraper) or V(kubernetes).
      - Letters, digits, C(_), C(-) and C(+) only, checked as a whole (a trailing newline is refused).
    type: str
    required: true
  element:
    description:
      - For list sections, the element to manage (the value of the section's element key -
        C(name) for V(influxdb), V(mqtt) and V(scraper), C(id) for V(kafka) and the discovery
        sections, C(workspace) for V(slack) and V(discord), C(endpoint) for V(httppost)).
      - The empty string (the default) is the unnamed default element of V(slack) and
        V(discord). Leave it out for single-element sections.
      - A missing element is added with the given options.
      - Letters, digits, C(_), C(-) and C(+) only, checked as a whole - Kapacitor can add an
        element with any other name but never edit it again.
    type: str
  options:
    description:
      - Options to set, under Kapacitor's names (C(idle-timeout), C(chat-id), C(recovery_url)).
      - Types are checked against this collection's declaration of the section, otherwise
        against the current values - integers must be whole numbers (V(3.0) is taken as V(3))
        within the declared range or, when inferred, Go's C(int64) range; NaN and infinities
        are refused anywhere; durations are Go duration strings (V(10s), V(1m30s)) within Go's
        range, and not negative where this collection declares the option.
      - A nested object (Kafka's C(SASLAuth), under Go field names) may be given in part, for
        example only C(SASLPassword) under C(SASLAuth) - the given fields are merged over
        the current object, which is sent whole (Kapacitor replaces it on every write), and
        only the given fields are compared.
      - Values whose names are secrets are masked in all output (invocation, returned values,
        diff, messages) exactly like O(secret_options) - the options Kapacitor redacts, those
        this collection declares secret (Kafka's C(SASLPassword), C(SASLExtensions), ...), and
        any name ending in C(password), C(token), C(secret) or C(key) in any case, except
        C(ssl-key), which is a file path. Prefer O(secret_options) all the same.
    type: dict
    default: {}
  secret_options:
    description:
      - Options to set that are secrets, under Kapacitor's names. They are never logged nor
        shown, and follow O(update_secrets) when Kapacitor cannot show their value.
    type: dict
    default: {}
notes:
  - Returned RV(config) lists the element's options under Kapacitor's names; secrets are V(true)
    when set and V(false) when unset, and nested objects that may hold secrets (Kafka's
    C(SASLAuth)) only as set or unset; their fields follow as C(SASLAuth.<field>), secret ones
    as set or unset.
seealso:
  - name: Kapacitor configuration API
    description: The config-override API this module uses.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#override-configurations
'''

EXAMPLES = r'''
- name: Point Kapacitor's default InfluxDB connection elsewhere
  tick.kapacitor.kapacitor_config:
    kapacitor_url: http://kapacitor.example.com:9092
    section: influxdb
    element: default
    options:
      urls: ["http://influxdb.example.com:8086"]
      username: kapacitor
      timeout: 30s
    secret_options:
      password: "{{ vault_influxdb_password }}"

- name: Keep idle SMTP connections for a minute
  tick.kapacitor.kapacitor_config:
    kapacitor_url: http://kapacitor.example.com:9092
    section: smtp
    options:
      idle-timeout: 1m

- name: Go back to kapacitor.conf for the InfluxDB connection
  tick.kapacitor.kapacitor_config:
    kapacitor_url: http://kapacitor.example.com:9092
    section: influxdb
    element: default
    state: absent
'''

RETURN = r'''
config:
  description:
    - The element's effective options after the run (in check mode, as they would be),
      under Kapacitor's option names.
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    enabled: false
    host: localhost
    port: 25
    password: true
    idle-timeout: 1m0s
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - idle-timeout
test_alert:
  description: Kapacitor's answer to the service test, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether the test succeeded.
      type: bool
      returned: always
    message:
      description: Kapacitor's error message, empty on success.
      type: str
      returned: always
  sample:
    success: true
    message: ''
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_dynamic import CONFIG_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(CONFIG_TASK)


if __name__ == '__main__':
    main()
