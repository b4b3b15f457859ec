"""The minimal reference client of the run benchmark: the same requests, in the same order, checking nothing.

Usage: python tests/bench/minimal_client.py REQUESTS_JSON BASE_URL CA_PEM

REQUESTS_JSON is what a host recorded while a suite run talked to it (see
run_bench.py): method, path with query, headers and body of every request. This
script sends them again over one httpx client and reads each answer, nothing
else, so its wall time is Python start-up plus the round trips: the floor the
suite's own run is compared with. It imports nothing of the harness.
"""

from __future__ import annotations

import base64
import json
import sys

import httpx

# Set by httpx itself for every request; the recorded values described the suite's own connection.
_CONNECTION_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


def replay(requests: list[dict[str, object]], base_url: str, ca_pem: str) -> int:
    """Send every recorded request; returns how many were sent."""
    with httpx.Client(base_url=base_url, verify=ca_pem, timeout=30.0) as client:
        for recorded in requests:
            headers = [(name.encode("latin-1"), value.encode("latin-1"))
                       for name, value in recorded["headers"]  # type: ignore[union-attr]
                       if name.lower() not in _CONNECTION_HEADERS]
            body = base64.b64decode(str(recorded["body"])) if recorded["body"] else None
            try:
                client.request(str(recorded["method"]), str(recorded["path"]), headers=headers, content=body).read()
            except httpx.HTTPError:
                pass  # checks nothing: an answer that does not come is the host's business
    return len(requests)


def main() -> None:
    path, base_url, ca_pem = sys.argv[1:4]
    with open(path, encoding="utf-8") as handle:
        requests = json.load(handle)
    print(replay(requests, base_url, ca_pem))


if __name__ == "__main__":
    main()
