#!/usr/bin/env bash
# Rebuild every example's outputs from its reading list.
#
#   bash examples/build.sh            # from the repository root
#   CITEKIT=citekit bash examples/build.sh
#
# Uses $CITEKIT when set, else the repository's .venv, else citekit on PATH.
# Each example folder holds one reading-list.toml; its reader is written
# beside it as reader.html (A4 print layout), reader.docx, reader.md and reader.pdf.
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
# The outputs are kept in git: a fixed creation date in the DOCX and PDF
# metadata makes a rebuild of an unchanged list byte-identical.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1796515200}"  # 2026-12-06T00:00:00Z
for list in "$here"/*/reading-list.toml; do
  folder="$(dirname "$list")"
  for suffix in html docx md pdf; do
    "$citekit" reader "$list" -o "$folder/reader.$suffix" --paper "$paper"
  done
done
