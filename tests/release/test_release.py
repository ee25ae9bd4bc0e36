# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as it is published (tests/run.sh release, in the tools venv of requirements.txt):

* ansible-lint --profile production on playbooks/ and extensions/eda/rulebooks/;
* antsibull-docs lint-collection-docs --plugin-docs (what `make docs` renders);
* the changelog: a release for galaxy.yml's version, CHANGELOG.rst generated from it;
* `ansible-galaxy collection build`, installed into an empty path, one module per vendor and
  every inventory plugin loaded from there (ansible-doc, and a module run);
* galaxy-importer on the tarball (RUN_ANSIBLE_TEST=False), as Galaxy imports it.

Run from the collection root inside an ansible_collections/<namespace>/<name> tree.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_ROOT)))
TOOLS = os.path.dirname(sys.executable)  # the tools venv's bin: ansible-lint, ansible-doc...
LINTED = ('playbooks', os.path.join('extensions', 'eda', 'rulebooks'))
# one module of each vendor, loaded from the installed tarball
MODULES = ('simplemdm_device_info', 'abm_device_info', 'esper_device_info', 'micromdm_device_info')
INVENTORY_PLUGINS = ('abm', 'esper', 'micromdm', 'simplemdm')
# build output and caches that must not be in the tarball
NOT_SHIPPED = (r'tests/output/', r'docs/reference/.+', r'changelogs/\.plugin-cache\.yaml$', r'bench/output/',
               r'tests/integration/integration_config\.yml$', r'__pycache__/', r'\.pyc$')


def galaxy():
    with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), encoding='utf-8') as f:
        return yaml.safe_load(f)


def tool(name):
    return os.path.join(TOOLS, name)


def run(args, cwd=COLLECTION_ROOT, env=None, timeout=600, split=False):
    """Runs a tool with the tools venv first on PATH; returns (rc, stdout + stderr), or with split
    (rc, stdout, stderr)."""
    full_env = dict(os.environ, PATH=TOOLS + os.pathsep + os.environ.get('PATH', ''), NO_COLOR='1',
                    ANSIBLE_NOCOLOR='1', ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH)
    full_env.update(env or {})
    done = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)
    if split:
        return done.returncode, done.stdout, done.stderr
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    output = str(tmp_path_factory.mktemp('build'))
    rc, out = run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', output])
    assert rc == 0, out
    info = galaxy()
    path = os.path.join(output, '%s-%s-%s.tar.gz' % (info['namespace'], info['name'], info['version']))
    assert os.path.isfile(path), out
    return path


def test_ansible_lint_production():
    rc, out = run([tool('ansible-lint'), '--offline', '--profile', 'production'] + list(LINTED))
    assert rc == 0, out
    # it linted the files (a wrong path or an excluded folder would lint nothing and pass)
    expected = sum(len(glob.glob(os.path.join(COLLECTION_ROOT, folder, '*.yml'))) for folder in LINTED)
    processed = re.search(r'in (\d+) files processed', out)
    assert processed and int(processed.group(1)) >= expected, out
    assert "Profile 'production' was required, and it passed" in out, out


def test_ansible_lint_refuses_a_bad_playbook(tmp_path):
    """The gate can fail: a short module name and an unnamed task are production violations."""
    playbook = tmp_path / 'bad.yml'
    playbook.write_text('---\n- hosts: localhost\n  tasks:\n    - debug: msg=hi\n')
    rc, out = run([tool('ansible-lint'), '--offline', '--profile', 'production', str(playbook)])
    assert rc != 0 and 'fqcn[action-core]' in out and 'name[missing]' in out, out


def test_collection_docs_lint():
    rc, out = run([tool('antsibull-docs'), 'lint-collection-docs', '--plugin-docs', COLLECTION_ROOT])
    assert rc == 0, out


def test_changelog_has_this_release(tmp_path):
    version = galaxy()['version']
    with open(os.path.join(COLLECTION_ROOT, 'changelogs', 'changelog.yaml'), encoding='utf-8') as f:
        changelog = yaml.safe_load(f)
    release = changelog['releases'].get(version)
    assert release, 'changelogs/changelog.yaml has no release %s: run antsibull-changelog release' % version
    assert release['changes'].get('release_summary'), release
    # CHANGELOG.rst is what antsibull-changelog generates from changelog.yaml, not edited by hand
    copy = tmp_path / 'collection'
    shutil.copytree(os.path.join(COLLECTION_ROOT, 'changelogs'), str(copy / 'changelogs'))
    shutil.copy(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), str(copy))
    rc, out = run([tool('antsibull-changelog'), 'lint'], cwd=str(copy))
    assert rc == 0 and not out.strip(), out
    rc, out = run([tool('antsibull-changelog'), 'generate'], cwd=str(copy))
    assert rc == 0, out
    with open(os.path.join(COLLECTION_ROOT, 'CHANGELOG.rst'), encoding='utf-8') as f:
        committed = f.read()
    assert (copy / 'CHANGELOG.rst').read_text(encoding='utf-8') == committed, \
        'CHANGELOG.rst differs from what antsibull-changelog generate makes of changelogs/changelog.yaml'
    assert 'v%s' % version in committed


def added_in(kind, version):
    """Plugins of a kind whose DOCUMENTATION says version_added: <version>."""
    names = []
    for path in sorted(glob.glob(os.path.join(COLLECTION_ROOT, 'plugins', kind, '*.py'))):
        with open(path, encoding='utf-8') as f:
            found = re.search(r'''^version_added: ['"]?([0-9.]+)''', f.read(), re.MULTILINE)
        if found and found.group(1) == version:
            names.append(os.path.basename(path)[:-3])
    return names


def test_changelog_lists_every_new_plugin():
    """A module or plugin added since the release was made is in its "New Modules" section too
    (make changelog: antsibull-changelog release --update-existing --reload-plugins)."""
    version = galaxy()['version']
    with open(os.path.join(COLLECTION_ROOT, 'changelogs', 'changelog.yaml'), encoding='utf-8') as f:
        release = yaml.safe_load(f)['releases'][version]
    listed = sorted(entry['name'] for entry in release.get('modules', []))
    assert listed == added_in('modules', version), 'run make changelog'
    for kind in ('inventory',):
        listed = sorted(entry['name'] for entry in release.get('plugins', {}).get(kind, []))
        assert listed == added_in(kind, version), 'run make changelog'


def test_built_collection_installs_and_loads(tarball, tmp_path):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    shipped = [name for name in names if any(re.search(pattern, name) for pattern in NOT_SHIPPED)]
    assert shipped == []
    assert {'MANIFEST.json', 'FILES.json', 'README.md', 'meta/runtime.yml', 'CHANGELOG.rst'} <= set(names)

    installed = str(tmp_path / 'collections')
    # only the installed copy is visible, from a folder outside the source tree (ansible-galaxy
    # would otherwise find the source tree's copy "already installed")
    env = {'ANSIBLE_COLLECTIONS_PATH': installed}
    rc, out = run([tool('ansible-galaxy'), 'collection', 'install', tarball, '-p', installed], cwd=str(tmp_path), env=env)
    assert rc == 0 and 'was installed successfully' in out, out
    plugin_dir = os.path.join(installed, 'ansible_collections', 'mdmkit', 'mdm', 'plugins')
    rc, out, err = run([tool('ansible-doc'), '--json', '-t', 'module'] + ['mdmkit.mdm.' + m for m in MODULES],
                       cwd=str(tmp_path), env=env, split=True)
    assert rc == 0, out + err
    docs = json.loads(out)
    assert {name: doc['doc']['filename'] for name, doc in docs.items()} == {
        'mdmkit.mdm.' + m: os.path.join(plugin_dir, 'modules', m + '.py') for m in MODULES}
    rc, out, err = run([tool('ansible-doc'), '--json', '-t', 'inventory'] + ['mdmkit.mdm.' + p for p in INVENTORY_PLUGINS],
                       cwd=str(tmp_path), env=env, split=True)
    assert rc == 0, out + err
    assert sorted(json.loads(out)) == ['mdmkit.mdm.' + p for p in INVENTORY_PLUGINS]
    # each module runs from the installed copy, its module_utils included: with no credentials it
    # gets as far as checking its options
    for module in MODULES:
        rc, out = run([tool('ansible'), 'localhost', '-m', 'mdmkit.mdm.' + module], cwd=str(tmp_path),
                      env=dict(env, ANSIBLE_PYTHON_INTERPRETER=sys.executable))
        assert rc != 0 and 'missing required arguments' in out, out


def test_galaxy_importer(tarball, tmp_path):
    rc, out = run([sys.executable, '-m', 'galaxy_importer.main', tarball], cwd=str(tmp_path),
                  env={'RUN_ANSIBLE_TEST': 'False', 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
                       # it installs the tarball itself: the source tree must not be seen
                       'ANSIBLE_COLLECTIONS_PATH': str(tmp_path / 'empty')})
    assert rc == 0, out
    assert 'Importer processing completed successfully' in out, out
    # the importer logs ansible-lint violations and documentation problems as warnings
    problems = [line for line in out.splitlines() if line.startswith(('WARNING:', 'ERROR:'))]
    assert problems == [], out
