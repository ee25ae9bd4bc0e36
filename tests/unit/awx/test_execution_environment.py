# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml, checked by ansible-builder (no container engine needed).

* ``ansible-builder create`` on the file as a stand-alone version 3 definition (with
  requirements.txt and bindep.txt copied beside it, as its header comment says) must
  validate and write a build context carrying the collection's requirements;
* ``ansible-builder introspect`` on a collections tree holding mdmkit.mdm must find the same
  Python and system requirements, which is what an EE that lists the collection under
  ``dependencies.galaxy`` installs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import sys

import pytest
import yaml

pytest.importorskip('ansible_builder')

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def requirement_lines(name):
    with open(os.path.join(COLLECTION_ROOT, name), encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith('#')]


def ansible_builder(*args, cwd):
    command = [sys.executable, '-c', 'import sys; from ansible_builder.cli import run; sys.argv[0] = "ansible-builder"; run()']
    result = subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    return result.returncode, result.stdout + result.stderr


def test_definition_is_version_3_and_points_at_the_requirement_files():
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as f:
        definition = yaml.safe_load(f)
    assert definition['version'] == 3
    assert definition['dependencies']['python'] == 'requirements.txt'
    assert definition['dependencies']['system'] == 'bindep.txt'
    assert 'ansible_core' in definition['dependencies']


def test_ansible_builder_create(tmp_path):
    for name in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt'):
        shutil.copy(os.path.join(COLLECTION_ROOT, name), str(tmp_path))
    rc, output = ansible_builder('create', '-f', 'execution-environment.yml', '--context', 'context',
                                 '--output-filename', 'Containerfile', cwd=str(tmp_path))
    assert rc == 0, output
    context = tmp_path / 'context'
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-core>=2.16.0' in containerfile
    assert 'ansible-runner' in containerfile
    build = context / '_build'
    assert [line for line in (build / 'requirements.txt').read_text().splitlines()
            if line and not line.startswith('#')] == requirement_lines('requirements.txt')
    assert [line for line in (build / 'bindep.txt').read_text().splitlines()
            if line and not line.startswith('#')] == requirement_lines('bindep.txt')


def test_ansible_builder_create_refuses_a_broken_definition(tmp_path):
    """The check above can fail: a definition with an unknown key is refused."""
    for name in ('requirements.txt', 'bindep.txt'):
        shutil.copy(os.path.join(COLLECTION_ROOT, name), str(tmp_path))
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as f:
        definition = yaml.safe_load(f)
    definition['dependencies']['pyhton'] = definition['dependencies'].pop('python')
    (tmp_path / 'execution-environment.yml').write_text(yaml.safe_dump(definition))
    rc, output = ansible_builder('create', '-f', 'execution-environment.yml', '--context', 'context', cwd=str(tmp_path))
    assert rc != 0
    assert 'pyhton' in output


def test_ansible_builder_introspect_finds_the_collection_requirements(tmp_path):
    collections = tmp_path / 'collections'
    os.makedirs(str(collections / 'ansible_collections' / 'mdmkit'))
    os.symlink(COLLECTION_ROOT, str(collections / 'ansible_collections' / 'mdmkit' / 'mdm'))
    rc, output = ansible_builder('introspect', '--sanitize', str(collections), cwd=str(tmp_path))
    assert rc == 0, output
    found = yaml.safe_load(output[output.index('---'):])
    assert [line.split('  # from collection')[0] for line in found['python']] == requirement_lines('requirements.txt')
    assert all(line.endswith('# from collection mdmkit.mdm') for line in found['python'] + found['system'])
    assert [line.split('  # from collection')[0] for line in found['system']] == requirement_lines('bindep.txt')
