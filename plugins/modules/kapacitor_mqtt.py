#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_mqtt
short_description: Manage Kapacitor's MQTT alert endpoint (one broker)
version_added: 0.1.0
description:
  - Configures one MQTT broker of Kapacitor's C(mqtt) section through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the broker once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can publish a test alert through the broker, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  name:
    description:
      - The broker (the element of Kapacitor's C(mqtt) list) to manage.
      - Every Kapacitor has a broker named V(default) unless C(kapacitor.conf) names its own.
      - A broker that does not exist is added. Kapacitor starts added brokers from empty values
        (for example O(default=false)), so give every option you need.
      - Kapacitor refuses a second broker unless exactly one broker has O(default=true); the
        built-in V(default) broker does not, so set O(default) on one of them.
      - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
    type: str
    default: default
  enabled:
    description:
      - Connect to the broker. Kapacitor then requires O(url), and connects while applying the
        change, so a broker it cannot reach fails the task and nothing is stored.
    type: bool
  default:
    description:
      - Make this the default broker, used by alerts that name no broker. A single broker is
        the default anyway.
    type: bool
  url:
    description:
      - URL of the broker, such as V(tcp://mqtt.example.com:1883) or V(ssl://mqtt.example.com:8883).
        Credentials in the URL (V(tcp://user:password@host:1883)) take precedence over
        O(username) and O(password).
      - Secret, because it may hold credentials, so this module never shows it. Kapacitor
        returns it in clear, so unlike other secrets it is compared and a new value is
        written without O(update_secrets=always).
    type: str
  ssl_ca:
    description:
      - Path on the Kapacitor host of a CA file to verify the broker's certificate.
    type: str
  ssl_cert:
    description:
      - Path on the Kapacitor host of a client certificate.
    type: str
  ssl_key:
    description:
      - Path on the Kapacitor host of the client certificate's key.
    type: str
  insecure_skip_verify:
    description:
      - Do not verify the broker's TLS certificate.
    type: bool
  client_id:
    description:
      - MQTT client id Kapacitor connects with. Kapacitor uses the broker's O(name) when empty.
    type: str
  username:
    description:
      - User to authenticate with at the broker.
    type: str
  password:
    description:
      - Password of O(username).
      - Secret; see O(update_secrets).
    type: str
notes:
  - The test alert (O(test_alert=true)) is published through this broker, but Kapacitor has no
    default topic for it; give one as C(topic) in O(test_options), for example
    V(kapacitor/test), or the test fails with C(missing MQTT topic).
    O(test_options) also accepts C(message), C(qos) (V(at-most-once), V(at-least-once) or
    V(exactly-one), Kapacitor's spelling) and C(retained).
  - Kapacitor 1.8.3 drops its connection to an enabled broker when it fails to connect to a
    new O(url) of that broker; nothing is stored, but that broker sends nothing until its
    configuration changes again or Kapacitor restarts.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(mqtt) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/mqtt)
    shows them) are C(broker-name) (string, set by this module to O(name)); C(topic) (string, default V(""));
    C(message) (string, default V(test MQTT message)); C(qos) (string, default V(at-most-once)); C(retained)
    (boolean, default V(false)). With O(test_alert=true) other keys are refused before anything is written,
    and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor MQTT event handler
    description: Kapacitor's documentation of the MQTT handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/mqtt/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Publish alerts through the default broker
  tick.kapacitor.kapacitor_mqtt:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: tcp://mqtt.example.com:1883
    client_id: kapacitor
    username: kapacitor
    password: "{{ vault_mqtt_password }}"
    test_alert: true
    test_options:
      topic: kapacitor/test
      message: Kapacitor can reach the broker

- name: A second broker beside the default one (one of them must be the default)
  tick.kapacitor.kapacitor_mqtt:
    kapacitor_url: http://kapacitor.example.com:9092
    name: "{{ item.name }}"
    default: "{{ item.default }}"
    enabled: true
    url: "{{ item.url }}"
  loop:
    - {name: default, default: true, url: "tcp://mqtt.example.com:1883"}
    - {name: site-b, default: false, url: "ssl://mqtt.site-b.example.com:8883"}

- name: Remove the second broker again
  tick.kapacitor.kapacitor_mqtt:
    kapacitor_url: http://kapacitor.example.com:9092
    name: site-b
    state: absent
'''

RETURN = r'''
config:
  description:
    - The broker's effective options after the run (in check mode, as they would be),
      under this module's option names.
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    enabled: true
    default: false
    url: true
    ssl_ca: ""
    ssl_cert: ""
    ssl_key: ""
    insecure_skip_verify: false
    client_id: kapacitor
    username: kapacitor
    password: true
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - ssl_ca
    - url
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor published the message.
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import MQTT


def main():
    run_section_module(MQTT)


if __name__ == '__main__':
    main()
