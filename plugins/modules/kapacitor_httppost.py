#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_httppost
short_description: Manage one of Kapacitor's HTTP POST alert endpoints
version_added: 0.1.0
description:
  - Configures one endpoint of Kapacitor's C(httppost) section (the C([[httppost]]) tables of
    C(kapacitor.conf)) through Kapacitor's config-override HTTP API, without editing
    C(kapacitor.conf) or restarting Kapacitor. TICKscripts (the C(endpoint) property of the
    C(post) node) and C(post) topic handlers (the C(endpoint) option) use an endpoint by name,
    and then post to its O(url) with its O(headers), O(basic_auth) and templates.
  - B(The endpoint must be defined in kapacitor.conf.) Kapacitor accepts new endpoints added
    through its API and lists them, but never uses them (influxdata/kapacitor#1694 and influxdata/kapacitor#2363),
    so this module refuses to add one. Define the endpoint in C(kapacitor.conf) (a C(url) is
    enough), then manage its options here.
  - Reads the endpoint once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to the endpoint's O(url) with its O(headers), like Chronograf's
    "Send Test Alert". Kapacitor's test posts empty alert data as JSON and never uses
    O(basic_auth) nor the templates; real alerts do. When the endpoint has O(headers) (even an
    empty mapping), Kapacitor's test also sends its own default test header C(Auth) with the
    value C(secret).
  - B(A passed test only proves that the URL answers.) Kapacitor counts any HTTP answer as
    success, even an error status such as 401 or 500, so an endpoint that needs O(basic_auth)
    or is broken still passes. The test fails only when no answer comes (no connection, a URL
    Kapacitor cannot use).
  - HTTP POST endpoints cannot be switched off; there is no C(enabled) option.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  endpoint:
    description:
      - Name of the endpoint (the C(endpoint) key of a C([[httppost]]) table of
        C(kapacitor.conf)) to manage. Kapacitor defines V(example) unless the file has
        C([[httppost]]) tables.
      - An endpoint that Kapacitor does not know makes the task fail without writing anything.
      - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
    type: str
    required: true
  url:
    description:
      - URL the alerts are posted to. It may be a Go template over the alert data, such as
        V(https://hooks.example.com/{{ .ID }}).
      - Kapacitor never accepts an empty URL.
    type: str
  headers:
    description:
      - Extra HTTP headers of every request, as a mapping of header names to string values.
      - A secret as a whole (they usually carry an C(Authorization) value) - never shown, returned
        as V(true) when set, compared exactly although Kapacitor returns them in clear.
      - The empty mapping removes them.
    type: dict
  basic_auth:
    description:
      - HTTP basic authentication. Kapacitor sends it only when both keys are non-empty.
      - Secret as a whole; see O(update_secrets). Kapacitor only reports whether it is set,
        so give both keys whenever you give it.
    type: dict
    suboptions:
      username:
        description:
          - User name.
        type: str
      password:
        description:
          - Password; never shown.
        type: str
  alert_template:
    description:
      - Go template of the request body for alerts, evaluated over the alert data (for
        example V({"id":"{{ .ID }}","level":"{{ .Level }}"})). Without a template Kapacitor
        posts the alert data as JSON.
      - Exclusive with O(alert_template_file).
    type: str
  alert_template_file:
    description:
      - Absolute path, on the Kapacitor host, of a file holding the alert body template.
      - Exclusive with O(alert_template).
    type: str
  row_template:
    description:
      - Go template of the request body for the rows that the TICKscript C(httpPost) node posts.
      - Exclusive with O(row_template_file).
    type: str
  row_template_file:
    description:
      - Absolute path, on the Kapacitor host, of a file holding the row body template.
      - Exclusive with O(row_template).
    type: str
notes:
  - O(state=absent) reverts the endpoint to its values in C(kapacitor.conf); it never
    deletes an endpoint defined there.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(httppost) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/httppost)
    shows them) are C(endpoint) (string, set by this module to O(endpoint)); C(url) (string, set by this
    module to the endpoint's O(url)); C(headers) (dictionary, set by this module to the endpoint's O(headers));
    C(timeout) (number, default V(0)). With O(test_alert=true) other keys are refused before anything is
    written, and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor HTTP Post event handler
    description: Kapacitor's documentation of the post handler and of endpoints.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/post/
  - name: "influxdata/kapacitor#1694: httppost endpoints added through the API are not used"
    description: The upstream bug that makes this module refuse to add endpoints.
    link: https://github.com/influxdata/kapacitor/issues/1694
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
# kapacitor.conf:
#   [[httppost]]
#     endpoint = "alerts"
#     url = "http://placeholder.invalid/"
- name: Post alerts to the incident service
  tick.kapacitor.kapacitor_httppost:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoint: alerts
    url: https://incidents.example.com/api/kapacitor
    headers:
      X-Source: kapacitor
    basic_auth:
      username: kapacitor
      password: "{{ vault_incidents_password }}"
    # A Go template, not a Jinja one: !unsafe keeps Ansible from templating it.
    alert_template: !unsafe '{"id": "{{ .ID }}", "level": "{{ .Level }}", "message": "{{ .Message }}"}'
    test_alert: true

- name: Replace the basic-auth credentials (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_httppost:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoint: alerts
    basic_auth:
      username: kapacitor
      password: "{{ vault_new_incidents_password }}"
    update_secrets: always

- name: Go back to the endpoint's settings in kapacitor.conf
  tick.kapacitor.kapacitor_httppost:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoint: alerts
    state: absent
'''

RETURN = r'''
config:
  description:
    - The endpoint's effective options after the run (in check mode, as they would be),
      under this module's option names.
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    url: https://incidents.example.com/api/kapacitor
    headers:
      X-Source: kapacitor
    basic_auth: true
    alert_template: '{"id": "{{ .ID }}", "level": "{{ .Level }}", "message": "{{ .Message }}"}'
    alert_template_file: ""
    row_template: ""
    row_template_file: ""
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - headers
    - url
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor posted the test alert and got an HTTP answer. Kapacitor does not
        look at the answer's status, so an endpoint answering V(401) or V(500) still succeeds, and its
        test never sends O(basic_auth).
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

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import run_section_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import HTTPPOST


def main():
    run_section_module(HTTPPOST)


if __name__ == '__main__':
    main()
