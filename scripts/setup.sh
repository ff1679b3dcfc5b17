#!/usr/bin/env bash
# Set up a fresh machine: system packages (Graphviz, a CJK font; with FOR_TESTS=1 also Chromium and
# poppler-utils, whose pdftotext reads the printed pages back),
# then a virtual environment in .venv with zwgk and its pinned Python packages: requirements/site.lock
# (what building the site needs), and with FOR_TESTS=1 requirements/dev.lock (tests, browser, linters).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(graphviz fonts-noto-cjk fontconfig)
if [ "${FOR_TESTS:-0}" = 1 ]; then
  packages+=(chromium chromium-driver poppler-utils)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then
    as_root=(sudo)  # CI runners (GitHub Actions) run as a user with password-less sudo
  fi
  if [ "$(id -u)" = 0 ] || [ "${#as_root[@]}" -gt 0 ]; then
    echo "安装系统软件包：${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包：${missing[*]}。请先运行："
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或更新版本（当前：$("$python" --version 2>&1)）。" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
lock=requirements/site.lock
if [ "${FOR_TESTS:-0}" = 1 ]; then
  lock=requirements/dev.lock
fi
stamp=.venv/.zwgk-installed-$(basename "$lock" .lock)
if [ ! -f "$stamp" ] || [ requirements/site.lock -nt "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi
