# Copyright: Contributors to the mdmkit.mdm collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml action_groups must list every module of plugins/modules/ by vendor prefix."""

from __future__ import annotations

import importlib.util
import os

import pytest
import yaml

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL_PATH = os.path.join(COLLECTION_ROOT, 'tools', 'update_action_groups.py')


def _load_tool():
    spec = importlib.util.spec_from_file_location('mdmkit_update_action_groups', TOOL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _load_tool()


def _runtime_text():
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as runtime_file:
        return runtime_file.read()


def test_requires_ansible():
    data = yaml.safe_load(_runtime_text())
    assert data['requires_ansible'] == '>=2.16.0'


def test_action_groups_match_modules():
    """Fails when a module was added, renamed or removed without running the tool."""
    text = _runtime_text()
    groups = TOOL.expected_action_groups(COLLECTION_ROOT)
    problems = TOOL.check_consistent(text, groups)
    assert not problems, '%s\nRun: python tools/update_action_groups.py' % '\n'.join(problems)
    assert text == TOOL.updated_runtime_text(text, groups), 'Run: python tools/update_action_groups.py'


def test_known_vendor_groups_present():
    data = yaml.safe_load(_runtime_text())
    for vendor in ('simplemdm', 'abm', 'micromdm', 'esper'):
        assert vendor in data['action_groups']


def test_every_module_in_its_vendor_group():
    data = yaml.safe_load(_runtime_text())
    for name in TOOL.module_names(COLLECTION_ROOT):
        assert name in data['action_groups'][name.split('_', 1)[0]]


def _make_collection(tmp_path, modules, runtime):
    (tmp_path / 'plugins' / 'modules').mkdir(parents=True)
    for module in modules:
        (tmp_path / 'plugins' / 'modules' / module).write_text('')
    (tmp_path / 'meta').mkdir()
    (tmp_path / 'meta' / 'runtime.yml').write_text(runtime)
    return tmp_path


RUNTIME_WITH_ROUTING = """---
# comment kept
requires_ansible: '>=2.16.0'
action_groups:
  esper:
    - gone_module
# routing comment kept
plugin_routing:
  modules:
    old_name:
      redirect: mdmkit.mdm.esper_device
"""


def test_tool_check_reports_and_rewrite_keeps_other_keys(tmp_path, capsys):
    root = _make_collection(tmp_path, ['__init__.py', 'esper_device.py', 'abm_device_info.py', '_private.py'],
                            RUNTIME_WITH_ROUTING)

    assert TOOL.main(['--root', str(root), '--check']) == 1
    out = capsys.readouterr().out
    assert 'gone_module' in out
    assert '+    - esper_device' in out

    assert TOOL.main(['--root', str(root)]) == 0
    text = (root / 'meta' / 'runtime.yml').read_text()
    data = yaml.safe_load(text)
    assert data['action_groups'] == {
        'abm': ['abm_device_info'],
        'esper': ['esper_device'],
        'micromdm': [],
        'simplemdm': [],
    }
    assert data['plugin_routing'] == {'modules': {'old_name': {'redirect': 'mdmkit.mdm.esper_device'}}}
    assert '# comment kept' in text
    assert '# routing comment kept' in text

    assert TOOL.main(['--root', str(root), '--check']) == 0


@pytest.mark.parametrize('runtime', ['', "---\nrequires_ansible: '>=2.16.0'\n"])
def test_tool_adds_missing_block(tmp_path, runtime):
    root = _make_collection(tmp_path, ['micromdm_device.py'], runtime)
    assert TOOL.main(['--root', str(root)]) == 0
    data = yaml.safe_load((root / 'meta' / 'runtime.yml').read_text())
    assert data['requires_ansible'] == '>=2.16.0'
    assert data['action_groups']['micromdm'] == ['micromdm_device']
