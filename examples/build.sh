#!/usr/bin/env bash
# Rebuild every example's outputs from its reading list.
#
#   bash examples/build.sh            # from the repository root
#   CITEKIT=citekit bash examples/build.sh
#
# Uses $CITEKIT when set, else the repository's .venv, else citekit on PATH.
# Each example folder holds one reading-list.toml; its reader is written
# beside it as reader.html (A4 print layout), reader.docx and reader.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [[ -n "${CITEKIT:-}" ]]; then
  citekit="$CITEKIT"
elif [[ -x "$root/.venv/bin/citekit" ]]; then
  citekit="$root/.venv/bin/citekit"
else
  citekit="citekit"
fi
paper="${PAPER:-a4}"
for list in "$here"/*/reading-list.toml; do
  folder="$(dirname "$list")"
  for suffix in html docx md; do
    "$citekit" reader "$list" -o "$folder/reader.$suffix" --paper "$paper"
  done
done
