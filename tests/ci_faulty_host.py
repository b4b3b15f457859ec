"""A vendor's broken service for the CI template tests: `serve`'s arguments, the reference host with one fault.

The templates' "start the service" step is the one a vendor adapts; the tests swap `pact-conformance serve`
in it for this module, so every other step of the template runs unchanged against a host that breaks LIST-OK.
"""

from __future__ import annotations

import argparse
import ssl
import time
from pathlib import Path

from conformance.reference.host import ReferenceHost
from conformance.reference.tls import kept_ca
from tests.faults.listing import FAULTS

FAULT = next(fault for fault in FAULTS if fault.name == "list-content-type-text")  # kills LIST-OK (mandatory)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("serve")  # the subcommand word, kept so the template line needs only its program swapped
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-dir", type=Path, required=True)
    parser.add_argument("--callback-ca", required=True)
    args = parser.parse_args()
    overrides = {**dict(FAULT.overrides), "callback_verify": ssl.create_default_context(cafile=args.callback_ca)}
    host = ReferenceHost("2.3", ca=kept_ca(args.tls_dir, ("127.0.0.1", "localhost")), port=args.port,
                         wrap=FAULT.wrap, overrides=overrides)
    with host:
        print(f"faulty host ({FAULT.name}) at {host.url}\nPress Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
