#!/usr/bin/env python3
"""Load of GetFunction calls with the official Python SDK, for `cargo xtask bench`.

The SDK is `alibabacloud-fc20230330==4.8.3`. `--mode sync` runs `--in-flight` threads, each
calling `get_function` in a loop; `--mode asyncio` runs as many tasks on one event loop calling
`get_function_async`. After a warm-up second every call's latency is kept; the last line is

    RESULT calls=N seconds=S p50_us=P p99_us=Q

    python bench_fc3_python.py --endpoint http://127.0.0.1:PORT --access-key-id ID \
        --access-key-secret SECRET --mode sync --in-flight 16 --seconds 5
"""

import argparse
import asyncio
import threading
import time

from alibabacloud_fc20230330 import models as fc

from official_sdk_scenario import client

FUNCTION = "bench"
WARM_UP = 1.0


def summary(latencies, seconds):
    """The RESULT line of a run."""
    latencies.sort()
    if not latencies:
        return f"RESULT calls=0 seconds={seconds:.3f} p50_us=0 p99_us=0"

    def pick(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return (f"RESULT calls={len(latencies)} seconds={seconds:.3f} "
            f"p50_us={pick(0.50) * 1e6:.0f} p99_us={pick(0.99) * 1e6:.0f}")


def run_sync(sdk, in_flight, seconds):
    """`in_flight` threads calling get_function until the end."""
    start = time.perf_counter()
    measured_from = start + WARM_UP
    end = measured_from + seconds
    kept = []
    lock = threading.Lock()

    def worker():
        mine = []
        request = fc.GetFunctionRequest()
        while True:
            began = time.perf_counter()
            if began >= end:
                break
            sdk.get_function(FUNCTION, request)
            if began >= measured_from:
                mine.append(time.perf_counter() - began)
        with lock:
            kept.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(in_flight)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(kept, seconds)


async def run_asyncio(sdk, in_flight, seconds):
    """`in_flight` tasks calling get_function_async until the end."""
    start = time.perf_counter()
    measured_from = start + WARM_UP
    end = measured_from + seconds
    kept = []

    async def worker():
        request = fc.GetFunctionRequest()
        while True:
            began = time.perf_counter()
            if began >= end:
                break
            await sdk.get_function_async(FUNCTION, request)
            if began >= measured_from:
                kept.append(time.perf_counter() - began)

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return summary(kept, seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--endpoint", "--access-key-id", "--access-key-secret"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--mode", choices=["sync", "asyncio"], required=True)
    parser.add_argument("--in-flight", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    sdk = client(args.endpoint, args.access_key_id, args.access_key_secret)
    if args.mode == "sync":
        print(run_sync(sdk, args.in_flight, args.seconds))
    else:
        print(asyncio.run(run_asyncio(sdk, args.in_flight, args.seconds)))


if __name__ == "__main__":
    main()
