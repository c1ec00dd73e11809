#!/usr/bin/env python3
"""Measures the two SQLite writer strategies (--sqlite-writer immediate|single)
of a server binary, in the same run, on fresh SQLite files.

For each mode (alternating, --rounds times) it starts the binary on a new
file with a bootstrapped admin, logs in, creates --warmup events, then:

- create: --connections keep-alive connections POST /v1/events in a loop;
- mixed: half the connections keep creating, the other half read
  (GET /v1/events/<id> of an existing event, and a page of the list).

It prints req/s, p50 and p99 per load and mode, and the ratio single /
immediate, and fails if a request failed or the server logged `database is
locked` or `readonly database`. Standard library only (asyncio streams,
HTTP/1.1 keep-alive).

    nice -n 10 cargo build --release -p open-event-server
    scripts/sqlite-writers.py --bin target/release/open-event-server
"""

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

ADMIN = ("bench@example.com", "bench-password")


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method, path, body=None, content_type="application/vnd.api+json"):
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: application/vnd.api+json"]
        if self.token:
            head.append(f"Authorization: JWT {self.token}")
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            head.append(f"Content-Type: {content_type}")
            head.append(f"Content-Length: {len(data)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            payload = b"".join(p[:-2] for p in parts)
        else:
            payload = await self.reader.readexactly(length)
        return status, payload

    def close(self):
        if self.writer:
            self.writer.close()


def event_doc(i):
    return {"data": {"type": "event", "attributes": {
        "name": f"Load {i}", "starts-at": "2031-01-01T09:00:00Z",
        "ends-at": "2031-01-02T17:00:00Z", "timezone": "UTC"}}}


def pct(sorted_ms, p):
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p / 100))]


async def loop(conn, seconds, make, out, failures, ids=None):
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        method, path, body, want = make(n)
        t0 = time.perf_counter()
        status, payload = await conn.request(method, path, body)
        out.append((time.perf_counter() - t0) * 1000)
        if status != want:
            failures.append((status, payload[:200]))
        elif ids is not None and method == "POST":
            ids.append(json.loads(payload)["data"]["id"])
        n += 1


async def run_load(port, token, conns, seconds, ids, readers):
    """`conns` connections; the first `readers` read, the rest create."""
    clients = [Conn(port, token) for _ in range(conns)]
    for c in clients:
        await c.open()
    writes, reads, failures = [], [], []
    counter = iter(range(10**9))

    def create(_):
        return "POST", "/v1/events", event_doc(next(counter)), 201

    def read(n):
        if n % 2:
            return "GET", "/v1/events?page[size]=20&sort=-starts-at", None, 200
        return "GET", f"/v1/events/{random.choice(ids)}", None, 200

    started = time.perf_counter()
    await asyncio.gather(*(
        loop(c, seconds, read, reads, failures) if i < readers
        else loop(c, seconds, create, writes, failures, ids)
        for i, c in enumerate(clients)))
    elapsed = time.perf_counter() - started
    for c in clients:
        c.close()
    return elapsed, sorted(writes), sorted(reads), failures


def start(binary, mode, workdir):
    db = os.path.join(workdir, f"{mode}-{random.randrange(10**9)}.db")
    log = open(db + ".log", "w")
    env = dict(os.environ,
               OPEN_EVENT_BIND="127.0.0.1:0",
               OPEN_EVENT_DATABASE_URL=f"sqlite://{db}?mode=rwc",
               OPEN_EVENT_SQLITE_WRITER=mode,
               OPEN_EVENT_ADMIN_EMAIL=ADMIN[0],
               OPEN_EVENT_ADMIN_PASSWORD=ADMIN[1],
               RUST_LOG="warn,open_event_server=info")
    proc = subprocess.Popen([binary], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(400):
        text = open(db + ".log").read()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
        if m:
            return proc, int(m.group(1)), db + ".log"
        if proc.poll() is not None:
            sys.exit(f"server exited:\n{text}")
        time.sleep(0.05)
    proc.kill()
    sys.exit("server did not start")


async def measure(binary, mode, args, workdir):
    proc, port, log = start(binary, mode, workdir)
    try:
        c = Conn(port)
        await c.open()
        status, body = await c.request(
            "POST", "/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]},
            content_type="application/json")
        assert status == 200, body
        token = json.loads(body)["access_token"]
        c.token = token
        ids = []
        for i in range(args.warmup):
            status, body = await c.request("POST", "/v1/events", event_doc(-i))
            assert status == 201, body
            ids.append(json.loads(body)["data"]["id"])
        c.close()
        results = {}
        for name, readers in (("create", 0), ("mixed", args.connections // 2)):
            elapsed, writes, reads, failures = await run_load(
                port, token, args.connections, args.seconds, ids, readers)
            if failures:
                sys.exit(f"{mode} {name}: {len(failures)} failed, e.g. {failures[:3]}")
            results[name] = {
                "writes": (len(writes) / elapsed, pct(writes, 50), pct(writes, 99)),
                "reads": (len(reads) / elapsed, pct(reads, 50), pct(reads, 99)),
            }
    finally:
        proc.terminate()
        proc.wait()
    text = open(log).read()
    for bad in ("database is locked", "readonly database"):
        if bad in text:
            sys.exit(f"{mode}: the server logged `{bad}` ({log})")
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/open-event-server")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    runs = {"immediate": [], "single": []}
    with tempfile.TemporaryDirectory(prefix="oe-writers-") as workdir:
        for r in range(args.rounds):
            order = ("immediate", "single") if r % 2 == 0 else ("single", "immediate")
            for mode in order:
                res = asyncio.run(measure(args.bin, mode, args, workdir))
                runs[mode].append(res)
                for load, kinds in res.items():
                    for kind, (rps, p50, p99) in kinds.items():
                        if rps:
                            print(f"round {r + 1} {mode:9} {load:6} {kind:6} "
                                  f"{rps:8.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms",
                                  flush=True)
    print(f"\nmedian of {args.rounds} rounds, {args.connections} connections, "
          f"{args.seconds:g} s each (mixed: half create, half read)")
    print("| load | requests | mode | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|")
    for load in ("create", "mixed"):
        for kind in ("writes", "reads"):
            row = {}
            for mode in ("immediate", "single"):
                vals = [run[load][kind] for run in runs[mode]]
                if not vals[0][0]:
                    continue
                med = [sorted(v[i] for v in vals)[len(vals) // 2] for i in range(3)]
                row[mode] = med
                print(f"| {load} | {kind} | {mode} | {med[0]:.0f} | {med[1]:.1f} | {med[2]:.1f} |")
            if len(row) == 2:
                i, s = row["immediate"], row["single"]
                print(f"| {load} | {kind} | single / immediate | {s[0] / i[0]:.2f}× "
                      f"| {s[1] / i[1]:.2f}× | {s[2] / i[2]:.2f}× |")


if __name__ == "__main__":
    main()
