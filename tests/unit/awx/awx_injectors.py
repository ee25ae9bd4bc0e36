# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the AWX credential types of extensions/awx/credential_types/ as AWX does.

AWX (``inject_credential`` of its credential plugins) builds a Jinja2 namespace from the
credential's inputs (empty strings left out, booleans kept, missing booleans False), renders
each ``injectors.file`` template into a new file of mode 0600 under ``<private_data_dir>/env``
and exposes its path as ``tower.filename`` (``template``) or ``tower.filename.<name>``
(``template.<name>``), then renders ``injectors.env`` (skipping its blocklisted names) and
``injectors.extra_vars``, all in an ``ImmutableSandboxedEnvironment``. Input field defaults
are applied when the credential is saved, so ``credential_inputs`` fills them in first.

    inject(load_credential_type(path), {'api_key': '...'}, private_data_dir) -> Injection
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile
from types import SimpleNamespace

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

# AWX refuses these names in env injectors (awx_plugins.interfaces ENV_BLOCKLIST).
ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID',
    'INVENTORY_UPDATE_ID', 'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES',
    'CALLBACK_QUEUE', 'CALLBACK_CONNECTION', 'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS',
    'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))

# What AWX adds to the environment of every inventory update (awx.main.constants).
STANDARD_INVENTORY_UPDATE_ENV = {
    'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'True',
    'ANSIBLE_INVENTORY_EXPORT': 'True',
    'ANSIBLE_VERBOSE_TO_STDERR': 'True',
    'ANSIBLE_HOST_PATTERN_MISMATCH': 'error',
}

HIDDEN = '*' * 10


class Injection:
    """What one credential adds to a job: env, the safe env AWX stores, files, extra vars."""

    def __init__(self):
        self.env = {}
        self.safe_env = {}
        self.files = {}
        self.extra_vars = {}


def load_credential_type(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def check_credential_type(cred_type):
    """The structural rules AWX applies when a custom credential type is saved."""
    problems = []
    fields = cred_type.get('inputs', {}).get('fields', [])
    ids = [field.get('id') for field in fields]
    if len(ids) != len(set(ids)):
        problems.append('duplicate input ids')
    for field in fields:
        for key in ('id', 'label'):
            if not field.get(key):
                problems.append('a field has no %s' % key)
        if field.get('type', 'string') not in ('string', 'boolean'):
            problems.append('%s: type must be string or boolean' % field.get('id'))
    for name in cred_type.get('inputs', {}).get('required', []):
        if name not in ids:
            problems.append('required %s is not a field' % name)
    if cred_type.get('kind') not in ('cloud', 'net'):
        problems.append('custom credential types are of kind cloud or net')
    for env_var in cred_type.get('injectors', {}).get('env', {}):
        if env_var in ENV_BLOCKLIST or env_var.startswith('ANSIBLE_'):
            problems.append('%s may not be injected' % env_var)
    for label in cred_type.get('injectors', {}).get('file', {}):
        if label != 'template' and not label.startswith('template.'):
            problems.append('file injector %s must be template or template.<name>' % label)
    return problems


def credential_inputs(cred_type, given):
    """The inputs as AWX saves them: field defaults filled in, required fields checked."""
    inputs = {}
    for field in cred_type.get('inputs', {}).get('fields', []):
        if field['id'] in given:
            inputs[field['id']] = given[field['id']]
        elif 'default' in field:
            inputs[field['id']] = field['default']
    unknown = set(given) - set(inputs)
    if unknown:
        raise ValueError('unknown inputs: %s' % ', '.join(sorted(unknown)))
    missing = [name for name in cred_type.get('inputs', {}).get('required', []) if not inputs.get(name)]
    if missing:
        raise ValueError('missing required inputs: %s' % ', '.join(missing))
    return inputs


def inject(cred_type, given, private_data_dir, inventory_update=False):
    """Render the injectors of `cred_type` for a credential with inputs `given`."""
    inputs = credential_inputs(cred_type, given)
    secret_fields = [f['id'] for f in cred_type.get('inputs', {}).get('fields', []) if f.get('secret')]
    tower = SimpleNamespace()
    namespace = {'tower': tower}
    safe_namespace = {'tower': tower}
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = safe_namespace[name] = value
            continue
        if name in secret_fields:
            safe_namespace[name] = HIDDEN
        elif value:
            safe_namespace[name] = value
        if value:
            namespace[name] = value
    for field in cred_type.get('inputs', {}).get('fields', []):
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = safe_namespace[field['id']] = False

    injectors = cred_type.get('injectors') or {}
    result = Injection()
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    single, named = None, {}
    for label, template in (injectors.get('file') or {}).items():
        data = sandbox.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as f:
            f.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        result.files[label] = path
        if '.' not in label:
            single = path
        else:
            named[label.split('.', 1)[1]] = path
    tower.filename = single or SimpleNamespace(**named)

    for name, template in (injectors.get('env') or {}).items():
        if name in ENV_BLOCKLIST:
            continue
        result.env[name] = sandbox.from_string(template).render(**namespace)
        result.safe_env[name] = sandbox.from_string(template).render(**safe_namespace)

    if not inventory_update:
        result.extra_vars = _render_tree(sandbox, namespace, injectors.get('extra_vars') or {})
    return result


def _render_tree(sandbox, namespace, node):
    if isinstance(node, dict):
        return {_render_tree(sandbox, namespace, k): _render_tree(sandbox, namespace, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_render_tree(sandbox, namespace, item) for item in node]
    return sandbox.from_string(node).render(**namespace)
