#!/usr/bin/env bash
# Fails when a tracked file refers to something outside the checkout, so that a fresh clone
# builds and tests with nothing beside it (the project once read its vectors and documents from a
# folder next to the repository). "Outside" is decided by resolving paths, not by pattern alone:
#   1. a symlink whose target is absolute or resolves outside the checkout;
#   2. the name of the old reference-material folder next to the checkout: a parent step followed
#      by "shared" (always an error; nothing of that name exists inside the tree);
#   3. any relative path with parent steps ("../") that, resolved from the directory of the file
#      that contains it, leaves the checkout ("#include "../x.h"" inside the tree is fine);
#   4. absolute paths into workplace or personal folders (below /work, /home/<user>, /root, /Users
#      or /mnt); system locations (/usr, /etc, /tmp, /dev, /proc) are dependencies, not references.
# A line that must quote such a path on purpose (test data for path validation) carries the marker
# "self-contained: allow" and is skipped. Binary files are skipped.
# Usage: scripts/check_self_contained.sh   (exit 0 clean, 1 references found, 2 not a checkout)
set -euo pipefail

if ! root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>&1); then
  echo "check_self_contained: ERROR: $(dirname "$0") is not inside a usable git checkout: ${root##*fatal: }" >&2
  exit 2
fi
root=$(cd "$root" && pwd -P)
cd "$root"

found=0
flag() { # file line what
  echo "check_self_contained: $1:$2: $3"
  found=$((found + 1))
}

# inside PATH: true when the absolute, normalised PATH is the checkout or below it.
inside() {
  case $1 in
    "$root" | "$root"/*) return 0 ;;
    *) return 1 ;;
  esac
}

allow='self-contained: allow'
nfiles=$(git ls-files | wc -l)

# 1. Symlinks (mode 120000).
while IFS= read -r -d '' entry; do
  mode=${entry%% *}
  path=${entry#*$'\t'}
  [ "$mode" = 120000 ] || continue
  target=$(readlink "$path" 2>/dev/null || git cat-file -p "$(git rev-parse ":$path")")
  if [ "${target:0:1}" = / ]; then
    flag "$path" 0 "symlink to absolute path $target"
  elif ! inside "$(realpath -m "$root/$(dirname "$path")/$target")"; then
    flag "$path" 0 "symlink to $target, outside the checkout"
  fi
done < <(git ls-files -s -z)

# 2-4. References in text files. git grep -I skips binary files; -z keeps odd file names intact.
parent_re='(\.\./)+'
token_re="${parent_re}[^][:space:]\"'\`<>(){};,:|*?\\\\]*"
old_re='\.\./shared([^A-Za-z0-9_-]|$)'
abs_re='(^|[^A-Za-z0-9_.~$-])/(work|home/[^/[:space:]]+|root|Users|mnt)/'

# git grep -z prints FILE NUL LINE NUL TEXT newline.
while IFS= read -r -d '' file && IFS= read -r -d '' line && IFS= read -r text; do
  case $text in *"$allow"*) continue ;; esac
  if [[ $text =~ $old_re ]]; then
    flag "$file" "$line" "refers to the reference-material folder beside the checkout: $(echo "$text" | sed 's/^[[:space:]]*//' | cut -c1-120)"
    continue
  fi
  if [[ $text =~ $abs_re ]]; then
    flag "$file" "$line" "absolute path outside the checkout: $(echo "$text" | grep -oE "/(work|home|root|Users|mnt)/[^[:space:]\"'\`)]*" | head -1)"
  fi
  dir=$(dirname "$file")
  while IFS= read -r token; do
    [ -n "$token" ] || continue
    if ! inside "$(realpath -m "$root/$dir/$token")"; then
      flag "$file" "$line" "$token resolves outside the checkout (from $dir/)"
    fi
  done < <(grep -oE "$token_re" <<<"$text" || true)
done < <(git grep -z -I -n -E -e "$parent_re" -e "$abs_re" -- . || true)

if [ "$found" -ne 0 ]; then
  echo "check_self_contained: FAILED: $found reference(s) outside the checkout in $nfiles tracked files"
  exit 1
fi
echo "check_self_contained: ok, $nfiles tracked files refer to nothing outside the checkout"
