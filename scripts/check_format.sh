#!/usr/bin/env bash
# Fails when a tracked C++ file (*.cc, *.h) differs from what clang-format makes of it under the
# repository's .clang-format, and lists those files. Pinned to Debian's clang-format 14 because
# another major version formats some constructs differently and would flag a clean tree.
# Usage: scripts/check_format.sh [-v]   (-v also prints clang-format's diagnostics)
# Exit: 0 all formatted, 1 files differ, 2 clang-format 14 missing or not a git checkout.
set -euo pipefail

verbose=0
case ${1:-} in
  '') ;;
  -v) verbose=1 ;;
  *) echo "usage: $0 [-v]" >&2; exit 2 ;;
esac

if ! root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>&1); then
  echo "check_format: ERROR: $(dirname "$0") is not inside a usable git checkout: ${root##*fatal: }" >&2
  exit 2
fi
cd "$root"
if [ ! -f .clang-format ]; then
  echo "check_format: ERROR: no .clang-format in $root" >&2
  exit 2
fi

cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
  for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null 2>&1; then cf=$c; break; fi
  done
fi
if [ -z "$cf" ] || ! "$cf" --version 2>/dev/null | grep -q 'version 14\.'; then
  echo "check_format: ERROR: clang-format 14 not found (apt-get install clang-format-14, or set CLANG_FORMAT)" >&2
  exit 2
fi

mapfile -d '' files < <(git ls-files -z -- '*.cc' '*.h')
if [ ${#files[@]} -eq 0 ]; then
  echo "check_format: ERROR: no tracked *.cc or *.h files" >&2
  exit 2
fi

# One clang-format run over all files (one process per file costs minutes on a busy machine).
# --Werror turns each would-be change into a "FILE:LINE:COL: error: ..." line; --style=file reads
# the repository's .clang-format. Any other failure (unreadable file, bad config) is an error too.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
printf '%s\0' "${files[@]}" | xargs -0 "$cf" --style=file --dry-run --Werror >"$log" 2>&1 || rc=$?
mapfile -t bad < <(sed -nE 's/^(.+):[0-9]+:[0-9]+: error: code should be clang-formatted.*/\1/p' "$log" |
                   sort -u)
if [ "$verbose" -eq 1 ]; then cat "$log"; fi
if [ "$rc" -ne 0 ] && [ ${#bad[@]} -eq 0 ]; then
  cat "$log" >&2
  echo "check_format: ERROR: $cf failed (exit $rc) without naming a file to reformat" >&2
  exit 2
fi

if [ ${#bad[@]} -ne 0 ]; then
  printf 'check_format: %s\n' "${bad[@]}"
  echo "check_format: FAILED: ${#bad[@]} of ${#files[@]} files differ from $cf's output (fix: $cf -i FILE)"
  exit 1
fi
echo "check_format: ok, ${#files[@]} files formatted"
