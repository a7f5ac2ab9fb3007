#!/usr/bin/env bash
# Times a cold install: a new venv and every locked dependency without pip's cache.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --no-cache-dir --upgrade pip
"$tmp/venv/bin/python" -m pip install --quiet --no-cache-dir -c constraints.txt -e '.[dev]'
end=$(date +%s.%N)
printf 'cold install (no pip cache): %.1f s, venv size %s\n' "$(echo "$end - $start" | bc)" "$(du -sh "$tmp/venv" | cut -f1)"
