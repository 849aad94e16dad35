# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # How every module reaches Kapacitor. The names start with kapacitor_ or describe the
    # transport so that they never collide with handler options such as url or password.
    DOCUMENTATION = r'''
options:
  kapacitor_url:
    description:
      - Base URL of Kapacitor's HTTP API, without C(/kapacitor/v1).
      - If not set, the environment variable E(KAPACITOR_URL) is used.
    type: str
    default: http://localhost:9092
  kapacitor_username:
    description:
      - User for HTTP basic authentication, when Kapacitor has C([http] auth-enabled = true).
      - The user needs the C(config_api) privilege (and C(api) for test alerts), or be an admin.
      - If not set, the environment variable E(KAPACITOR_USERNAME) is used.
    type: str
  kapacitor_password:
    description:
      - Password for O(kapacitor_username).
      - If not set, the environment variable E(KAPACITOR_PASSWORD) is used.
    type: str
  kapacitor_token:
    description:
      - Bearer token (a JWT signed with Kapacitor's C([http] shared-secret), with C(username)
        and C(exp) claims), instead of O(kapacitor_username) and O(kapacitor_password).
      - If not set, the environment variable E(KAPACITOR_TOKEN) is used.
    type: str
  validate_certs:
    description:
      - Verify Kapacitor's TLS certificate when O(kapacitor_url) uses C(https://).
      - Set to V(false) only for self-signed certificates on trusted networks; prefer O(ca_path).
      - If not set, the environment variable E(KAPACITOR_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authority that signed Kapacitor's certificate.
      - If not set, the environment variable E(KAPACITOR_CA_PATH) is used.
    type: path
  client_cert:
    description:
      - PEM client certificate for TLS client authentication.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert), if the certificate file does not contain it.
    type: path
  request_timeout:
    description:
      - Seconds each whole request to Kapacitor (connecting, sending, and reading the
        whole answer) may take. A server that answers slowly, byte by byte, cannot hold a
        task longer than this.
      - If not set, the environment variable E(KAPACITOR_REQUEST_TIMEOUT) is used.
    type: float
    default: 10
'''
