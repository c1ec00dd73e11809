#!/usr/bin/env python3
"""Allocations per request by call site, from two DHAT profiles of the same
test: one that sent no request (N=0) and one that sent N. What the second
allocated beyond the first, divided by N, is what a request allocates.

    B=$(cargo test -p open-event-contract-tests --test allocations --no-run 2>&1 | sed -n 's/.*(\\(.*allocations-[^)]*\\)).*/\\1/p')
    for n in 0 300; do
        ALLOC_PROFILE_N=$n ALLOC_PROFILE_PATH='/v1/events?page[size]=20' \\
        valgrind --tool=dhat --num-callers=40 --dhat-out-file=/tmp/dhat-$n.json \\
            "$B" profile_allocations --ignored --test-threads=1
    done
    scripts/dhat-diff.py /tmp/dhat-0.json /tmp/dhat-300.json 300

Each line: allocations per request, the first frame outside the standard
library and allocator plumbing, and the first frame of ours below it.
`sqlite3MemMalloc` lines are SQLite's own (C) allocations, which the
counting test does not see. `--frames K` groups by K frames instead.
"""
import argparse
import collections
import json
import re

PLUMBING = re.compile(
    r"^(malloc|calloc|realloc|std::sys::alloc|<allocations::Counting|__rustc|__rdl|"
    r"alloc::|<alloc::|core::|<core::|<T as alloc|<T as core|to_vec|to_owned|hashbrown|"
    r"<hashbrown|<str as|<\[|<std::|std::|<&|[a-z_]+<)"
)


def frame(text):
    text = re.sub(r"^0x[0-9A-Fa-f]+: ", "", text)
    return re.sub(r" \((?:in )?[^()]*\)$", "", text)[:150]


def sites(path):
    profile = json.load(open(path))
    table = profile["ftbl"]
    out = collections.Counter()
    for pp in profile["pps"]:
        out[tuple(frame(table[i]) for i in pp["fs"])] += pp["tbk"]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("requests", type=int)
    p.add_argument("--frames", type=int, default=0)
    p.add_argument("--top", type=int, default=40)
    a = p.parse_args()
    before, after = sites(a.before), sites(a.after)
    grouped = collections.Counter()
    for stack, n in after.items():
        extra = n - before.get(stack, 0)
        if extra <= 0:
            continue
        ours = [f for f in stack if not PLUMBING.search(f)]
        if a.frames:
            key = " <- ".join(ours[: a.frames])
        else:
            mine = next((f for f in ours if "open_event" in f), "-")
            key = f"{ours[0] if ours else '?'}   @ {mine}"
        grouped[key] += extra
    print(f"allocations per request: {sum(grouped.values()) / a.requests:.1f}")
    for key, n in grouped.most_common(a.top):
        print(f"{n / a.requests:7.1f}  {key}")


if __name__ == "__main__":
    main()
