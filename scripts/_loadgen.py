"""An open-loop HTTP/1.1 load generator on asyncio, cheap enough to share a small machine with the server.

    result = run("127.0.0.1", port, [(request_bytes, {204}), ...], rate=500)

Request i is due at start + i/rate (time.monotonic()) whether or not earlier ones have answered (open loop), and its latency
counts from that moment, so a server that falls behind shows it in the figures instead of slowing the
generator down. Keep-alive connections are reused; at most `max_connections` are open at once (a request
waiting for one still counts its wait). A request not answered within `timeout` seconds is an error.
"""
from __future__ import annotations

import asyncio
import gc
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    rate: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, answered as expected
    errors: Counter = field(default_factory=Counter)  # "503", "timeout", "reset", …
    answered: dict[int, float] = field(default_factory=dict)  # index answered as expected -> when it was due
    seconds: float = 0.0

    def percentile(self, share: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def run(host: str, port: int, requests: list[tuple[bytes, frozenset[int]]], rate: float, *,
        timeout: float = 5.0, max_connections: int = 256) -> Result:
    """The garbage collector is off meanwhile: its pauses would show up as the server's latency."""
    gc.collect()
    gc.disable()
    try:
        return asyncio.run(_run(host, port, requests, rate, timeout, max_connections))
    finally:
        gc.enable()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


async def _run(host, port, requests, rate, timeout, max_connections) -> Result:
    loop = asyncio.get_running_loop()
    result = Result(rate=rate)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    slots = asyncio.Semaphore(max_connections)

    async def one(index: int, due: float, data: bytes, expected: frozenset[int]) -> None:
        async with slots:
            connection = idle.pop() if idle else None
            try:
                async with asyncio.timeout_at(due + timeout):
                    if connection is None:
                        connection = await asyncio.open_connection(host, port)
                    reader, writer = connection
                    writer.write(data)
                    status, keep = await _read_response(reader)
            except TimeoutError:
                result.errors["timeout"] += 1
                _close(connection)
                return
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                result.errors["reset"] += 1
                _close(connection)
                return
            if keep:
                idle.append(connection)
            else:
                _close(connection)
        if status in expected:
            result.latencies.append(loop.time() - due)
            result.answered[index] = due
        else:
            result.errors[str(status)] += 1

    tasks = []
    start = loop.time() + 0.05
    for index, (data, expected) in enumerate(requests):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due, data, expected)))
    result.sent = len(tasks)
    await asyncio.gather(*tasks)
    result.seconds = loop.time() - start
    for reader, writer in idle:
        writer.close()
    return result


def _close(connection) -> None:
    if connection is not None:
        connection[1].close()


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
