#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_service_test
short_description: Run a Kapacitor service test, such as sending a test alert
version_added: 0.1.0
description:
  - Asks Kapacitor to test one of its services through
    C(POST /kapacitor/v1/service-tests/<service>), like the "Send Test Alert" button of
    Chronograf. For alert services (Slack, Telegram, SMTP, ...) Kapacitor sends a test alert
    with its current configuration.
  - The task fails when Kapacitor reports that the test failed, with Kapacitor's message.
  - Never changes anything (RV(ignore:changed) is always V(false)). Not run in check mode,
    since a test alert is a real message.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
options:
  service:
    description:
      - Name of the service to test, for example V(slack), V(telegram), V(smtp), V(kafka),
        V(mqtt) or V(influxdb).
      - C(GET /kapacitor/v1/service-tests) lists the services of a server.
    type: str
    required: true
  options:
    description:
      - Options of the test, merged by Kapacitor over its defaults for the service (which
        it partly takes from the service's configuration). See
        C(GET /kapacitor/v1/service-tests/<service>) for the options of each service.
      - Some services need options to test anything, for example V(kafka) its C(cluster)
        and V(mqtt) a C(topic).
      - "What is treated as secret, never shown (in the returned C(invocation), RV(message) and
        error messages) in any form (as given, Go-quoted, JSON-escaped, URL-encoded):"
      - "Values of options whose names contain C(token), C(password), C(passwd), C(secret),
        C(credential), C(community) or the key words C(api_key), C(app_key), C(routing_key),
        C(service_key), C(user_key) (ignoring case, C(-) and C(_): C(routingKey) too), also
        inside nested mappings and lists."
      - "C(url) options of webhook services (V(slack), V(teams), V(discord), V(talk)) as a whole,
        and every value of C(headers) (V(httppost): C(Authorization), API keys)."
      - "In other URL options (V(httppost)'s C(url), ...), the password of the userinfo, every
        query value and the fragment; they are shown with those parts masked."
    type: dict
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: In check mode the test is not sent and RV(success) is not returned.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/tick.kapacitor.kapacitor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tick.kapacitor.kapacitor
notes:
  - For alert services, a successful test does not always mean that the message was
    delivered; Kapacitor's SMTP test only queues the mail.
  - The endpoint modules of this collection can also send a test after configuring the
    endpoint (their O(tick.kapacitor.kapacitor_slack#module:test_alert) option).
seealso:
  - module: tick.kapacitor.kapacitor_info
  - module: tick.kapacitor.kapacitor_topic_handler
'''

EXAMPLES = r'''
- name: Send a test alert through Slack's default workspace
  tick.kapacitor.kapacitor_service_test:
    kapacitor_url: http://kapacitor.example.com:9092
    service: slack
    options:
      channel: "#ops"
      message: Kapacitor can reach Slack

- name: Queue a test message for a Kafka topic (Kafka's test does not wait for delivery)
  tick.kapacitor.kapacitor_service_test:
    kapacitor_url: http://kapacitor.example.com:9092
    service: kafka
    options:
      cluster: default
      topic: kapacitor-test

- name: Test Telegram without failing the play
  tick.kapacitor.kapacitor_service_test:
    kapacitor_url: http://kapacitor.example.com:9092
    service: telegram
  register: telegram_test
  ignore_errors: true
'''

RETURN = r'''
service:
  description: The service that was tested.
  returned: always
  type: str
  sample: slack
success:
  description: Whether Kapacitor reported the test as successful.
  returned: unless in check mode
  type: bool
  sample: true
message:
  description:
    - Kapacitor's message; empty on success, the error otherwise.
    - URLs it quotes are shortened to their scheme, host and port, because services put
      secrets in URL paths (webhook URLs, Telegram's bot token).
    - 'What the service''s peer answered (the body in C(failed to understand Slack response.
      code: 404 content: ...), Telegram''s description, OpsGenie''s and PagerDuty''s messages,
      Sensu''s socket answer) is replaced by C(<response content hidden>): a peer may echo
      the request, and with it the webhook path or token Kapacitor keeps. The status stays.'
  returned: unless in check mode
  type: str
  sample: ""
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_probes import SERVICE_TEST_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(SERVICE_TEST_TASK)


if __name__ == '__main__':
    main()
