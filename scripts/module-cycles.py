#!/usr/bin/env python3
"""Reports import cycles between the top-level modules of a Rust crate.

Usage: scripts/module-cycles.py <dir>[=<module path>] [...]
  server/src                                   the crate's top-level modules
  contract-tests/src/runner=crate::runner      the modules inside `runner`
Reads every `.rs` file (comments and `#[cfg(test)] mod tests` blocks left
out), collects the paths to sibling modules it names (`crate::<module>`,
or `<module path>::<module>` and the `super::` that reach the same place),
and prints each group of modules that depend on each other in a circle (a
strongly connected component larger than one). Exits 1 when there is one.
"""
import os
import re
import sys


def strip(source: str) -> str:
    source = re.split(r"#\[cfg\(test\)\]\s*mod tests", source)[0]
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return "\n".join(line.split("//")[0] for line in source.splitlines())


def names_after(prefix: str, text: str) -> set:
    """Module names right after `prefix` (`crate::`, `super::super::`…),
    including those in `use prefix{a, b::c}` groups."""
    esc = re.escape(prefix)
    deps = set(re.findall(r"(?<![A-Za-z0-9_:])" + esc + r"([a-z_][a-z0-9_]*)", text))
    for group in re.findall(r"(?<![A-Za-z0-9_:])" + esc + r"\{(.*?)\};", text, flags=re.S):
        depth = 0
        token = ""
        for ch in group:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if depth == 0 and ch == ",":
                token = ""
                continue
            token += ch
            head = re.match(r"\s*([a-z_][a-z0-9_]*)", token)
            if depth == 0 and head:
                deps.add(head.group(1))
    return deps


def graph(src: str, module_path: str = "crate") -> dict:
    mods: dict = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.relpath(os.path.join(root, name), src)
            top = path.split(os.sep)[0].removesuffix(".rs")
            if top in ("lib", "main"):
                continue
            if top == "mod":
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = strip(f.read())
            deps = names_after(module_path + "::", text)
            if module_path != "crate":
                # `super::` from src/<top>.rs (depth 0) or `super::super::`
                # from src/<top>/<file>.rs (depth 1) names a sibling of <top>;
                # a `mod.rs` is its directory's module, one level up.
                depth = path.count(os.sep)
                if name == "mod.rs":
                    depth -= 1
                deps |= names_after("super::" * (depth + 1), text)
            mods.setdefault(top, set()).update(deps - {top, "self", "super"})
    return {m: {d for d in ds if d in mods} for m, ds in mods.items()}


def cycles(g: dict) -> list:
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    bad = False
    for arg in sys.argv[1:] or ["server/src"]:
        src, _, module_path = arg.partition("=")
        g = graph(src, module_path or "crate")
        found = cycles(g)
        if found:
            bad = True
            print(f"{src}: module import cycles:")
            for comp in found:
                print("  " + " <-> ".join(comp))
                for m in comp:
                    print(f"    {m} -> {', '.join(sorted(d for d in g[m] if d in comp))}")
        else:
            print(f"{src}: no module import cycles ({len(g)} modules)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
