#!/usr/bin/env python3
"""Fails when an include or a link points up the layer map (docs/architecture.md).

Usage: check_layering.py REPO_ROOT LINKS_FILE

Each layer may use only the layers listed for it below. Includes are read from every source and
header under the layer's folder; links come from LINKS_FILE, which the build writes
(`target: dep;dep;...` per line, from each warrant_* target's LINK_LIBRARIES).
"""
import os
import re
import sys

# layer -> (folder, target, layers it may use). Order: bottom first.
LAYERS = {
    "core": ("runtime/core", "warrant_core", []),
    "terminology": ("runtime/terminology", "warrant_terminology", ["core"]),
    "records": ("runtime/records", "warrant_records", ["core"]),
    "pack": ("runtime/pack", "warrant_pack", ["records", "core"]),
    "vm": ("runtime/vm", "warrant_vm", ["pack", "records", "terminology", "core"]),
    "engine": ("runtime/engine", "warrant_engine", ["vm", "pack", "records", "terminology", "core"]),
    "explain": ("runtime/explain", "warrant_explain",
                ["engine", "vm", "pack", "records", "terminology", "core"]),
    "formats": ("runtime/formats", "warrant_formats", ["records", "core"]),
    # The SQLite history store: an implementation of the engine's HistorySource, which the engine
    # itself never includes or links.
    "history": ("runtime/history", "warrant_history",
                ["formats", "engine", "vm", "pack", "records", "terminology", "core"]),
    "api": ("runtime/api", "warrant_api",
            ["explain", "engine", "vm", "pack", "records", "terminology", "core"]),
    "grammar": ("grammar", "warrant_grammar", ["core"]),
    "stdlib": ("stdlib", "warrant_stdlib",
               ["formats", "explain", "engine", "vm", "pack", "records", "terminology", "core"]),
    "service": ("service", "warrant_service",
                ["formats", "explain", "engine", "vm", "pack", "records", "terminology", "core"]),
    "compiler": ("compiler", "warrant_compiler",
                 ["service", "stdlib", "grammar", "history", "formats", "explain", "engine", "vm",
                  "pack", "records", "terminology", "core"]),
}
# Headers of libraries outside the project that only some layers may include.
PRIVATE_HEADERS = {"httplib.h": "service"}
PRIVATE_INCLUDE = re.compile(r'#\s*include\s*<([^>]+)>')
# Libraries outside the project each layer may link or include.
EXTERNAL = {
    "grammar": {"taocpp::pegtl"},
}
PEGTL = re.compile(r'#\s*include\s*<tao/pegtl')
INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')


def layer_of_path(path):
    best = None
    for name, (folder, _, _) in LAYERS.items():
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(LAYERS[best][0]):
                best = name
    return best


def main():
    root, links_file = sys.argv[1], sys.argv[2]
    problems = []
    for name, (folder, _, allowed) in LAYERS.items():
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in sorted(files):
                if not f.endswith((".h", ".cpp", ".def", ".inc")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as src:
                    for number, text in enumerate(src, 1):
                        if PEGTL.search(text) and name != "grammar":
                            problems.append(f"{rel}:{number}: PEGTL is private to grammar/")
                        private = PRIVATE_INCLUDE.search(text)
                        if private and PRIVATE_HEADERS.get(private.group(1), name) != name:
                            owner = PRIVATE_HEADERS[private.group(1)]
                            problems.append(f"{rel}:{number}: <{private.group(1)}> is private "
                                            f"to {owner}/")
                        m = INCLUDE.search(text)
                        if not m:
                            continue
                        target = layer_of_path(m.group(1))
                        if target is None or target == name:
                            continue
                        if target not in allowed:
                            problems.append(
                                f"{rel}:{number}: {name} includes {m.group(1)} ({target}), "
                                f"which it may not use")
    targets = {t: n for n, (_, t, _) in LAYERS.items()}
    with open(links_file, encoding="utf-8") as links:
        for line in links:
            target, _, deps = line.strip().partition(": ")
            if target not in targets:
                continue
            name = targets[target]
            for dep in filter(None, deps.split(";")):
                if dep in targets and dep != target and targets[dep] not in LAYERS[name][2]:
                    problems.append(f"{target} links {dep}, a layer it may not use")
                if dep == "taocpp::pegtl" and "taocpp::pegtl" not in EXTERNAL.get(name, ()):
                    problems.append(f"{target} links PEGTL, which is private to grammar/")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering violation(s); the map is in docs/architecture.md")
        return 1
    print(f"layering: ok ({len(LAYERS)} layers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
