#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kapacitor_alert_endpoints
short_description: Converge every alert endpoint of a Kapacitor host in one run
version_added: 0.1.0
description:
  - Takes the whole desired set of a host's alert endpoints in one argument and converges it
    with one read of Kapacitor's configuration, one write per endpoint that differs, and one
    read back. Made for fleet provisioning, where one task per endpoint costs Ansible's
    per-task overhead many times over.
  - Each section takes exactly the options, types, choices and secrets of its dedicated module
    (M(tick.kapacitor.kapacitor_slack), M(tick.kapacitor.kapacitor_smtp), ...). Every value is
    validated before anything is written; a bad value in one section fails the run with no
    section changed.
  - Check mode and diff mode work per endpoint; RV(endpoints) says what changed where.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  update_secrets:
    description:
      - Kapacitor never returns most secrets, so they cannot be compared.
      - V(on_create) sends a secret only when Kapacitor reports it unset; changing a secret
        that is already set needs V(always), which sends every given secret on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  prune:
    description:
      - Also remove the API overrides of every alert section and element that O(endpoints) does
        not list. Elements added through the API are deleted; sections and elements defined in
        C(kapacitor.conf) revert to the file.
      - Kapacitor does not report which values are overrides, so pruning sends one removal per
        unlisted section on every run; a section is reported changed only when its effective
        configuration changed.
    type: bool
    default: false
  test_changed:
    description:
      - After converging, send Kapacitor's test alert through every endpoint that changed.
        A failed test fails the task with Kapacitor's messages. Not sent in check mode.
    type: bool
    default: false
  # BEGIN GENERATED endpoints (tests/tooling/generate_bulk_docs.py)
  endpoints:
    description:
    - Every alert endpoint of the host, keyed by Kapacitor section. Single sections take a dictionary, list
      sections (V(slack), V(discord), V(kafka), V(mqtt), V(httppost)) a list of dictionaries.
    - Each section takes exactly the options of its dedicated module; a bad value in any section fails the
      run before anything is written.
    required: true
    suboptions:
      alerta:
        description:
        - Alerta, as M(tick.kapacitor.kapacitor_alerta) takes it.
        suboptions:
          enabled:
            description:
            - Turn the Alerta endpoint on. Kapacitor then requires O(endpoints.alerta.url).
            type: bool
          environment:
            description:
            - Default Alerta environment of alerts, such as V(Production). TICKscripts can override it per
              alert.
            type: str
          insecure_skip_verify:
            description:
            - Do not verify the TLS certificate of the Alerta server.
            type: bool
          origin:
            description:
            - Default origin of alerts (which program raised them), such as V(kapacitor).
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_alerta)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          timeout:
            description:
            - Default time after which Alerta expires an alert, as a Go duration such as V(24h) or V(30m).
              Kapacitor sends it to Alerta in whole seconds; V(0s) leaves it to Alerta. Negative durations
              are rejected.
            type: str
          token:
            description:
            - Alerta API key, sent in the C(Authorization) header as C(<token_prefix> <token>). TICKscripts
              can override it per alert.
            - Secret; see O(update_secrets).
            type: str
          token_prefix:
            description:
            - Scheme in front of the token in the C(Authorization) header. Kapacitor uses V(Bearer) when
              it is empty; Alerta servers older than 5.0 need V(Key).
            type: str
          url:
            description:
            - Base URL of the Alerta API, for example V(https://alerta.example.com/api). Kapacitor posts
              alerts to C(<url>/alert).
            type: str
        type: dict
      bigpanda:
        description:
        - BigPanda, as M(tick.kapacitor.kapacitor_bigpanda) takes it.
        suboptions:
          app_key:
            description:
            - Application key of the BigPanda integration, sent in every alert's payload.
            - Secret; see O(update_secrets). Kapacitor returns the key in clear, so unlike redacted secrets
              it is compared exactly and a new key is applied without O(update_secrets=always); it is still
              never shown.
            type: str
          auto_attributes:
            description:
            - Which data of an alert Kapacitor copies into the payload as additional attributes, as a comma-separated
              list of V(tags) and V(fields). Kapacitor's default is V(tags,fields); an empty string copies
              neither.
            - Needs Kapacitor 1.6.3 or later.
            type: str
          enabled:
            description:
            - Turn the BigPanda endpoint on. Kapacitor then requires O(endpoints.bigpanda.app_key), O(endpoints.bigpanda.token)
              and O(endpoints.bigpanda.url).
            type: bool
          global:
            description:
            - Send every alert of every task to BigPanda.
            type: bool
          insecure_skip_verify:
            description:
            - Do not verify BigPanda's TLS certificate.
            type: bool
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_bigpanda)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.bigpanda.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          token:
            description:
            - Organization token of BigPanda, sent as a bearer token.
            - Secret; see O(update_secrets).
            type: str
          url:
            description:
            - URL of BigPanda's alerts API. Kapacitor's default is V(https://api.bigpanda.io/data/v2/alerts).
            type: str
        type: dict
      discord:
        description:
        - Discord, as M(tick.kapacitor.kapacitor_discord) takes it (one item per workspace).
        elements: dict
        suboptions:
          avatar_url:
            description:
            - URL of the image shown as the poster's avatar.
            type: str
          default:
            description:
            - Make this the default workspace, used by alerts that name no workspace.
            type: bool
          embed_title:
            description:
            - Title of the message embed.
            type: str
          enabled:
            description:
            - Turn the workspace on. Kapacitor then requires O(endpoints.discord[].url) to be set.
            type: bool
          global:
            description:
            - Send every alert of every task to Discord. Only valid on the default workspace.
            type: bool
          insecure_skip_verify:
            description:
            - Do not verify Discord's TLS certificate.
            type: bool
          ssl_ca:
            description:
            - Path on the Kapacitor host of a CA file to verify Discord's certificate.
            type: str
          ssl_cert:
            description:
            - Path on the Kapacitor host of a client certificate.
            type: str
          ssl_key:
            description:
            - Path on the Kapacitor host of the client certificate's key.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_discord)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.discord[].global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          timestamp:
            description:
            - Add the alert's time to the message embed.
            type: bool
          url:
            description:
            - Webhook URL of the Discord channel, as shown by the channel's integration settings.
            - Secret; see O(update_secrets). Kapacitor returns this URL in clear, so unlike redacted secrets
              it is compared exactly and a new URL is applied without O(update_secrets=always); it is still
              never shown.
            type: str
          username:
            description:
            - Name the alerts are posted as, instead of the webhook's own name.
            type: str
          workspace:
            default: ''
            description:
            - The Discord workspace (the element of Kapacitor's C(discord) list) to manage. A workspace
              is one channel webhook; alerts choose it by name.
            - The empty string is the unnamed default workspace that every Kapacitor has unless C(kapacitor.conf)
              names its workspaces.
            - A workspace that does not exist is added. Kapacitor starts added workspaces from empty values
              (for example O(endpoints.discord[].default=false)), so give every option you need.
            - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
            - Kapacitor refuses to override the default (unnamed) workspace once any named workspace was
              added through its API (its check C(id must not be empty) rejects an unnamed workspace next
              to named ones; an upstream bug). The module then fails and explains why. Set the default workspace
              in C(kapacitor.conf) instead, or manage a named workspace with O(endpoints.discord[].default=true).
            type: str
        type: list
      hipchat:
        description:
        - HipChat, as M(tick.kapacitor.kapacitor_hipchat) takes it.
        suboptions:
          enabled:
            description:
            - Turn the HipChat endpoint on. Kapacitor then requires a URL (O(endpoints.hipchat.url) or O(endpoints.hipchat.subdomain)).
            type: bool
          global:
            description:
            - Send every alert of every task to HipChat.
            type: bool
          room:
            description:
            - Default room (name or id) to post alerts to. TICKscripts can override it per alert.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_hipchat)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.hipchat.global), send only alerts whose level changed.
            type: bool
          subdomain:
            description:
            - The HipChat subdomain, as Chronograf's HipChat form asks for it, for example V(mycompany)
              for C(https://mycompany.hipchat.com).
            - Not a Kapacitor option. The module sets O(endpoints.hipchat.url) to C(https://<subdomain>.hipchat.com/v2/room),
              and compares and returns it as O(endpoints.hipchat.url).
            - Letters, digits and V(-) only. Mutually exclusive with O(endpoints.hipchat.url).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          token:
            description:
            - HipChat API token (a room notification token or a user token with the C(send_notification)
              scope). TICKscripts can override it per alert.
            - Secret; see O(update_secrets).
            type: str
          url:
            description:
            - Room API URL of the HipChat server, for example V(https://mycompany.hipchat.com/v2/room).
              Kapacitor posts each alert to C(<url>/<room>/notification).
            - Mutually exclusive with O(endpoints.hipchat.subdomain).
            type: str
        type: dict
      httppost:
        description:
        - HTTP POST, as M(tick.kapacitor.kapacitor_httppost) takes it (one item per endpoint).
        elements: dict
        suboptions:
          alert_template:
            description:
            - Go template of the request body for alerts, evaluated over the alert data (for example V({"id":"{{
              .ID }}","level":"{{ .Level }}"})). Without a template Kapacitor posts the alert data as JSON.
            - Exclusive with O(endpoints.httppost[].alert_template_file).
            type: str
          alert_template_file:
            description:
            - Absolute path, on the Kapacitor host, of a file holding the alert body template.
            - Exclusive with O(endpoints.httppost[].alert_template).
            type: str
          basic_auth:
            description:
            - HTTP basic authentication. Kapacitor sends it only when both keys are non-empty.
            - Secret as a whole; see O(update_secrets). Kapacitor only reports whether it is set, so give
              both keys whenever you give it.
            suboptions:
              password:
                description:
                - Password; never shown.
                type: str
              username:
                description:
                - User name.
                type: str
            type: dict
          endpoint:
            description:
            - Name of the endpoint (the C(endpoint) key of a C([[httppost]]) table of C(kapacitor.conf))
              to manage. Kapacitor defines V(example) unless the file has C([[httppost]]) tables.
            - An endpoint that Kapacitor does not know makes the task fail without writing anything.
            - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
            required: true
            type: str
          headers:
            description:
            - Extra HTTP headers of every request, as a mapping of header names to string values.
            - A secret as a whole (they usually carry an C(Authorization) value) - never shown, returned
              as V(true) when set, compared exactly although Kapacitor returns them in clear.
            - The empty mapping removes them.
            type: dict
          row_template:
            description:
            - Go template of the request body for the rows that the TICKscript C(httpPost) node posts.
            - Exclusive with O(endpoints.httppost[].row_template_file).
            type: str
          row_template_file:
            description:
            - Absolute path, on the Kapacitor host, of a file holding the row body template.
            - Exclusive with O(endpoints.httppost[].row_template).
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_httppost)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL the alerts are posted to. It may be a Go template over the alert data, such as V(https://hooks.example.com/{{
              .ID }}).
            - Kapacitor never accepts an empty URL.
            type: str
        type: list
      kafka:
        description:
        - Kafka, as M(tick.kapacitor.kapacitor_kafka) takes it (one item per id).
        elements: dict
        suboptions:
          batch_size:
            description:
            - Number of messages Kapacitor collects before it sends them to Kafka in one batch.
            - V(0) means Kapacitor's default of 100.
            - From V(0) to V(9223372036854775807) (Kapacitor stores it as a Go C(int)); checked before anything
              is sent.
            type: int
          batch_timeout:
            description:
            - Longest time Kapacitor waits before it sends an incomplete batch, as a Go duration such as
              V(1s).
            - V(0s) means Kapacitor's default of one second. Negative durations are rejected.
            type: str
          brokers:
            description:
            - Addresses of the cluster's Kafka brokers, each as C(host:port), for example V(kafka1.example.com:9092).
            elements: str
            type: list
          enabled:
            description:
            - Turn the cluster on. Kapacitor then requires O(endpoints.kafka[].brokers).
            - Kapacitor only sends alerts, and test alerts, through enabled clusters.
            type: bool
          id:
            default: default
            description:
            - The Kafka cluster (the element of Kapacitor's C(kafka) list) to manage. Alert handlers and
              TICKscripts name it as their C(cluster); Kapacitor also uses it as the Kafka client id.
            - Every Kapacitor has a cluster V(default) unless C(kapacitor.conf) names its clusters.
            - A cluster that does not exist is added. Kapacitor starts added clusters from empty values
              (no O(endpoints.kafka[].brokers), O(endpoints.kafka[].timeout=0s), O(endpoints.kafka[].batch_size=0),
              which Kapacitor then treats as its defaults of 10s, 100 and 1s), so give every option you
              need.
            - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
            type: str
          insecure_skip_verify:
            description:
            - Use TLS but do not verify the brokers' certificates and host names.
            type: bool
          sasl_access_token:
            description:
            - A static OAuth 2 access token, with O(endpoints.kafka[].sasl_mechanism=OAUTHBEARER), instead
              of fetching tokens from a token endpoint. Cannot be combined with O(endpoints.kafka[].sasl_oauth_service)
              or O(endpoints.kafka[].sasl_oauth_token_url).
            - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so unlike
              other secrets a changed value is detected and written even with O(update_secrets=on_create);
              it is still never shown.
            type: str
          sasl_extensions:
            description:
            - SASL extensions sent with O(endpoints.kafka[].sasl_mechanism=OAUTHBEARER), as a dictionary
              of strings.
            - A secret as a whole (Kapacitor returns it in clear; extensions often carry credentials) -
              never shown, returned as V(true) when set, compared exactly.
            type: dict
          sasl_gssapi_auth_type:
            choices:
            - ''
            - KRB5_USER_AUTH
            - KRB5_KEYTAB_AUTH
            description:
            - How Kapacitor authenticates to Kerberos with O(endpoints.kafka[].sasl_mechanism=GSSAPI). V(KRB5_USER_AUTH)
              uses O(endpoints.kafka[].sasl_username) and O(endpoints.kafka[].sasl_password), V(KRB5_KEYTAB_AUTH)
              the keytab of O(endpoints.kafka[].sasl_gssapi_key_tab_path).
            type: str
          sasl_gssapi_disable_pafxfast:
            description:
            - Do not use Kerberos PA-FX-FAST pre-authentication (for KDCs such as Active Directory that
              do not support it).
            type: bool
          sasl_gssapi_kerberos_config_path:
            description:
            - Path on the Kapacitor host of the Kerberos configuration file (C(krb5.conf)).
            type: str
          sasl_gssapi_key_tab_path:
            description:
            - Path on the Kapacitor host of the Kerberos keytab file, with O(endpoints.kafka[].sasl_gssapi_auth_type=KRB5_KEYTAB_AUTH).
            type: str
          sasl_gssapi_realm:
            description:
            - Kerberos realm.
            type: str
          sasl_gssapi_service_name:
            description:
            - Kerberos service name of the brokers, with O(endpoints.kafka[].sasl_mechanism=GSSAPI).
            type: str
          sasl_mechanism:
            choices:
            - ''
            - PLAIN
            - SCRAM-SHA-256
            - SCRAM-SHA-512
            - GSSAPI
            - OAUTHBEARER
            description:
            - SASL mechanism. The empty string means V(PLAIN) when O(endpoints.kafka[].sasl_username) is
              set.
            - V(OAUTHBEARER) needs either O(endpoints.kafka[].sasl_access_token) or O(endpoints.kafka[].sasl_oauth_client_id)
              and O(endpoints.kafka[].sasl_oauth_client_secret) with a token endpoint (O(endpoints.kafka[].sasl_oauth_token_url),
              or O(endpoints.kafka[].sasl_oauth_tenant_id) for V(azuread)). Kapacitor checks this when the
              cluster is enabled.
            type: str
          sasl_oauth_client_id:
            description:
            - OAuth 2 client id, with O(endpoints.kafka[].sasl_mechanism=OAUTHBEARER).
            type: str
          sasl_oauth_client_secret:
            description:
            - OAuth 2 client secret of O(endpoints.kafka[].sasl_oauth_client_id).
            - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so unlike
              other secrets a changed value is detected and written even with O(update_secrets=on_create);
              it is still never shown.
            type: str
          sasl_oauth_parameters:
            description:
            - Additional parameters of the token request, as a dictionary of strings (for example C(audience)
              for V(auth0)).
            - A secret as a whole, like O(endpoints.kafka[].sasl_extensions) - never shown, returned as
              V(true) when set.
            type: dict
          sasl_oauth_scopes:
            description:
            - OAuth 2 scopes to request.
            elements: str
            type: list
          sasl_oauth_service:
            choices:
            - ''
            - custom
            - auth0
            - azuread
            description:
            - OAuth 2 service that issues tokens for O(endpoints.kafka[].sasl_mechanism=OAUTHBEARER). V(custom)
              (or the empty string) and V(auth0) need O(endpoints.kafka[].sasl_oauth_token_url); V(auth0)
              also needs an C(audience) in O(endpoints.kafka[].sasl_oauth_parameters); V(azuread) needs
              O(endpoints.kafka[].sasl_oauth_tenant_id).
            type: str
          sasl_oauth_tenant_id:
            description:
            - Azure AD tenant id, with O(endpoints.kafka[].sasl_oauth_service=azuread).
            type: str
          sasl_oauth_token_expiry_margin:
            description:
            - How long before its expiry a token is renewed, as a Go duration. Kapacitor's default is V(10s).
              Negative durations are rejected.
            type: str
          sasl_oauth_token_url:
            description:
            - URL of the OAuth 2 token endpoint (services V(custom) and V(auth0)).
            type: str
          sasl_password:
            description:
            - Password of O(endpoints.kafka[].sasl_username).
            - Secret; see O(update_secrets). Kapacitor returns Kafka's SASL secrets to its API, so unlike
              other secrets a changed value is detected and written even with O(update_secrets=on_create);
              it is still never shown.
            type: str
          sasl_username:
            description:
            - User name for SASL authentication (also the Kerberos user with O(endpoints.kafka[].sasl_mechanism=GSSAPI)).
              Setting it, or O(endpoints.kafka[].sasl_mechanism), turns SASL on.
            type: str
          sasl_version:
            description:
            - Version of the SASL handshake, V(0) or V(1) (anything else is rejected before anything is
              sent; Kapacitor would fail every connection). Unset, Kapacitor uses V(1).
            type: int
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
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_kafka)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          timeout:
            description:
            - Timeout of network operations with the brokers (connecting, reading, writing), as a Go duration
              such as V(10s).
            - V(0s) means Kapacitor's default of 10 seconds. Negative durations are rejected.
            type: str
          use_ssl:
            description:
            - Talk TLS to the brokers. Needed for O(endpoints.kafka[].ssl_ca), O(endpoints.kafka[].ssl_cert),
              O(endpoints.kafka[].ssl_key) and O(endpoints.kafka[].insecure_skip_verify) to take effect.
            type: bool
        type: list
      mqtt:
        description:
        - MQTT, as M(tick.kapacitor.kapacitor_mqtt) takes it (one item per name).
        elements: dict
        suboptions:
          client_id:
            description:
            - MQTT client id Kapacitor connects with. Kapacitor uses the broker's O(endpoints.mqtt[].name)
              when empty.
            type: str
          default:
            description:
            - Make this the default broker, used by alerts that name no broker. A single broker is the default
              anyway.
            type: bool
          enabled:
            description:
            - Connect to the broker. Kapacitor then requires O(endpoints.mqtt[].url), and connects while
              applying the change, so a broker it cannot reach fails the task and nothing is stored.
            type: bool
          insecure_skip_verify:
            description:
            - Do not verify the broker's TLS certificate.
            type: bool
          name:
            default: default
            description:
            - The broker (the element of Kapacitor's C(mqtt) list) to manage.
            - Every Kapacitor has a broker named V(default) unless C(kapacitor.conf) names its own.
            - A broker that does not exist is added. Kapacitor starts added brokers from empty values (for
              example O(endpoints.mqtt[].default=false)), so give every option you need.
            - Kapacitor refuses a second broker unless exactly one broker has O(endpoints.mqtt[].default=true);
              the built-in V(default) broker does not, so set O(endpoints.mqtt[].default) on one of them.
            - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
            type: str
          password:
            description:
            - Password of O(endpoints.mqtt[].username).
            - Secret; see O(update_secrets).
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
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_mqtt)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of the broker, such as V(tcp://mqtt.example.com:1883) or V(ssl://mqtt.example.com:8883).
              Credentials in the URL (V(tcp://user:password@host:1883)) take precedence over O(endpoints.mqtt[].username)
              and O(endpoints.mqtt[].password).
            - Secret, because it may hold credentials, so this module never shows it. Kapacitor returns
              it in clear, so unlike other secrets it is compared and a new value is written without O(update_secrets=always).
            type: str
          username:
            description:
            - User to authenticate with at the broker.
            type: str
        type: list
      opsgenie:
        description:
        - OpsGenie (v1 API), as M(tick.kapacitor.kapacitor_opsgenie) takes it.
        suboptions:
          api_key:
            description:
            - OpsGenie API key, sent as C(apiKey) in the body of every request.
            - Secret; see O(update_secrets).
            type: str
          enabled:
            description:
            - Turn the OpsGenie v1 endpoint on. Kapacitor then requires O(endpoints.opsgenie.api_key).
            type: bool
          global:
            description:
            - Send every alert of every task to OpsGenie.
            type: bool
          recipients:
            description:
            - Default recipients (users, groups, escalations or schedules) to notify. TICKscripts can override
              them per alert.
            - V([]) clears the list.
            elements: str
            type: list
          recovery_url:
            description:
            - URL recoveries (alerts going back to OK) are posted to (Kapacitor adds a trailing C(/)), which
              decides what a recovery does in OpsGenie. Kapacitor's default is V(https://api.opsgenie.com/v1/json/alert/note),
              which adds a note; use V(https://api.opsgenie.com/v1/json/alert/close) to close the alert.
              Must not be empty.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_opsgenie)).
            type: str
          teams:
            description:
            - Default teams to notify. TICKscripts can override them per alert.
            - V([]) clears the list.
            elements: str
            type: list
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL alerts are posted to (Kapacitor adds a trailing C(/)). Kapacitor's default is V(https://api.opsgenie.com/v1/json/alert).
              Must not be empty.
            type: str
        type: dict
      opsgenie2:
        description:
        - OpsGenie, as M(tick.kapacitor.kapacitor_opsgenie2) takes it.
        suboptions:
          api_key:
            description:
            - API key of an OpsGenie API integration, sent in the C(Authorization) header as C(GenieKey
              <api_key>).
            - Secret; see O(update_secrets).
            type: str
          details:
            description:
            - Use the alert's details (the C(.details()) template of the TICKscript) as the description
              of the OpsGenie alert, instead of the JSON of the alert data.
            type: bool
          enabled:
            description:
            - Turn the OpsGenie endpoint on. Kapacitor then requires O(endpoints.opsgenie2.api_key).
            type: bool
          global:
            description:
            - Send every alert of every task to OpsGenie.
            type: bool
          recipients:
            description:
            - Default users to notify (OpsGenie usernames, usually e-mail addresses); each becomes a C(user)
              responder of the OpsGenie alert. TICKscripts can override them per alert.
            - V([]) clears the list.
            elements: str
            type: list
          recovery_action:
            choices:
            - notes
            - close
            description:
            - What a recovery (an alert going back to OK) does to the OpsGenie alert. V(notes) adds a note,
              V(close) closes it. TICKscripts can override it per alert.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_opsgenie2)).
            type: str
          teams:
            description:
            - Default teams to notify; each becomes a C(team) responder of the OpsGenie alert. TICKscripts
              can override them per alert.
            - V([]) clears the list.
            elements: str
            type: list
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - OpsGenie Alert API URL. Kapacitor's default is V(https://api.opsgenie.com/v2/alerts); accounts
              in OpsGenie's EU region use V(https://api.eu.opsgenie.com/v2/alerts). Must not be empty.
            type: str
        type: dict
      pagerduty:
        description:
        - PagerDuty (v1 API), as M(tick.kapacitor.kapacitor_pagerduty) takes it.
        suboptions:
          enabled:
            description:
            - Turn the PagerDuty v1 endpoint on.
            type: bool
          global:
            description:
            - Send every alert of every task to PagerDuty.
            type: bool
          service_key:
            description:
            - Integration key (service key) of a PagerDuty service, sent as C(service_key) in the body of
              every event. TICKscripts can override it per alert.
            - Secret; see O(update_secrets).
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_pagerduty)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of the v1 Events API. Kapacitor's default is V(https://events.pagerduty.com/generic/2010-04-15/create_event.json).
              Must not be empty.
            type: str
        type: dict
      pagerduty2:
        description:
        - PagerDuty, as M(tick.kapacitor.kapacitor_pagerduty2) takes it.
        suboptions:
          enabled:
            description:
            - Turn the PagerDuty endpoint on. Kapacitor does not require O(endpoints.pagerduty2.routing_key)
              then, but PagerDuty rejects events without one.
            type: bool
          global:
            description:
            - Send every alert of every task to PagerDuty.
            type: bool
          routing_key:
            description:
            - Integration key of an Events API v2 integration of a PagerDuty service, sent as C(routing_key)
              in the body of every event. TICKscripts can override it per alert.
            - Secret; see O(update_secrets).
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_pagerduty2)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of the Events API v2. Kapacitor's default is V(https://events.pagerduty.com/v2/enqueue).
              Must not be empty.
            type: str
        type: dict
      pushover:
        description:
        - Pushover, as M(tick.kapacitor.kapacitor_pushover) takes it.
        suboptions:
          enabled:
            description:
            - Turn the Pushover endpoint on. Kapacitor then requires O(endpoints.pushover.token), O(endpoints.pushover.user_key)
              and O(endpoints.pushover.url).
            type: bool
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_pushover)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          token:
            description:
            - API token of the Pushover application the notifications are sent from.
            - Secret; see O(update_secrets).
            type: str
          url:
            description:
            - URL of Pushover's messages API. Kapacitor's default is V(https://api.pushover.net/1/messages.json).
            type: str
          user_key:
            description:
            - Key of the Pushover user or delivery group that receives the notifications.
            - Secret; see O(update_secrets).
            type: str
        type: dict
      sensu:
        description:
        - Sensu, as M(tick.kapacitor.kapacitor_sensu) takes it.
        suboptions:
          addr:
            description:
            - C(host:port) of the Sensu client socket that receives check results, such as V(sensu-client.example.com:3030).
            type: str
          enabled:
            description:
            - Turn the Sensu endpoint on. Kapacitor then requires O(endpoints.sensu.addr).
            type: bool
          handlers:
            description:
            - Default Sensu handlers of the check results, used when an alert names none.
            - The empty list clears them.
            elements: str
            type: list
          source:
            description:
            - Default proxy client (JIT client) name the check results are reported for.
            - Kapacitor's default is V(Kapacitor). Alert handlers may override it, also with a template
              such as V({{ index .Tags "host" }}).
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_sensu)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
        type: dict
      servicenow:
        description:
        - ServiceNow, as M(tick.kapacitor.kapacitor_servicenow) takes it.
        suboptions:
          enabled:
            description:
            - Turn the ServiceNow endpoint on. Kapacitor then requires O(endpoints.servicenow.url).
            type: bool
          global:
            description:
            - Send every alert of every task to ServiceNow.
            type: bool
          password:
            description:
            - Password of O(endpoints.servicenow.username).
            - Secret; see O(update_secrets).
            type: str
          source:
            description:
            - Event source reported to ServiceNow when an alert names none.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_servicenow)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.servicenow.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of the ServiceNow event management web service, such as V(https://instance.service-now.com/api/global/em/jsonv2).
            type: str
          username:
            description:
            - User that Kapacitor authenticates as (HTTP basic authentication, used when both O(endpoints.servicenow.username)
              and O(endpoints.servicenow.password) are set).
            type: str
        type: dict
      slack:
        description:
        - Slack, as M(tick.kapacitor.kapacitor_slack) takes it (one item per workspace).
        elements: dict
        suboptions:
          channel:
            description:
            - Default channel, such as V(#alerts) or V(@user).
            type: str
          default:
            description:
            - Make this the default workspace, used by alerts that name no workspace.
            type: bool
          enabled:
            description:
            - Turn the workspace on. Kapacitor then requires O(endpoints.slack[].url) to be set.
            type: bool
          global:
            description:
            - Send every alert of every task to Slack. Only valid on the default workspace.
            type: bool
          icon_emoji:
            description:
            - Emoji shown as the poster's icon, such as V(:chart_with_upwards_trend:).
            type: str
          insecure_skip_verify:
            description:
            - Do not verify Slack's TLS certificate.
            type: bool
          ssl_ca:
            description:
            - Path on the Kapacitor host of a CA file to verify Slack's certificate.
            type: str
          ssl_cert:
            description:
            - Path on the Kapacitor host of a client certificate.
            type: str
          ssl_key:
            description:
            - Path on the Kapacitor host of the client certificate's key.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_slack)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.slack[].global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          token:
            description:
            - OAuth bot token of a Slack app, used with O(endpoints.slack[].url=https://slack.com/api/chat.postMessage).
            - Secret; see O(update_secrets). Needs Kapacitor 1.6 or later.
            type: str
          url:
            description:
            - Slack incoming webhook URL, or V(https://slack.com/api/chat.postMessage) with O(endpoints.slack[].token)
              for a Slack app.
            - Secret; see O(update_secrets).
            type: str
          username:
            description:
            - Name the alerts are posted as.
            type: str
          workspace:
            default: ''
            description:
            - The Slack workspace (the element of Kapacitor's C(slack) list) to manage.
            - The empty string is the unnamed default workspace that every Kapacitor has unless C(kapacitor.conf)
              names its workspaces.
            - A workspace that does not exist is added. Kapacitor starts added workspaces from empty values
              (for example no O(endpoints.slack[].username) and O(endpoints.slack[].default=false)), so
              give every option you need.
            - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
            - Kapacitor refuses to override the default (unnamed) workspace once any named workspace was
              added through its API (its check C(id must not be empty) rejects an unnamed workspace next
              to named ones; an upstream bug). The module then fails and explains why. Set the default workspace
              in C(kapacitor.conf) instead, or manage a named workspace with O(endpoints.slack[].default=true).
            type: str
        type: list
      smtp:
        description:
        - SMTP (email), as M(tick.kapacitor.kapacitor_smtp) takes it.
        suboptions:
          enabled:
            description:
            - Turn the SMTP endpoint on. Kapacitor then requires O(endpoints.smtp.from).
            type: bool
          from:
            description:
            - Sender address of the alert emails, such as V(kapacitor@example.com). Required when O(endpoints.smtp.enabled=true).
            type: str
          global:
            description:
            - Send every alert of every task by email (to O(endpoints.smtp.to)).
            type: bool
          host:
            description:
            - Host name or address of the SMTP server. Kapacitor's default is V(localhost).
            type: str
          idle_timeout:
            description:
            - How long Kapacitor keeps an unused connection to the SMTP server open, as a Go duration such
              as V(30s) or V(1m). Kapacitor's default is V(30s). Negative durations are rejected.
            type: str
          no_verify:
            description:
            - Do not verify the SMTP server's TLS certificate.
            type: bool
          password:
            description:
            - Password of O(endpoints.smtp.username).
            - Secret; see O(update_secrets).
            type: str
          port:
            description:
            - Port of the SMTP server, a whole number from V(1) to V(65535). Kapacitor's default is V(25).
            - Kapacitor uses STARTTLS when the server offers it; it does not speak implicit TLS (SMTPS),
              so use the submission port (V(587)) rather than V(465).
            type: int
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_smtp)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.smtp.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          to:
            description:
            - Default recipients, used when an alert names none. Each must be an email address.
            - The empty list clears them.
            elements: str
            type: list
          to_templates:
            description:
            - Templates that compute further recipients from the alert's data, such as V({{ index .Tags
              "owner" }}@example.com). Needs Kapacitor 1.6.3 or later.
            - Kapacitor (up to 1.8.3 at least) stores this option but does not use it; recipient templates
              take effect when given to the alert itself (the C(toTemplates) property of the TICKscript
              C(email) node, the C(to-field) option of an C(smtp) topic handler).
            - The empty list clears them.
            elements: str
            type: list
          username:
            description:
            - User to authenticate with. Kapacitor authenticates only when the server offers authentication
              (C(AUTH)); otherwise it sends without.
            type: str
        type: dict
      snmptrap:
        description:
        - SNMP trap, as M(tick.kapacitor.kapacitor_snmptrap) takes it.
        suboptions:
          addr:
            description:
            - C(host:port) of the trap receiver (UDP), such as V(snmp.example.com:162).
            - Kapacitor's default is V(localhost:162).
            type: str
          community:
            description:
            - SNMP v2c community string sent with every trap.
            - Kapacitor's default is V(kapacitor), so Kapacitor reports it as set even before you set it;
              with the default O(update_secrets=on_create) a community given here is then B(not sent) unless
              O(update_secrets=always).
            - Secret; see O(update_secrets).
            type: str
          enabled:
            description:
            - Turn the SNMP trap endpoint on. Kapacitor then requires O(endpoints.snmptrap.addr).
            type: bool
          retries:
            description:
            - How often the SNMP client retries a request, V(0) or more (Kapacitor passes it on as an unsigned
              number, where a negative count would mean endless retries).
            - Kapacitor's default is V(1).
            type: int
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_snmptrap)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
        type: dict
      talk:
        description:
        - Talk, as M(tick.kapacitor.kapacitor_talk) takes it.
        suboptions:
          author_name:
            description:
            - Name the alerts are posted as.
            type: str
          enabled:
            description:
            - Turn the Talk endpoint on. Kapacitor then requires O(endpoints.talk.url).
            type: bool
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_talk)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of a Talk incoming webhook (the "Incoming Webhook" integration of a Talk team). It carries
              the webhook's token, so Kapacitor never shows it.
            - Secret; see O(update_secrets).
            type: str
        type: dict
      teams:
        description:
        - Microsoft Teams, as M(tick.kapacitor.kapacitor_teams) takes it.
        suboptions:
          channel_url:
            description:
            - Incoming webhook URL of the Teams channel that receives the alerts.
            - Secret; see O(update_secrets). Kapacitor returns this URL in clear, so unlike redacted secrets
              it is compared exactly and a new URL is applied without O(update_secrets=always); it is still
              never shown.
            type: str
          enabled:
            description:
            - Turn the Teams endpoint on. Kapacitor then requires O(endpoints.teams.channel_url).
            type: bool
          global:
            description:
            - Send every alert of every task to Teams.
            type: bool
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_teams)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.teams.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
        type: dict
      telegram:
        description:
        - Telegram, as M(tick.kapacitor.kapacitor_telegram) takes it.
        suboptions:
          chat_id:
            description:
            - Default chat to send alerts to. Numeric ids are strings too, for example V('-1001234567');
              an unquoted number is accepted and sent as its text.
            - As for every string option of this collection, a boolean, list or dictionary is rejected rather
              than turned into text.
            type: str
          disable_notification:
            description:
            - Send alerts silently (no sound on the recipients' devices).
            type: bool
          disable_web_page_preview:
            description:
            - Do not show link previews in alert messages.
            type: bool
          enabled:
            description:
            - Turn the Telegram endpoint on. Kapacitor then requires O(endpoints.telegram.url) and O(endpoints.telegram.token).
            type: bool
          global:
            description:
            - Send every alert of every task to Telegram.
            type: bool
          parse_mode:
            choices:
            - Markdown
            - HTML
            - ''
            description:
            - How Telegram formats the message text. The empty string sends plain text.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_telegram)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.telegram.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          token:
            description:
            - Token of the Telegram bot, as given by BotFather.
            - Secret; see O(update_secrets).
            type: str
          url:
            description:
            - Base URL of the Telegram Bot API; the bot token and the method are appended to it.
            - Kapacitor's default is V(https://api.telegram.org/bot).
            type: str
        type: dict
      victorops:
        description:
        - VictorOps, as M(tick.kapacitor.kapacitor_victorops) takes it.
        suboptions:
          api_key:
            description:
            - API key of the VictorOps REST endpoint integration. Kapacitor posts each alert to C(<url>/<api_key>/<routing_key>).
            - Secret; see O(update_secrets).
            type: str
          enabled:
            description:
            - Turn the VictorOps endpoint on.
            type: bool
          global:
            description:
            - Send every alert of every task to VictorOps.
            type: bool
          json_data:
            description:
            - Send the alert data in the C(data) field as a JSON object instead of a string holding JSON.
            type: bool
          routing_key:
            description:
            - Default routing key, which selects the VictorOps team (escalation policy) alerts go to. TICKscripts
              can override it per alert.
            - Not a secret; Kapacitor shows it in clear, and so does this module.
            type: str
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_victorops)).
            type: str
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          url:
            description:
            - URL of the VictorOps REST endpoint integration, without the API key and routing key. Kapacitor's
              default is V(https://alert.victorops.com/integrations/generic/20131114/alert). Must not be
              empty.
            type: str
        type: dict
      zenoss:
        description:
        - Zenoss, as M(tick.kapacitor.kapacitor_zenoss) takes it.
        suboptions:
          action:
            description:
            - Name of the Zenoss router the events are sent to (the JSON-RPC C(action)).
            - Kapacitor's default is V(EventsRouter).
            type: str
          collector:
            description:
            - Collector name given to the events.
            - Kapacitor's default is V(Kapacitor).
            type: str
          enabled:
            description:
            - Turn the Zenoss endpoint on. Kapacitor then requires O(endpoints.zenoss.url).
            type: bool
          global:
            description:
            - Send every alert of every task to Zenoss.
            type: bool
          method:
            description:
            - Router method that creates the event (the JSON-RPC C(method)).
            - Kapacitor's default is V(add_event).
            type: str
          password:
            description:
            - Password of O(endpoints.zenoss.username).
            - Secret; see O(update_secrets).
            type: str
          severity_map:
            description:
            - Zenoss severity sent for each Kapacitor alert level.
            - Needs exactly the keys V(ok), V(info), V(warning) and V(critical); a map missing a level is
              rejected before anything is sent.
            - Values are Zenoss severity names (V(Clear), V(Debug), V(Info), V(Warning), V(Error), V(Critical))
              or numbers (V(0) to V(5)); Kapacitor sends them to Zenoss unchanged, so V(5) and V('5') are
              different values.
            - Kapacitor's default maps V(ok) to V(Clear), V(info) to V(Info), V(warning) to V(Warning) and
              V(critical) to V(Critical).
            type: dict
          state:
            choices:
            - present
            - absent
            default: present
            description:
            - V(present) sets the given options; V(absent) removes the API overrides (see M(tick.kapacitor.kapacitor_zenoss)).
            type: str
          state_changes_only:
            description:
            - With O(endpoints.zenoss.global), send only alerts whose level changed.
            type: bool
          test_options:
            description:
            - Options of the test alert sent when O(test_changed=true) and this endpoint changed.
            type: dict
          tid:
            description:
            - Transaction id of the JSON-RPC request, within Go's C(int64) range.
            - Kapacitor's default is V(1).
            type: int
          type:
            description:
            - Type of the JSON-RPC request.
            - Kapacitor's default is V(rpc).
            type: str
          url:
            description:
            - URL of the Zenoss events router, such as V(https://zenoss.example.com/zport/dmd/evconsole_router).
            - Kapacitor requires an absolute URL even while the endpoint is disabled.
            - Kapacitor's default is the placeholder V(https://tenant.zenoss.io:8080/zport/dmd/evconsole_router).
            type: str
          username:
            description:
            - User for HTTP basic authentication at Zenoss. Kapacitor sends credentials only when both O(endpoints.zenoss.username)
              and O(endpoints.zenoss.password) are set.
            type: str
        type: dict
    type: dict
  # END GENERATED endpoints
notes:
  - Secrets are never returned, logged or shown in diffs; in RV(config) they appear as V(true)
    when set and V(false) when unset.
  - Durations are Go duration strings (V(10s), V(1m30s)) and are validated before anything is
    sent.
seealso:
  - module: tick.kapacitor.kapacitor_slack
  - module: tick.kapacitor.kapacitor_config
'''

EXAMPLES = r'''
- name: Every alert endpoint of this Kapacitor in one task
  tick.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      slack:
        - workspace: ""
          enabled: true
          url: "{{ vault_slack_webhook_url }}"
          channel: "#alerts"
        - workspace: ops
          enabled: true
          url: "{{ vault_ops_webhook_url }}"
          channel: "#ops"
      telegram:
        enabled: true
        token: "{{ vault_telegram_token }}"
        chat_id: "-1001234567"
      smtp:
        enabled: true
        host: smtp.example.com
        port: 587
        from: kapacitor@example.com
        to: [oncall@example.com]
        idle_timeout: 1m
    test_changed: true

- name: Exactly these endpoints, nothing else configured through the API
  tick.kapacitor.kapacitor_alert_endpoints:
    endpoints:
      pagerduty2:
        enabled: true
        routing_key: "{{ vault_pagerduty_routing_key }}"
    prune: true
'''

RETURN = r'''
endpoints:
  description:
    - What happened to each endpoint, keyed by C(section) or C(section/element).
  returned: success
  type: dict
  sample:
    slack/ops:
      changed: true
      changed_options: [channel]
      state: present
    telegram:
      changed: false
      changed_options: []
      state: present
config:
  description:
    - Effective options of each listed endpoint after the run (in check mode, as they would
      be), keyed like RV(endpoints). Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    telegram:
      enabled: true
      token: true
      chat_id: "-1001234567"
test_alerts:
  description: Kapacitor's answer to each test alert, when O(test_changed=true).
  returned: when O(test_changed=true) and not in check mode
  type: dict
  sample:
    slack/ops:
      success: true
      message: ""
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(BULK_TASK)


if __name__ == '__main__':
    main()
