"""How long one redaction takes as the number of registered secrets grows (finding: 204 ms at 20,000).

Run: python -m tests.bench.redaction_bench. Prints, per count of secrets, the time to register
them one by one (each followed by a redaction, as a target that issues a token per request
causes) and the mean time of one redaction of a 4 KiB excerpt with JSON and %-escapes.
"""

from __future__ import annotations

import time

from conformance.evidence import SecretBook

EXCERPT = ('{"data": [], "next": "https:\\/\\/host.example\\/2\\/footprints?page=2&t=abc%2Fdef"} ' * 50)[:4096]


def measure(count: int) -> tuple[float, float]:
    book = SecretBook()
    started = time.perf_counter()
    for i in range(count):
        book.add(f"issued-token-{i:010d}-Zq", "bearer-token")
        book.redact("short text")
    register = time.perf_counter() - started
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        book.redact(EXCERPT)
    return register, (time.perf_counter() - started) / rounds


def main() -> None:
    print(f"{'secrets':>8} {'register+redact each (s)':>25} {'one 4 KiB redaction (ms)':>25}")
    for count in (10, 1_000, 20_000):
        register, one = measure(count)
        print(f"{count:>8} {register:>25.2f} {one * 1000:>25.3f}")


if __name__ == "__main__":
    main()
