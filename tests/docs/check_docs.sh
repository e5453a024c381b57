#!/usr/bin/env bash
# The reference pages follow the code: docs/c-api.md is what docs/gen_c_api.py
# makes of the headers now, and every public fl_* function has a section.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
/usr/bin/python3 "$root/docs/gen_c_api.py" "$tmp"
if ! diff -u "$root/docs/c-api.md" "$tmp"; then
  echo "docs/c-api.md is stale: run /usr/bin/python3 docs/gen_c_api.py docs/c-api.md" >&2
  exit 1
fi
missing=0
for f in $(grep -ho 'FL_API [^(]*(' "$root"/include/frontline/*.h | grep -o 'fl_[a-z0-9_]*(' | tr -d '(' | sort -u); do
  grep -q "\`$f\`" "$root/docs/c-api.md" || { echo "no reference for $f in docs/c-api.md" >&2; missing=1; }
done
[ $missing -eq 0 ] && echo "docs: every public function documented"
# Every relative link and image in README.md and docs/ points at a file that exists.
for page in "$root"/README.md "$root"/docs/*.md "$root"/docs/tools/*.md; do
  dir=$(dirname "$page")
  for target in $(grep -o '](\([^)#]*\)' "$page" | sed 's/^](//' | grep -v '^[a-z]*:' || true); do
    [ -e "$dir/$target" ] || { echo "${page#$root/}: link to missing file $target" >&2; missing=1; }
  done
done
exit $missing
