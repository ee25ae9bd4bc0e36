# Developer shortcuts. The test suite itself is tests/run.sh (CI runs it through .ci/run).
#
#   make docs         module and plugin reference (antsibull-docs) into docs/reference/
#   make docs-lint    antsibull-docs lint-collection-docs --plugin-docs (schema and markup)
#   make lint         ansible-lint --profile production on playbooks/ and extensions/eda/rulebooks/
#   make changelog    antsibull-changelog release: the fragments of changelogs/fragments/ into
#                     changelogs/changelog.yaml and CHANGELOG.rst for galaxy.yml's version (again
#                     after a module is added: the release's "New Modules" list is refreshed)
#   make test         tests/run.sh (sanity, units, integration, release); also: sanity, units,
#                     integration, release (docs-lint, lint, changelog, build and galaxy-importer
#                     are checked by the release stage, tests/release/)
#   make demo         tests/demo.sh
#   make build        ansible-galaxy collection build
#
# docs/reference/ is build output (ignored by git, see docs/reference/.gitignore): it is
# rendered from the DOCUMENTATION blocks, so a committed copy would go stale with every module
# change. The docs and release tools live in their own venv, $(DOCS_VENV), made on first use from
# tests/release/requirements.txt (the same venv as the release stage of tests/run.sh).

PYTHON ?= python3.11
DOCS_VENV ?= $(HOME)/.cache/mdmkit/tools-venv
DOCS_REQUIREMENTS = tests/release/requirements.txt
REFERENCE = docs/reference
# antsibull-docs reads the collection through ansible-core: a collections tree linking here
DOCS_TREE = $(DOCS_VENV)/collections

.PHONY: FORCE docs docs-lint docs-venv lint changelog test sanity units integration release demo build clean-docs

$(DOCS_VENV)/.mdmkit-docs: $(DOCS_REQUIREMENTS)
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(DOCS_REQUIREMENTS)
	touch $@

docs-venv: $(DOCS_VENV)/.mdmkit-docs

$(DOCS_TREE)/ansible_collections/mdmkit/mdm: FORCE
	mkdir -p $(DOCS_TREE)/ansible_collections/mdmkit
	ln -sfn $(CURDIR) $@

docs: docs-venv $(DOCS_TREE)/ansible_collections/mdmkit/mdm
	find $(REFERENCE) -mindepth 1 ! -name .gitignore -delete 2> /dev/null || true
	mkdir -p -m 0755 $(REFERENCE)
	chmod 0755 $(REFERENCE)
	PATH="$(DOCS_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH=$(DOCS_TREE) \
	    antsibull-docs collection --use-current --squash-hierarchy --fail-on-error \
	    --output-format simplified-rst --dest-dir $(REFERENCE) mdmkit.mdm
	@echo "==> $(REFERENCE)/index.rst and $$(ls $(REFERENCE) | grep -c '\.rst$$') pages"

docs-lint: docs-venv $(DOCS_TREE)/ansible_collections/mdmkit/mdm
	PATH="$(DOCS_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH=$(DOCS_TREE) \
	    antsibull-docs lint-collection-docs --plugin-docs $(DOCS_TREE)/ansible_collections/mdmkit/mdm

lint: docs-venv $(DOCS_TREE)/ansible_collections/mdmkit/mdm
	cd $(DOCS_TREE)/ansible_collections/mdmkit/mdm && PATH="$(DOCS_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH=$(DOCS_TREE) \
	    ansible-lint --offline --profile production playbooks/ extensions/eda/rulebooks/

changelog: docs-venv $(DOCS_TREE)/ansible_collections/mdmkit/mdm
	cd $(DOCS_TREE)/ansible_collections/mdmkit/mdm && PATH="$(DOCS_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH=$(DOCS_TREE) \
	    antsibull-changelog release --update-existing --reload-plugins
	rm -f changelogs/.plugin-cache.yaml

clean-docs:
	find $(REFERENCE) -mindepth 1 ! -name .gitignore -delete 2> /dev/null || true

test:
	tests/run.sh all

sanity units integration release:
	tests/run.sh $@

demo:
	tests/demo.sh

build:
	ansible-galaxy collection build --force
FORCE:
