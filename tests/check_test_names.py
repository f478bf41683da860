#!/usr/bin/python3
"""Fails when a ctest name is unreadable, unstable or shared by two tests.

Usage: check_test_names.py CTEST BUILD_DIR

Lists the tests of BUILD_DIR with `CTEST --show-only=json-v1` (the -N listing as JSON: it runs
nothing, so running it from inside ctest does not recurse) and reports every name that
  - contains gtest's byte dump of a parameter ("16-byte object <40-34 D6-24 ...>"),
  - contains a hex dump or a pointer-like value (0x55d0c4a1f2b0, "40-34 D6-24"),
  - has characters outside [A-Za-z0-9_./-] (a printed parameter: spaces, '#', '=', quotes),
    except the "<index>" CMake appends to typed tests,
  - is the name of another test too.
Each problem is one line naming the test; exit 1 if any, 2 if the tests cannot be listed.
The listing runs on a copy of BUILD_DIR's CTestTestfile.cmake files (their includes are absolute
paths): even -N rewrites <dir>/Testing/Temporary/LastTest.log, the log the ctest running this
check is writing.
Before the real list it checks itself on known good and bad names (exit 1 if that fails).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

ALLOWED = re.compile(r"[A-Za-z0-9_./-]+(<[0-9]+>)?")
BYTE_DUMP = re.compile(r"object <")
# Two or more hex byte pairs joined by '-' or ' ', as gtest prints raw bytes ("40-34 D6-24").
HEX_DUMP = re.compile(r"\b[0-9A-Fa-f]{2}(?:[- ][0-9A-Fa-f]{2}){2,}\b")
# A pointer printed in hex, or a long hex run with both digits and letters (an address or a
# hash-like value that changes from build to build).
POINTER = re.compile(r"0x[0-9A-Fa-f]{4,}|\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\b")


def problems(names):
    """One line per problem in `names` (a list of ctest names), in listing order."""
    out = []
    for name in names:
        if BYTE_DUMP.search(name):
            out.append(f"{name!r}: gtest byte dump of a parameter: give the suite a name generator")
        elif HEX_DUMP.search(name):
            out.append(f"{name!r}: hex dump in the name: name the case from its parameter")
        elif POINTER.search(name):
            out.append(f"{name!r}: pointer-like hex value in the name: not stable between builds")
        elif not ALLOWED.fullmatch(name):
            out.append(
                f"{name!r}: characters outside [A-Za-z0-9_./-]: a printed parameter? "
                "name the case with tests/support/test_names.h"
            )
    for name, count in sorted(Counter(names).items()):
        if count > 1:
            out.append(f"{name!r}: shared by {count} tests: names must be unique")
    return out


def self_check():
    """The detector flags exactly the bad names below; returns the mismatches."""
    good = [
        "Draft26/ExampleRoundTrip.DecodesAndReencodesByteIdentically/query_request",
        "LossPatterns/TransportSlowLinkTest.LossyMegabyteAnswerArrivesWhole/run1",
        "Algs/SignedEvidence.VerifiesWithMatchingNonceAndKey/ESP256",
        "Vectors/DraftExamples.Every/ietf_teep_protocol_draft26_pr420",
        "analysis_plots",
        "integration_pcap_verifies_independently",
        "codec_cbor_tests_NOT_BUILT",
        "TypedSuite.Works<0>",
        "SuitDraftExamples.UriExampleInstallsFetchedImage",
    ]
    bad = [
        "Libteep/LibteepSignedFiles.VerifyAndResignByteForByte/16-byte object <40-34 D6-24 AA-55 00-00>",
        "X/Y.Z/40-34 D6-24 AA-55",
        "X/Y.Z/0x7ffd5a3c9e10",
        "X/Y.Z/55d0c4a1f2b0",
        "X/Y.Z/yaml_syntax  # GetParam() = 16",
        "X/Y.Z/\"suit_uri.cbor\"",
    ]
    wrong = [f"missed: {n!r}" for n in bad if len(problems([n])) != 1]
    wrong += [f"false alarm: {p}" for p in problems(good)]
    if len(problems(["A.b", "A.b", "A.c"])) != 1:
        wrong.append("missed: a name listed twice")
    return wrong


def copy_test_files(build, dest):
    """Copies every CTestTestfile.cmake of `build` (subdirectories too) to the same place in dest."""
    for root, dirs, files in os.walk(build):
        dirs[:] = [d for d in dirs if d not in ("Testing", "CMakeFiles")]
        if "CTestTestfile.cmake" in files:
            target = os.path.join(dest, os.path.relpath(root, build))
            os.makedirs(target, exist_ok=True)
            shutil.copy(os.path.join(root, "CTestTestfile.cmake"), target)


def main(argv):
    if len(argv) != 3:
        print("usage: check_test_names.py CTEST BUILD_DIR", file=sys.stderr)
        return 2
    wrong = self_check()
    if wrong:
        print("check_test_names.py: self-check failed:\n  " + "\n  ".join(wrong), file=sys.stderr)
        return 1
    ctest, build = argv[1], argv[2]
    if not os.path.isfile(os.path.join(build, "CTestTestfile.cmake")):
        print(f"check_test_names.py: {build} has no CTestTestfile.cmake", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="check_test_names.") as copy:
        copy_test_files(build, copy)
        listing = subprocess.run(
            [ctest, "--test-dir", copy, "--show-only=json-v1"], capture_output=True, text=True
        )
    if listing.returncode != 0:
        print(f"check_test_names.py: cannot list the tests of {build}: {listing.stderr.strip()}",
              file=sys.stderr)
        return 2
    names = [t["name"] for t in json.loads(listing.stdout).get("tests", [])]
    if not names:
        print(f"check_test_names.py: {build} lists no tests", file=sys.stderr)
        return 2
    found = problems(names)
    for line in found:
        print(f"check_test_names.py: {line}", file=sys.stderr)
    print(f"check_test_names.py: {len(names)} test names, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
