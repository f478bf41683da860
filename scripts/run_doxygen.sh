#!/usr/bin/env bash
# Runs doxygen on the public model headers with every warning an error (ctest docs_doxygen).
# Exit 77 (ctest: skipped) with a clear message when doxygen is not installed.
# Usage: run_doxygen.sh DOXYFILE OUTPUT_DIR
set -euo pipefail
if (($# != 2)); then
  echo "usage: $0 DOXYFILE OUTPUT_DIR" >&2
  exit 2
fi
doxyfile=$1 out=$2
[[ -f $doxyfile ]] || { echo "run_doxygen: missing $doxyfile (configure the build first)" >&2; exit 2; }
if ! command -v doxygen >/dev/null; then
  echo "run_doxygen: SKIPPED: doxygen not found (Debian package doxygen; scripts/bootstrap.sh)"
  exit 77
fi
mkdir -p "$out"
rm -f "$out/warnings.log"
if ! doxygen "$doxyfile" || [[ -s $out/warnings.log ]]; then
  echo "run_doxygen: doxygen reported warnings (each one is an error):" >&2
  cat "$out/warnings.log" >&2 2>/dev/null || true
  exit 1
fi
echo "run_doxygen: API reference without warnings in $out/html"
