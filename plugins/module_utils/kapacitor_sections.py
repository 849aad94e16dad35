# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The alert sections this collection manages, described once for every module that uses them.

Option names are Kapacitor's with dashes turned into underscores; ``api_name`` marks the
exceptions. Sources: Kapacitor v1.8.3 ``services/<name>/config.go``; ``since`` (of a section
or an option) is the first version whose ``server/config.go`` or ``services/<name>/config.go``
has its ``override`` tag (tags v1.5.9 to v1.8.3 compared; docs/kapacitor-versions.md).
"""

import re

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import Option, Section, SpecError

# Kafka exposes SASL only as one object under Go field names (and shows its secrets in clear).
SASL = 'SASLAuth'
# The first versions with Kafka SASL (Kapacitor 1.6.4: user, password, mechanism, version,
# GSSAPI, access token) and with its OAuth 2 options and extensions (1.7.6).
SASL_BASIC = '1.6.4'
SASL_OAUTH = '1.7.6'


def _hipchat_url_from_subdomain(params):
    """Chronograf's HipChat form asks for the subdomain; Kapacitor wants the API URL."""
    subdomain = params.get('subdomain')
    if subdomain:
        if not isinstance(subdomain, str) or not re.fullmatch(r'[A-Za-z0-9][-A-Za-z0-9]*', subdomain):
            raise SpecError('subdomain: %r is not a HipChat subdomain (the NAME in '
                            'https://NAME.hipchat.com)' % subdomain)
        params['url'] = 'https://%s.hipchat.com/v2/room' % subdomain
    return params


def _zenoss_severity_map(params):
    severity_map = params.get('severity_map')
    if severity_map is not None:
        missing = [level for level in ZENOSS_LEVELS if level not in severity_map]
        unknown = sorted(set(severity_map) - set(ZENOSS_LEVELS))
        if missing or unknown:
            raise SpecError('severity_map: needs exactly the keys %s (missing: %s; unknown: %s)' % (
                ', '.join(ZENOSS_LEVELS), ', '.join(missing) or 'none', ', '.join(unknown) or 'none'))
    return params


ZENOSS_LEVELS = ('ok', 'info', 'warning', 'critical')

SLACK = Section(
    'slack',
    title='Slack',
    element_key='workspace',
    element_default='',
    test_element_option='workspace',
    # Kapacitor's test defaults to the default workspace's channel; "" makes it use the
    # channel of the workspace under test.
    test_defaults={'channel': ''},
    test_config_defaults={'channel': 'channel'},
    options={
        'enabled': Option('bool'),
        'default': Option('bool'),
        'url': Option('str', secret=True),
        'token': Option('str', secret=True, since='1.6.0'),
        'channel': Option('str'),
        'username': Option('str'),
        'icon_emoji': Option('str'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
        'ssl_ca': Option('str'),
        'ssl_cert': Option('str'),
        'ssl_key': Option('str'),
        'insecure_skip_verify': Option('bool'),
    },
)

TELEGRAM = Section(
    'telegram',
    title='Telegram',
    test_config_defaults={'chat-id': 'chat_id', 'parse-mode': 'parse_mode',
                          'disable-web-page-preview': 'disable_web_page_preview',
                          'disable-notification': 'disable_notification'},
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'token': Option('str', secret=True),
        'chat_id': Option('str'),
        # Kapacitor lower-cases it before it checks it, when it sends (services/telegram/service.go).
        'parse_mode': Option('str', choices=['Markdown', 'HTML', ''], ignore_case=True),
        'disable_web_page_preview': Option('bool'),
        'disable_notification': Option('bool'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

ALERTA = Section(
    'alerta',
    title='Alerta',
    test_config_defaults={'environment': 'environment', 'origin': 'origin'},
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'insecure_skip_verify': Option('bool'),
        'token': Option('str', secret=True),
        'token_prefix': Option('str'),
        'environment': Option('str'),
        'origin': Option('str'),
        # Durations reject negatives (Option(negative=False)): none of them means anything below
        # zero. Alerta's is unused by Kapacitor 1.8's service (handlers carry their own timeout).
        'timeout': Option('duration'),
    },
)

BIGPANDA = Section(
    'bigpanda',
    title='BigPanda',
    since='1.5.8',
    # Kapacitor's test sends app key "012345" unless told to use the configured one.
    test_defaults={'app_key': ''},
    options={
        'enabled': Option('bool'),
        'global': Option('bool'),
        'app_key': Option('str', secret=True, redacted=False),
        'token': Option('str', secret=True),
        'state_changes_only': Option('bool'),
        'insecure_skip_verify': Option('bool'),
        'url': Option('str'),
        'auto_attributes': Option('str', since='1.6.3'),
    },
)

DISCORD = Section(
    'discord',
    title='Discord',
    since='1.5.6',
    element_key='workspace',
    element_default='',
    test_element_option='workspace',
    # Kapacitor's test posts as "Kapacitor" with its logo; "" uses the workspace's own.
    test_defaults={'username': '', 'avatar-url': ''},
    options={
        'enabled': Option('bool'),
        'default': Option('bool'),
        'url': Option('str', secret=True, redacted=False),
        'timestamp': Option('bool'),
        'username': Option('str'),
        'avatar_url': Option('str'),
        'embed_title': Option('str'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
        'ssl_ca': Option('str'),
        'ssl_cert': Option('str'),
        'ssl_key': Option('str'),
        'insecure_skip_verify': Option('bool'),
    },
)

HIPCHAT = Section(
    'hipchat',
    title='HipChat',
    extra_argument_spec={'subdomain': {'type': 'str'}},
    mutually_exclusive=[('url', 'subdomain')],
    prepare=_hipchat_url_from_subdomain,
    test_config_defaults={'room': 'room'},
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'token': Option('str', secret=True),
        'room': Option('str'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

KAFKA = Section(
    'kafka',
    title='Kafka',
    test_success=('Whether Kapacitor queued the message for the cluster (not whether Kafka received it: '
                  'delivery errors only reach Kapacitor\'s log).'),
    element_key='id',
    element_default='default',
    test_element_option='cluster',
    options={
        'enabled': Option('bool'),
        'brokers': Option('list'),
        # Negative: Kapacitor skips it and sarama silently uses 30s.
        'timeout': Option('duration'),
        # Go int; sarama refuses a negative Producer.Flush.MaxMessages (0: Kapacitor's default, 100).
        'batch_size': Option('int', minimum=0, bound="Kafka's producer needs zero or more"),
        # Negative: sarama refuses Producer.Flush.Frequency < 0 on every connection.
        'batch_timeout': Option('duration'),
        'use_ssl': Option('bool'),
        'ssl_ca': Option('str'),
        'ssl_cert': Option('str'),
        'ssl_key': Option('str'),
        'insecure_skip_verify': Option('bool'),
        'sasl_username': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLUsername'),
        'sasl_password': Option('str', secret=True, redacted=False, parent=SASL, since=SASL_BASIC,
                                api_name='SASLPassword'),
        'sasl_mechanism': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLMechanism',
                                 choices=['', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'GSSAPI', 'OAUTHBEARER']),
        # Go *int; Kapacitor's SASLVersion() fails every connection for anything but 0 and 1.
        'sasl_version': Option('int', parent=SASL, since=SASL_BASIC, api_name='SASLVersion', minimum=0, maximum=1,
                               bound='Kafka has SASL handshake versions 0 and 1'),
        # Kapacitor shows these in clear; extensions and OAuth parameters often carry credentials.
        'sasl_extensions': Option('dict', secret=True, redacted=False, parent=SASL, since=SASL_OAUTH,
                                  api_name='SASLExtensions'),
        'sasl_gssapi_service_name': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLGSSAPIServiceName'),
        'sasl_gssapi_auth_type': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLGSSAPIAuthType',
                                        choices=['', 'KRB5_USER_AUTH', 'KRB5_KEYTAB_AUTH']),
        'sasl_gssapi_disable_pafxfast': Option('bool', parent=SASL, since=SASL_BASIC,
                                               api_name='SASLGSSAPIDisablePAFXFAST'),
        'sasl_gssapi_kerberos_config_path': Option('str', parent=SASL, since=SASL_BASIC,
                                                   api_name='SASLGSSAPIKerberosConfigPath'),
        'sasl_gssapi_key_tab_path': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLGSSAPIKeyTabPath'),
        'sasl_gssapi_realm': Option('str', parent=SASL, since=SASL_BASIC, api_name='SASLGSSAPIRealm'),
        # Kapacitor lower-cases it before it checks it (services/kafka/sasl.go).
        'sasl_oauth_service': Option('str', parent=SASL, since=SASL_OAUTH, api_name='SASLOAUTHService',
                                     choices=['', 'custom', 'auth0', 'azuread'], ignore_case=True),
        'sasl_oauth_client_id': Option('str', parent=SASL, since=SASL_OAUTH, api_name='SASLOAUTHClientID'),
        'sasl_oauth_client_secret': Option('str', secret=True, redacted=False, parent=SASL, since=SASL_OAUTH,
                                           api_name='SASLOAUTHClientSecret'),
        'sasl_oauth_token_url': Option('str', parent=SASL, since=SASL_OAUTH, api_name='SASLOAUTHTokenURL'),
        'sasl_oauth_scopes': Option('list', parent=SASL, since=SASL_OAUTH, api_name='SASLOAUTHScopes'),
        'sasl_oauth_parameters': Option('dict', secret=True, redacted=False, parent=SASL, since=SASL_OAUTH,
                                        api_name='SASLOAUTHParams'),
        # Negative: the oauth2 token source would keep using tokens after they expired.
        'sasl_oauth_token_expiry_margin': Option('duration', parent=SASL, since=SASL_OAUTH,
                                                 api_name='SASLOAUTHExpiryMargin'),
        'sasl_oauth_tenant_id': Option('str', parent=SASL, since=SASL_OAUTH, api_name='SASLOAUTHTenant'),
        'sasl_access_token': Option('str', secret=True, redacted=False, parent=SASL, since=SASL_BASIC,
                                    api_name='SASLAccessToken'),
    },
)

MQTT = Section(
    'mqtt',
    test_success='Whether Kapacitor published the message.',
    title='MQTT',
    element_key='name',
    element_default='default',
    test_element_option='broker-name',
    options={
        'enabled': Option('bool'),
        'default': Option('bool'),
        'url': Option('str', secret=True, redacted=False),
        'ssl_ca': Option('str'),
        'ssl_cert': Option('str'),
        'ssl_key': Option('str'),
        'insecure_skip_verify': Option('bool'),
        'client_id': Option('str'),
        'username': Option('str'),
        'password': Option('str', secret=True),
    },
)

OPSGENIE = Section(
    'opsgenie',
    title='OpsGenie (v1 API)',
    warning=('OpsGenie retired the v1 API that kapacitor_opsgenie configures; use '
             'tick.kapacitor.kapacitor_opsgenie2 and the opsgenie2 handler instead.'),
    test_config_defaults={'teams': 'teams', 'recipients': 'recipients'},
    options={
        'enabled': Option('bool'),
        'api_key': Option('str', secret=True),
        'teams': Option('list'),
        'recipients': Option('list'),
        'url': Option('str'),
        'recovery_url': Option('str', api_name='recovery_url'),
        'global': Option('bool'),
    },
)

OPSGENIE2 = Section(
    'opsgenie2',
    title='OpsGenie',
    test_config_defaults={'teams': 'teams', 'recipients': 'recipients', 'recovery_action': 'recovery_action'},
    options={
        'enabled': Option('bool'),
        'api_key': Option('str', secret=True),
        'teams': Option('list'),
        'recipients': Option('list'),
        'url': Option('str'),
        'recovery_action': Option('str', api_name='recovery_action', choices=['notes', 'close']),
        'global': Option('bool'),
        'details': Option('bool'),
    },
)

PAGERDUTY = Section(
    'pagerduty',
    title='PagerDuty (v1 API)',
    warning=('PagerDuty retired the v1 Events API that kapacitor_pagerduty configures; use '
             'tick.kapacitor.kapacitor_pagerduty2 and the pagerduty2 handler instead.'),
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'service_key': Option('str', secret=True),
        'global': Option('bool'),
    },
)

PAGERDUTY2 = Section(
    'pagerduty2',
    title='PagerDuty',
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'routing_key': Option('str', secret=True),
        'global': Option('bool'),
    },
)

PUSHOVER = Section(
    'pushover',
    title='Pushover',
    test_config_defaults={'user-key': 'user_key'},
    options={
        'enabled': Option('bool'),
        'token': Option('str', secret=True),
        'user_key': Option('str', secret=True),
        'url': Option('str'),
    },
)

HTTPPOST = Section(
    'httppost',
    test_success=('Whether Kapacitor posted the test alert and got an HTTP answer. Kapacitor does not look at '
                  "the answer's status, so an endpoint answering V(401) or V(500) still succeeds, and its test "
                  'never sends O(basic_auth).'),
    title='HTTP POST',
    element_key='endpoint',
    element_default=None,
    # Kapacitor's httppost test ignores the configuration and posts to its own defaults.
    test_from_config={'url': 'url', 'headers': 'headers'},
    test_element_option='endpoint',
    handler_kind=None,
    can_add=False,
    add_refusal=(
        'this endpoint is not defined in kapacitor.conf. Kapacitor accepts httppost endpoints '
        'added through its API but never uses them (influxdata/kapacitor#1694 and #2363), so '
        'this module does not add them: define the endpoint in kapacitor.conf, then manage '
        'its options here'),
    options={
        'url': Option('str'),
        # Kapacitor shows headers in clear; they usually carry an Authorization value.
        'headers': Option('dict', secret=True, redacted=False),
        'basic_auth': Option('dict', secret=True, suboptions={
            'username': {'type': 'str'},
            'password': {'type': 'str', 'no_log': True}}),
        'alert_template': Option('str'),
        'alert_template_file': Option('str'),
        'row_template': Option('str'),
        'row_template_file': Option('str'),
    },
)

SENSU = Section(
    'sensu',
    test_success='Whether Kapacitor sent the check result and the Sensu client answered C(ok).',
    title='Sensu',
    # Kapacitor's test reports source "Kapacitor"; "" uses the configured source.
    test_defaults={'source': ''},
    options={
        'enabled': Option('bool'),
        'addr': Option('str'),
        'source': Option('str'),
        'handlers': Option('list'),
    },
)

SERVICENOW = Section(
    'servicenow',
    title='ServiceNow',
    since='1.5.7',
    # Kapacitor's test reports source "Kapacitor"; "" uses the configured source.
    test_defaults={'source': ''},
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'source': Option('str'),
        'username': Option('str'),
        'password': Option('str', secret=True),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

SMTP = Section(
    'smtp',
    test_success='Whether Kapacitor queued the email (not whether it was delivered).',
    title='SMTP (email)',
    test_config_defaults={'to': 'to'},
    options={
        'enabled': Option('bool'),
        'host': Option('str'),
        # Go int; Kapacitor's validation refuses <= 0 and the dialer needs a TCP port.
        'port': Option('int', minimum=1, maximum=65535, bound='a TCP port'),
        'username': Option('str'),
        'password': Option('str', secret=True),
        'no_verify': Option('bool'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
        'from': Option('str'),
        'to': Option('list'),
        'to_templates': Option('list', since='1.6.3'),
        # Negative: Kapacitor's validation refuses it ("idle timeout must be positive").
        'idle_timeout': Option('duration'),
    },
)

SNMPTRAP = Section(
    'snmptrap',
    test_success='Whether Kapacitor sent the trap.',
    title='SNMP trap',
    options={
        'enabled': Option('bool'),
        'addr': Option('str'),
        'community': Option('str', secret=True),
        # Go int, passed on as uint(retries): a negative count would become 2**64 - 1 retries.
        'retries': Option('int', minimum=0, bound='a retry count is zero or more'),
    },
)

TALK = Section(
    'talk',
    title='Talk',
    options={
        'enabled': Option('bool'),
        'url': Option('str', secret=True),
        'author_name': Option('str', api_name='author_name'),
    },
)

TEAMS = Section(
    'teams',
    title='Microsoft Teams',
    since='1.5.6',
    test_config_defaults={'channel_url': 'channel_url'},
    options={
        'enabled': Option('bool'),
        'channel_url': Option('str', secret=True, redacted=False),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

VICTOROPS = Section(
    'victorops',
    title='VictorOps',
    test_config_defaults={'routingKey': 'routing_key'},
    options={
        'enabled': Option('bool'),
        'api_key': Option('str', secret=True),
        'routing_key': Option('str'),
        'url': Option('str'),
        'global': Option('bool'),
        'json_data': Option('bool'),
    },
)

ZENOSS = Section(
    'zenoss',
    test_success='Whether Kapacitor sent the alert and Zenoss answered 200.',
    title='Zenoss',
    since='1.6.0',
    prepare=_zenoss_severity_map,
    test_config_defaults={'action': 'action', 'method': 'method', 'type': 'type', 'tid': 'tid',
                          'collector': 'collector'},
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'username': Option('str'),
        'password': Option('str', secret=True),
        'action': Option('str'),
        'method': Option('str'),
        'type': Option('str'),
        'tid': Option('int', go_type='int64'),
        'collector': Option('str'),
        'severity_map': Option('dict', dict_numbers=True),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

SECTIONS = dict((s.name, s) for s in (
    ALERTA, BIGPANDA, DISCORD, HIPCHAT, HTTPPOST, KAFKA, MQTT, OPSGENIE, OPSGENIE2, PAGERDUTY,
    PAGERDUTY2, PUSHOVER, SENSU, SERVICENOW, SLACK, SMTP, SNMPTRAP, TALK, TEAMS, TELEGRAM,
    VICTOROPS, ZENOSS))
