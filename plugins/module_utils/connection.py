# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: declared once per vendor, read the same way by modules and plugins.

``argument_spec(vendor)`` gives modules their options (with environment fallbacks);
``client_from_options(vendor, get_option)`` builds the vendor client from any getter:
``module.params.get`` in a module, ``self.get_option`` in a plugin (whose documentation, from
the ``.plugins`` doc fragment, maps the same environment variables). The doc fragments in
``plugins/doc_fragments/`` document exactly this table; a unit test keeps them in step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import urlparse

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import strip_userinfo
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError

# name -> (argument spec, environment variables, description). One table for modules, plugins
# and the doc fragments (rendered by tools/render_doc_fragments.py; a unit test keeps them in step).
COMMON_OPTIONS = {
    'timeout': (dict(type='float', default=30), ['MDMKIT_TIMEOUT'],
                'Seconds to wait for the server to connect, to start answering a request, and to send the '
                'whole answer (a deadline, however slowly the body arrives).'),
    'max_retries': (dict(type='int', default=5), ['MDMKIT_MAX_RETRIES'],
                    'How many times a request is retried on 429, on 5xx (idempotent requests only) and on '
                    'connection errors. A POST or PATCH, or a command sent with another method, that may have '
                    'reached the server is never retried.'),
    'rate_limit_max_wait': (dict(type='float', default=300), ['MDMKIT_RATE_LIMIT_MAX_WAIT'],
                            'Longest wait, in seconds, the client accepts from C(Retry-After) or '
                            'C(X-RateLimit-Reset); a longer one fails at once saying how long the vendor asked.'),
    'validate_certs': (dict(type='bool', default=True), ['MDMKIT_VALIDATE_CERTS'],
                       'Verify the server TLS certificate. Set to V(false) only for a lab server.'),
    'ca_path': (dict(type='path'), ['MDMKIT_CA_PATH'],
                'PEM file of the CA certificates that sign the server certificate.'),
}

VENDOR_OPTIONS = {
    'simplemdm': {
        'api_key': (dict(type='str', required=True, no_log=True), ['SIMPLEMDM_API_KEY'],
                    'SimpleMDM API key (Settings > API), sent as the HTTP Basic user name.'),
        'base_url': (dict(type='str', default='https://a.simplemdm.com/api/v1'), ['SIMPLEMDM_BASE_URL'],
                     'SimpleMDM API root. Plain C(http://) is accepted for loopback addresses only.'),
    },
    'abm': {
        'client_id': (dict(type='str', required=True), ['ABM_CLIENT_ID'],
                      'API account client ID, C(BUSINESSAPI.<uuid>) or C(SCHOOLAPI.<uuid>).'),
        'key_id': (dict(type='str', required=True, no_log=False), ['ABM_KEY_ID'],
                   'ID of the API account private key.'),
        'private_key': (dict(type='str', no_log=True), ['ABM_PRIVATE_KEY'],
                        'The P-256 private key downloaded from Apple, as PEM text. '
                        'Mutually exclusive with O(private_key_path).'),
        'private_key_path': (dict(type='path', no_log=False), ['ABM_PRIVATE_KEY_PATH'],
                             'Path to the PEM private key file.'),
        'api': (dict(type='str', default='business', choices=['business', 'school']), ['ABM_API'],
                'V(business) for Apple Business Manager, V(school) for Apple School Manager; picks the '
                'API host and the OAuth scope.'),
        'base_url': (dict(type='str'), ['ABM_BASE_URL'],
                     'API root without C(/v1). Defaults to the host that O(api) selects.'),
        'token_url': (dict(type='str', default='https://account.apple.com/auth/oauth2/token', no_log=False),
                      ['ABM_TOKEN_URL'], 'OAuth 2.0 token endpoint.'),
        'token_cache': (dict(type='bool', default=False, no_log=False), ['ABM_TOKEN_CACHE'],
                        'Keep the access token (only the token: never the key or the assertion) in a file of '
                        'mode 0600 under O(token_cache_dir), keyed by client ID and scope, and reuse it until '
                        'shortly before it expires. Every Ansible task is a new process, so without it each '
                        'task makes its own token request.'),
        'token_cache_dir': (dict(type='path', default='~/.cache/mdmkit', no_log=False), ['ABM_TOKEN_CACHE_DIR'],
                            'Directory of the token cache file (created with mode 0700).'),
    },
    'esper': {
        'api_key': (dict(type='str', required=True, no_log=True), ['ESPER_API_KEY'],
                    'Esper API key, sent as a bearer token.'),
        'tenant': (dict(type='str'), ['ESPER_TENANT'],
                   'Esper tenant name; the API root is C(https://<tenant>-api.esper.cloud/api).'),
        'base_url': (dict(type='str'), ['ESPER_BASE_URL'],
                     'API root, overriding the one derived from O(tenant).'),
    },
    'micromdm': {
        'server_url': (dict(type='str', required=True), ['MICROMDM_URL'],
                       'MicroMDM server root, without C(/management/v1).'),
        'api_key': (dict(type='str', required=True, no_log=True), ['MICROMDM_API_KEY'],
                    'MicroMDM API key (HTTP Basic password of the user C(micromdm), or C(nanomdm) '
                    'when O(flavor=nanomdm)).'),
        'flavor': (dict(type='str', default='management_v1', choices=['management_v1', 'micromdm', 'nanomdm']),
                   ['MICROMDM_FLAVOR'],
                   'Which server API O(server_url) serves. V(management_v1): the early MicroMDM API under '
                   'C(/management/v1). V(micromdm): MicroMDM 1.x (C(/v1/commands), C(POST /v1/devices), ...), '
                   'Basic user C(micromdm). V(nanomdm): NanoMDM (C(/v1/enqueue), C(/v1/push), ...), Basic user '
                   'C(nanomdm). Modules that need an API the chosen flavor does not serve fail saying so.'),
    },
}

# Vendors whose real API is HTTPS-only: plain http is allowed to loopback (the simulator) only.
HTTPS_ONLY = {'simplemdm': ['base_url'], 'abm': ['base_url', 'token_url'], 'esper': ['base_url']}


def option_table(vendor):
    table = dict(VENDOR_OPTIONS[vendor])
    table.update(COMMON_OPTIONS)
    return table


def argument_spec(vendor):
    """Module argument spec for a vendor's connection options, with environment fallbacks."""
    spec = {}
    for name, (option, env, _description) in option_table(vendor).items():
        option = dict(option)
        option['fallback'] = (env_fallback, env)
        spec[name] = option
    return spec


def module_constraints(vendor):
    """``AnsibleModule`` keyword arguments that go with ``argument_spec(vendor)``."""
    if vendor == 'abm':
        return dict(mutually_exclusive=[('private_key', 'private_key_path')],
                    required_one_of=[('private_key', 'private_key_path')])
    if vendor == 'esper':
        return dict(required_one_of=[('tenant', 'base_url')])
    return {}


def _require(get_option, name):
    value = get_option(name)
    if value in (None, ''):
        raise ConfigError('Missing required option %s (or its environment variable %s).'
                          % (name, ', '.join(_env_names(name))))
    return value


def _env_names(name):
    for vendor_options in [COMMON_OPTIONS] + list(VENDOR_OPTIONS.values()):
        if name in vendor_options:
            return vendor_options[name][1]
    return []


def check_url(vendor, name, url):
    """Refuse a plain-http URL to a non-loopback host for HTTPS-only vendor APIs."""
    parsed = urlparse(url)
    if parsed.scheme not in ('http', 'https') or not parsed.hostname:
        raise ConfigError('%s must be an absolute http(s) URL, got %r.' % (name, strip_userinfo(url)))
    if parsed.scheme == 'http' and name in HTTPS_ONLY.get(vendor, []) and not _is_loopback(parsed.hostname):
        raise ConfigError('%s uses plain http:// to %s; this API is served over HTTPS only (http is '
                          'accepted for loopback addresses, such as a local simulator).'
                          % (name, parsed.hostname))
    return url


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def client_from_options(vendor, get_option):
    """Build the vendor client from an option getter (module params or plugin options)."""
    # Imported here so a module pulls in only its own vendor's code (ABM needs cryptography).
    common = dict(timeout=get_option('timeout'), max_retries=get_option('max_retries'),
                  validate_certs=get_option('validate_certs'), ca_path=get_option('ca_path'),
                  rate_limit_max_wait=get_option('rate_limit_max_wait'))
    common = dict((k, v) for k, v in common.items() if v is not None)
    if common.get('ca_path') and not os.path.isfile(common['ca_path']):
        raise ConfigError('ca_path %s is not a readable file.' % common['ca_path'])
    if vendor == 'simplemdm':
        from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import SimpleMDMClient
        base_url = check_url(vendor, 'base_url', get_option('base_url') or 'https://a.simplemdm.com/api/v1')
        return SimpleMDMClient(_require(get_option, 'api_key'), base_url=base_url, **common)
    if vendor == 'esper':
        from ansible_collections.mdmkit.mdm.plugins.module_utils.esper import EsperClient
        base_url, tenant = get_option('base_url'), get_option('tenant')
        if not base_url and not tenant:
            raise ConfigError('Esper needs tenant (ESPER_TENANT) or base_url (ESPER_BASE_URL).')
        if base_url:
            check_url(vendor, 'base_url', base_url)
        return EsperClient(_require(get_option, 'api_key'), tenant=tenant, base_url=base_url, **common)
    if vendor == 'micromdm':
        from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import MicroMDMClient
        server_url = check_url(vendor, 'server_url', _require(get_option, 'server_url'))
        return MicroMDMClient(_require(get_option, 'api_key'), server_url,
                              flavor=get_option('flavor') or 'management_v1', **common)
    if vendor == 'abm':
        from ansible_collections.mdmkit.mdm.plugins.module_utils.abm import ABMClient
        api = get_option('api') or 'business'
        if api not in ('business', 'school'):
            raise ConfigError('api must be business or school, got %r.' % api)
        base_url = get_option('base_url')
        if base_url:
            check_url(vendor, 'base_url', base_url)
        token_url = check_url(vendor, 'token_url', get_option('token_url')
                              or 'https://account.apple.com/auth/oauth2/token')
        token_cache_dir = get_option('token_cache_dir') or '~/.cache/mdmkit'
        return ABMClient(_require(get_option, 'client_id'), _require(get_option, 'key_id'),
                         _private_key(get_option), api=api, base_url=base_url, token_url=token_url,
                         token_cache_dir=token_cache_dir if get_option('token_cache') else None,
                         key_option='private_key' if get_option('private_key') else 'private_key_path', **common)
    raise ConfigError('Unknown vendor %s.' % vendor)


def _private_key(get_option):
    text, path = get_option('private_key'), get_option('private_key_path')
    if text and path:
        raise ConfigError('private_key and private_key_path are mutually exclusive.')
    if text:
        return text
    if not path:
        raise ConfigError('Apple Business Manager needs private_key (ABM_PRIVATE_KEY) or '
                          'private_key_path (ABM_PRIVATE_KEY_PATH).')
    try:
        with open(os.path.expanduser(path), 'r') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        raise ConfigError('private_key_path %s cannot be read: %s' % (path, exc.strerror or exc))
