#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_kafka
short_description: Manage Kapacitor's Kafka alert endpoint (one cluster)
version_added: 0.1.0
description:
  - Configures one Kafka cluster of Kapacitor's C(kafka) section through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf).
  - Most changes take effect without restarting Kapacitor. On an enabled cluster, a change of
    only O(timeout), O(batch_size), O(batch_timeout) or O(insecure_skip_verify) does not reach
    the topics Kapacitor already writes to until it restarts (see the notes).
  - Reads the cluster once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through the cluster, like Chronograf's "Send Test Alert". Kapacitor
    then writes a message to a topic of this cluster.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  id:
    description:
      - The Kafka cluster (the element of Kapacitor's C(kafka) list) to manage. Alert handlers
        and TICKscripts name it as their C(cluster); Kapacitor also uses it as the Kafka
        client id.
      - Every Kapacitor has a cluster V(default) unless C(kapacitor.conf) names its clusters.
      - A cluster that does not exist is added. Kapacitor starts added clusters from empty
        values, so give every option you need. Without them an added cluster has no
        O(brokers), and O(timeout=0s) (the Kafka client's 30 seconds), O(batch_size=0) (100) and
        O(batch_timeout=0s) (every message is sent at once), like the cluster V(default).
      - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
    type: str
    default: default
  enabled:
    description:
      - Turn the cluster on. Kapacitor then requires O(brokers).
      - Kapacitor only sends alerts, and test alerts, through enabled clusters.
    type: bool
  brokers:
    description:
      - Addresses of the cluster's Kafka brokers, each as C(host:port), for example
        V(kafka1.example.com:9092).
    type: list
    elements: str
  timeout:
    description:
      - Timeout of network operations with the brokers (connecting, reading, writing), as a
        Go duration such as V(10s).
      - V(0s), the default, leaves the timeouts of the Kafka client library Kapacitor uses
        (IBM/sarama), 30 seconds each. Negative durations are rejected.
    type: str
  batch_size:
    description:
      - Most messages Kapacitor sends to Kafka in one request. When a batch holds this many,
        the next message sends it without waiting for O(batch_timeout).
      - V(0) means 100.
      - From V(0) to V(9223372036854775807) (Kapacitor stores it as a Go C(int)); checked before
        anything is sent.
    type: int
  batch_timeout:
    description:
      - Longest time Kapacitor waits before it sends an incomplete batch, as a Go duration
        such as V(1s).
      - V(0s), the default, does not wait; messages are sent as soon as they arrive. Negative
        durations are rejected.
    type: str
  use_ssl:
    description:
      - Talk TLS to the brokers. Needed for O(ssl_ca), O(ssl_cert), O(ssl_key) and
        O(insecure_skip_verify) to take effect.
    type: bool
  ssl_ca:
    description:
      - Path on the Kapacitor host of a CA file to verify the brokers' certificates.
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
      - With O(use_ssl), do not verify the brokers' certificates and host names.
    type: bool
  sasl_username:
    description:
      - User name for SASL authentication (also the Kerberos user with
        O(sasl_mechanism=GSSAPI)). Setting it, or O(sasl_mechanism), turns SASL on.
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_password:
    description:
      - Password of O(sasl_username).
      - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so
        unlike other secrets a changed value is detected and written even with
        O(update_secrets=on_create); it is still never shown.
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_mechanism:
    description:
      - SASL mechanism. The empty string means V(PLAIN) when O(sasl_username) is set.
      - V(OAUTHBEARER) needs either O(sasl_access_token) or O(sasl_oauth_client_id) and
        O(sasl_oauth_client_secret) with a token endpoint (O(sasl_oauth_token_url), or
        O(sasl_oauth_tenant_id) for V(azuread)). Kapacitor checks this when the cluster is
        enabled.
      - Needs Kapacitor 1.6.4 or later.
    type: str
    choices: ['', PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, GSSAPI, OAUTHBEARER]
  sasl_version:
    description:
      - Version of the SASL handshake, V(0) or V(1) (anything else is rejected before anything is
        sent; Kapacitor would fail every connection). Unset, Kapacitor uses V(1).
      - Needs Kapacitor 1.6.4 or later.
    type: int
  sasl_extensions:
    description:
      - SASL extensions sent with O(sasl_mechanism=OAUTHBEARER), as a dictionary of strings.
      - A secret as a whole (Kapacitor returns it in clear; extensions often carry credentials) -
        never shown, returned as V(true) when set, compared exactly.
      - Needs Kapacitor 1.7.6 or later.
    type: dict
  sasl_gssapi_service_name:
    description:
      - Kerberos service name of the brokers, with O(sasl_mechanism=GSSAPI).
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_gssapi_auth_type:
    description:
      - How Kapacitor authenticates to Kerberos with O(sasl_mechanism=GSSAPI). V(KRB5_USER_AUTH)
        uses O(sasl_username) and O(sasl_password), V(KRB5_KEYTAB_AUTH) the keytab of
        O(sasl_gssapi_key_tab_path).
      - Needs Kapacitor 1.6.4 or later.
    type: str
    choices: ['', KRB5_USER_AUTH, KRB5_KEYTAB_AUTH]
  sasl_gssapi_disable_pafxfast:
    description:
      - Do not use Kerberos PA-FX-FAST pre-authentication (for KDCs such as Active Directory
        that do not support it).
      - Needs Kapacitor 1.6.4 or later.
    type: bool
  sasl_gssapi_kerberos_config_path:
    description:
      - Path on the Kapacitor host of the Kerberos configuration file (C(krb5.conf)).
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_gssapi_key_tab_path:
    description:
      - Path on the Kapacitor host of the Kerberos keytab file, with
        O(sasl_gssapi_auth_type=KRB5_KEYTAB_AUTH).
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_gssapi_realm:
    description:
      - Kerberos realm.
      - Needs Kapacitor 1.6.4 or later.
    type: str
  sasl_oauth_service:
    description:
      - OAuth 2 service that issues tokens for O(sasl_mechanism=OAUTHBEARER), one of V(custom)
        (or the empty string), V(auth0) and V(azuread). V(custom) and V(auth0) need
        O(sasl_oauth_token_url); V(auth0) also needs an C(audience) in O(sasl_oauth_parameters);
        V(azuread) needs O(sasl_oauth_tenant_id) and no O(sasl_oauth_token_url).
      - Kapacitor takes the value in any case (it lower-cases it), so this module does too and
        compares it ignoring case; V(AzureAD) on a server that has V(azuread) is no change. Any
        other value is refused before anything is sent.
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_oauth_client_id:
    description:
      - OAuth 2 client id, with O(sasl_mechanism=OAUTHBEARER).
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_oauth_client_secret:
    description:
      - OAuth 2 client secret of O(sasl_oauth_client_id).
      - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so
        unlike other secrets a changed value is detected and written even with
        O(update_secrets=on_create); it is still never shown.
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_oauth_token_url:
    description:
      - URL of the OAuth 2 token endpoint (services V(custom) and V(auth0)).
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_oauth_scopes:
    description:
      - OAuth 2 scopes to request.
      - Needs Kapacitor 1.7.6 or later.
    type: list
    elements: str
  sasl_oauth_parameters:
    description:
      - Additional parameters of the token request, as a dictionary of strings (for example
        C(audience) for V(auth0)).
      - A secret as a whole, like O(sasl_extensions) - never shown, returned as V(true) when set.
      - Needs Kapacitor 1.7.6 or later.
    type: dict
  sasl_oauth_token_expiry_margin:
    description:
      - How long before its expiry a token is renewed, as a Go duration. Kapacitor's default
        is V(10s); V(0s) (what clusters added through the API start with) means 10 seconds as
        well. Negative durations are rejected.
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_oauth_tenant_id:
    description:
      - Azure AD tenant id, with O(sasl_oauth_service=azuread).
      - Needs Kapacitor 1.7.6 or later.
    type: str
  sasl_access_token:
    description:
      - A static OAuth 2 access token, with O(sasl_mechanism=OAUTHBEARER), instead of
        fetching tokens from a token endpoint. Cannot be combined with O(sasl_oauth_service)
        or O(sasl_oauth_token_url).
      - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so
        unlike other secrets a changed value is detected and written even with
        O(update_secrets=on_create); it is still never shown.
      - Needs Kapacitor 1.6.4 or later.
    type: str
notes:
  - The test alert (O(test_alert=true)) goes through the cluster O(id), which must be enabled.
    Kapacitor writes the message to the topic C(test) with the key C(key) unless
    O(test_options) sets C(topic), C(key) or C(message). Kafka creates the topic if the brokers
    allow automatic topic creation.
  - Kapacitor reports the test alert as sent as soon as it has queued the message, and delivers
    it in the background within O(batch_timeout). Brokers that cannot be reached therefore do
    not make the test fail (Kapacitor only writes the error to its log). Look for the message
    in the topic. Disabled or unknown clusters and an empty topic do fail the test.
  - Kapacitor drops a cluster from its running configuration as soon as it is disabled or
    removed, so alerts stop going to it at once.
  - Kapacitor keeps one Kafka producer per topic it has written to, made with the cluster's
    options of that moment, and replaces them only when O(brokers), O(use_ssl), O(ssl_ca),
    O(ssl_cert), O(ssl_key) or a SASL option changes, or the cluster is disabled or removed. A
    change of only O(timeout), O(batch_size), O(batch_timeout) or O(insecure_skip_verify) on an
    enabled cluster therefore applies to topics written for the first time afterwards; topics
    already written keep the old values until Kapacitor restarts, one of those other options
    changes, or the cluster is disabled and then enabled again (two tasks, O(enabled=false) then
    O(enabled=true)).
  - Replacing the producers (a change of O(brokers), O(use_ssl), an SSL or SASL option, or
    disabling or removing an enabled cluster) first sends the messages that still wait for
    O(batch_timeout). Kapacitor waits 5 seconds for the change to apply; with a longer
    O(batch_timeout) and messages waiting, it answers that the update timed out (HTTP 500) and
    does not store the change, although the running cluster takes it. The task then fails with
    Kapacitor's message; run it again once O(batch_timeout) has passed.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(kafka) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/kafka)
    shows them) are C(cluster) (string, set by this module to O(id)); C(topic) (string, default V(test));
    C(key) (string, default V(key)); C(message) (string, default V(test kafka message)). With O(test_alert=true)
    other keys are refused before anything is written, and so are values whose type differs from a default
    that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Kafka event handler
    description: Kapacitor's documentation of the Kafka handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/kafka/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to a Kafka cluster, and queue a test message (Kapacitor does not wait for delivery)
  tick.kapacitor.kapacitor_kafka:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    brokers:
      - kafka1.example.com:9092
      - kafka2.example.com:9092
    batch_size: 50
    batch_timeout: 500ms
    test_alert: true
    test_options:
      topic: kapacitor-alerts
      key: ansible
      message: Kapacitor can reach this cluster

- name: A second cluster, with TLS and SASL/SCRAM
  tick.kapacitor.kapacitor_kafka:
    kapacitor_url: http://kapacitor.example.com:9092
    id: analytics
    enabled: true
    brokers: [kafka.analytics.example.com:9093]
    timeout: 20s
    use_ssl: true
    ssl_ca: /etc/kapacitor/kafka-ca.pem
    sasl_username: kapacitor
    sasl_password: "{{ vault_kafka_password }}"
    sasl_mechanism: SCRAM-SHA-512

- name: A cluster that authenticates with OAuth 2 tokens from a custom token endpoint
  tick.kapacitor.kapacitor_kafka:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cloud
    enabled: true
    brokers: [broker.cloud.example.com:9094]
    use_ssl: true
    sasl_mechanism: OAUTHBEARER
    sasl_oauth_service: custom
    sasl_oauth_client_id: kapacitor
    sasl_oauth_client_secret: "{{ vault_kafka_oauth_secret }}"
    sasl_oauth_token_url: https://login.example.com/oauth2/token
    sasl_oauth_scopes: [kafka]

- name: Remove the analytics cluster again
  tick.kapacitor.kapacitor_kafka:
    kapacitor_url: http://kapacitor.example.com:9092
    id: analytics
    state: absent
'''

RETURN = r'''
config:
  description:
    - The cluster's effective options after the run (in check mode, as they would be),
      under this module's option names.
    - Secrets are V(true) when set and V(false) when unset.
    - Durations are Go duration strings, except O(sasl_oauth_token_expiry_margin), which
      Kapacitor returns in nanoseconds.
  returned: success
  type: dict
  sample:
    enabled: true
    brokers: ["kafka1.example.com:9092", "kafka2.example.com:9092"]
    timeout: 0s
    batch_size: 50
    batch_timeout: 500ms
    use_ssl: false
    ssl_ca: ""
    ssl_cert: ""
    ssl_key: ""
    insecure_skip_verify: false
    sasl_username: ""
    sasl_password: false
    sasl_mechanism: ""
    sasl_version: null
    sasl_extensions: null
    sasl_gssapi_service_name: ""
    sasl_gssapi_auth_type: ""
    sasl_gssapi_disable_pafxfast: false
    sasl_gssapi_kerberos_config_path: ""
    sasl_gssapi_key_tab_path: ""
    sasl_gssapi_realm: ""
    sasl_oauth_service: ""
    sasl_oauth_client_id: ""
    sasl_oauth_client_secret: false
    sasl_oauth_token_url: ""
    sasl_oauth_scopes: null
    sasl_oauth_parameters: null
    sasl_oauth_token_expiry_margin: 10000000000
    sasl_oauth_tenant_id: ""
    sasl_access_token: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - sasl_password
    - ssl_ca
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: 'Whether Kapacitor queued the message for the cluster (not whether Kafka received it:
        delivery errors only reach Kapacitor''s log).'
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import KAFKA


def main():
    run_section_module(KAFKA)


if __name__ == '__main__':
    main()
