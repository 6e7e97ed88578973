# Shared by scripts/run and scripts/test: find a Python >= 3.12 and prepare .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  local candidates=(python3.14 python3.13 python3.12)
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  candidates+=("$pyenv_root"/versions/3.1[2-9]*/bin/python3 "$pyenv_root"/versions/3.1[2-9].*/bin/python3)
  candidates+=(python3)
  local candidate
  for candidate in "${candidates[@]}"; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  echo "Kennisstad needs Python 3.12 or newer (Django 6). Install it, e.g. 'apt-get install python3.12' or via pyenv." >&2
  return 1
}

ensure_venv() {
  local extras="${1:-}"
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    rm -rf .venv
    "$(find_python)" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
}

# The browser tests drive Debian's Chromium: Playwright's own browser download cannot reach its host here.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing Debian's chromium for the browser tests"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
      return 0
    fi
    echo "== Installing chromium failed: browser tests are skipped"
  else
    echo "== /usr/bin/chromium is missing (as root: apt-get install chromium): browser tests are skipped"
  fi
}
