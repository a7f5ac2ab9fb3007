#!/usr/bin/env bash
# Times a cold install: a new venv and every locked dependency without pip's cache.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s%N)
python3.11 -m venv "$tmp/venv"
quiet() { "$@" 2> >(grep -v "is ignored" >&2); }
quiet "$tmp/venv/bin/python" -m pip install --quiet --no-cache-dir --upgrade pip
quiet "$tmp/venv/bin/python" -m pip install --quiet --no-cache-dir -c constraints.txt -e '.[dev]' 2>/dev/null
end=$(date +%s%N)
echo "cold install (new venv, no pip cache): $(( (end - start) / 1000000 )) ms, venv size $(du -sh "$tmp/venv" | cut -f1)"
