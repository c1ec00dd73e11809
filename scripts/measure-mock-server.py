#!/usr/bin/env python3
"""Measures the mock server: start-up (exec to the first successful API
response), idle RSS, and POST /__mock/reset (after writes).

    cargo build --release -p open-event-mocks --bin open-event-mock
    scripts/measure-mock-server.py [binary] [--runs N]

Prints one line per figure (median and worst of N runs); docs/benchmarks.md
keeps the figures.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time

BIN = "target/release/open-event-mock"
RUNS = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(binary):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    while True:
        try:
            status, _ = request(port, "GET", "/v1/events", timeout=1)
            if status == 200:
                return proc, port, (time.perf_counter() - t0) * 1000
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit(f"{binary} exited with {proc.returncode}")
        if time.perf_counter() - t0 > 30:
            proc.kill()
            sys.exit("no answer within 30 s")
        time.sleep(0.001)


def main():
    args = sys.argv[1:]
    binary = args[0] if args and not args[0].startswith("--") else BIN
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else RUNS
    starts, rss, resets_server, resets_wall = [], [], [], []
    for _ in range(runs):
        proc, port, ms = start(binary)
        starts.append(ms)
        accounts = json.loads(request(port, "GET", "/__mock/accounts")[1])
        owner = next(a for a in accounts["accounts"] if a["role"] == "owner")
        headers = {
            "Content-Type": "application/vnd.api+json",
            "Accept": "application/vnd.api+json",
            "Authorization": f"JWT {owner['access_token']}",
        }
        for i in range(5):
            doc = {"data": {"type": "event", "attributes": {
                "name": f"Measured {i}", "starts-at": "2031-01-01T09:00:00Z",
                "ends-at": "2031-01-02T09:00:00Z", "timezone": "UTC"}}}
            status, _ = request(port, "POST", "/v1/events", json.dumps(doc), headers)
            assert status == 201, status
            t0 = time.perf_counter()
            status, body = request(port, "POST", "/__mock/reset")
            resets_wall.append((time.perf_counter() - t0) * 1000)
            assert status == 200, status
            resets_server.append(json.loads(body)["elapsed_ms"])
        time.sleep(2)  # idle
        rss.append(rss_kib(proc.pid) / 1024)
        proc.terminate()
        proc.wait()

    def line(name, values, unit):
        print(f"{name}: median {statistics.median(values):.1f} {unit}, "
              f"worst {max(values):.1f} {unit} ({len(values)} samples)")

    print(f"{binary}, {runs} runs, {os.cpu_count()} cores")
    line("start-up (exec to first 200 from /v1/events)", starts, "ms")
    line("idle RSS", rss, "MB")
    line("reset after a write (server-side)", resets_server, "ms")
    line("reset after a write (round trip)", resets_wall, "ms")


if __name__ == "__main__":
    main()
