#!/usr/bin/env python3
"""ctest api_docs_complete: what doxygen cannot check about the model API reference.

1. docs/api/Doxyfile.in lists every public model header (include/teepsim/*.h), so a new header
   is documented (and checked by docs_doxygen) from the start.
2. Every attribute and trace source an ns-3 TypeId of the models registers (AddAttribute /
   AddTraceSource in models/teep/*.cc) is named, as **Name**, in the Doxygen comment right above
   its class in the headers: an attribute added without documentation fails here.

Usage: check_api_docs.py SOURCE_DIR. Exit 0 when complete, 1 with one line per gap.
"""
import glob
import os
import re
import sys


def listed_headers(doxyfile):
    text = open(doxyfile, encoding="utf-8").read()
    m = re.search(r"^INPUT\s*=\s*((?:.*\\\n)*.*)$", text, re.M)
    if not m:
        sys.exit(f"{doxyfile}: no INPUT")
    return {os.path.basename(p) for p in re.findall(r"include/teepsim/([\w.-]+\.h)", m.group(1))}


def registered_names(sources):
    """{class name: [(kind, name, file:line)]} from the TypeId registrations."""
    out = {}
    for path in sources:
        text = open(path, encoding="utf-8").read()
        current = None
        for m in re.finditer(
            r'TypeId\(\s*"ns3::teepsim::(\w+)"\s*\)|\.(AddAttribute|AddTraceSource)\(\s*"(\w+)"', text
        ):
            if m.group(1):
                current = m.group(1)
                out.setdefault(current, [])
            elif current:
                line = text.count("\n", 0, m.start()) + 1
                kind = "attribute" if m.group(2) == "AddAttribute" else "trace source"
                out[current].append((kind, m.group(3), f"{os.path.relpath(path)}:{line}"))
    return out


def class_comments(headers):
    """{class name: (header, the /// block right above `class Name`)}"""
    out = {}
    for path in headers:
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            m = re.match(r"\s*class (\w+)\s*(?::|$)", line)
            if not m:
                continue
            block = []
            j = i - 1
            while j >= 0 and lines[j].lstrip().startswith("///"):
                block.insert(0, lines[j])
                j -= 1
            out[m.group(1)] = (os.path.relpath(path), "\n".join(block))
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: check_api_docs.py SOURCE_DIR", file=sys.stderr)
        return 2
    os.chdir(sys.argv[1])
    gaps = []
    headers = sorted(glob.glob("include/teepsim/*.h"))
    listed = listed_headers("docs/api/Doxyfile.in")
    for h in headers:
        if os.path.basename(h) not in listed:
            gaps.append(f"docs/api/Doxyfile.in: INPUT does not list {h}")
    comments = class_comments(headers)
    checked = 0
    for cls, names in sorted(registered_names(sorted(glob.glob("models/teep/*.cc"))).items()):
        if not names:
            continue
        if cls not in comments:
            gaps.append(f"{names[0][2]}: TypeId of class {cls}, which no include/teepsim header defines")
            continue
        header, block = comments[cls]
        for kind, name, where in names:
            checked += 1
            if f"**{name}**" not in block:
                gaps.append(f"{where}: {kind} {name} of {cls} is not named (**{name}**) in the comment of class {cls} in {header}")
    for g in gaps:
        print(g)
    if gaps:
        print(f"check_api_docs: {len(gaps)} gaps", file=sys.stderr)
        return 1
    print(f"check_api_docs: {len(headers)} headers listed, {checked} attributes and trace sources documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
