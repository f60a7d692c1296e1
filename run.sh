#!/usr/bin/env bash
# One entry point: sets up everything on a fresh machine with only Python, then runs.
#   bash run.sh demo    set up, then run the main demo (graphs + report 000's gradients)
#   bash run.sh test    set up, then check the style (ruff check, ruff format --check) and run the whole test suite
#   bash run.sh setup   set up only
#   bash run.sh docs    set up (with the docs extra), then build the class website into out/site/
# Set-up: a virtualenv in .venv with the project and its extras; Graphviz's `dot`
# (Debian package graphviz) and headless Chromium (for the HTML stepper test),
# installed with apt-get when missing and running as root, otherwise explained;
# torch==2.13.0 and micrograd==0.1.0 (optional peers for comparison tests and benchmarks;
# tests skip without them).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing ${need_apt[*]} with apt-get"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "run.sh: missing ${need_apt[*]}: install them (e.g. 'sudo apt-get install ${need_apt[*]}');"
    echo "        graph pictures and the browser test are skipped until then"
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 needed"'
  "$PY" -m venv "$VENV"
fi
pip_install() {  # quiet, minus this machine's warnings about absent local package mirrors
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2)
}
pip_install -e ".[dev,tasks]"
pip_install "torch==2.13.0" 2>/dev/null || echo "run.sh: torch==2.13.0 not installed; comparison tests will skip"
pip_install "micrograd==0.1.0" 2>/dev/null || echo "run.sh: micrograd not installed; the benchmark shows it as –"

case "${1:-test}" in
  setup) ;;
  demo) "$VENV/bin/python" -m tasks.demo "${@:2}" ;;
  test) "$VENV/bin/ruff" check -q . && "$VENV/bin/ruff" format --check -q . \
          || { echo "run.sh: ruff found style problems (ruff check --fix . && ruff format .)"; exit 1; }
        "$VENV/bin/python" -m pytest -q "${@:2}" ;;
  docs) pip_install -e ".[docs]" && "$VENV/bin/python" docs/build.py "${@:2}" ;;  # MathJax via npm, cached in out/
  *) echo "usage: bash run.sh [demo|test|setup|docs]"; exit 2 ;;
esac
