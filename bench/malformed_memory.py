#!/usr/bin/python3
"""The server's memory under a flood of malformed requests, and after it
(issue 18, item 10: "memory grows about 1.2 MB/s under malformed input and is
not given back").

--threads clients each send, one call at a time, random bytes (1 to 4,000)
as the request of a method picked at random from --methods, with a valid key,
for --seconds; then nothing for --idle seconds. The server's resident memory
is sampled every second.

  apt-get install python3-grpcio
  bench/malformed_memory.py --server 127.0.0.1:50051 --key kok_... --pid PID

Prints one JSON line: calls, answers by status code, RSS before, at the end
of each fifth of the flood, at its end and after the idle time (MiB), and the
growth rate over the flood's second half (MiB/s).
"""
import argparse
import collections
import json
import os
import random
import threading
import time

import grpc

METHODS = [
    "/kokemus.v1.RegistryService/GetExpert",
    "/kokemus.v1.RegistryService/ListExperts",
    "/kokemus.v1.RegistryService/CreateExpert",
    "/kokemus.v1.RegistryService/UpdateExpert",
    "/kokemus.v1.OrderService/CreateOrder",
    "/kokemus.v1.OrderService/ListOrders",
    "/kokemus.v1.OrderService/UpdateFeeSchedule",
    "/kokemus.v1.MatchingService/RankExperts",
    "/kokemus.v1.ReportService/GetStatistics",
    "/kokemus.v1.AccessService/ListAuditRecords",
]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def flood(server, key, stop, codes, lock, seed):
    rng = random.Random(seed)
    channel = grpc.insecure_channel(server)
    calls = {m: channel.unary_unary(m) for m in METHODS}  # raw bytes in and out
    metadata = (("authorization", f"Bearer {key}"),)
    while not stop.is_set():
        body = os.urandom(rng.randint(1, 4000))
        try:
            calls[rng.choice(METHODS)](body, metadata=metadata, timeout=5)
            code = "OK"
        except grpc.RpcError as e:
            code = e.code().name
        with lock:
            codes[code] += 1
    channel.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--seconds", type=int, default=120)
    p.add_argument("--idle", type=int, default=60)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args()

    before = rss_mib(args.pid)
    stop = threading.Event()
    codes = collections.Counter()
    lock = threading.Lock()
    workers = [
        threading.Thread(target=flood, args=(args.server, args.key, stop, codes, lock, i))
        for i in range(args.threads)
    ]
    for w in workers:
        w.start()
    samples = []
    for _ in range(args.seconds):
        time.sleep(1)
        samples.append(rss_mib(args.pid))
    stop.set()
    for w in workers:
        w.join()
    end = samples[-1]
    time.sleep(args.idle)
    after = rss_mib(args.pid)
    half = len(samples) // 2
    growth = (samples[-1] - samples[half]) / max(1, len(samples) - 1 - half)
    fifths = [round(samples[max(0, len(samples) * k // 5 - 1)], 1) for k in range(1, 6)]
    print(json.dumps({
        "seconds": args.seconds, "threads": args.threads, "calls": sum(codes.values()),
        "codes": dict(codes), "rss_before_mib": round(before, 1), "rss_fifths_mib": fifths,
        "rss_end_mib": round(end, 1), "rss_after_idle_mib": round(after, 1),
        "growth_second_half_mib_per_s": round(growth, 3),
    }))


if __name__ == "__main__":
    main()
