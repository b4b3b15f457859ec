"""Target secrets of queued runs, for the instance that will execute them.

A secret is held in the memory of the instance that accepted the run. When the operator gives a key
(PACT_SERVICE_KEY, a Fernet key: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
it is also stored encrypted with it until the run starts, so that another instance, or this one after a
restart, can execute a queued run. Without a key a queued run whose accepting instance went away ends
interrupted, asking to be submitted again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken

KEY_VARIABLE = "PACT_SERVICE_KEY"


class SecretBox:
    def __init__(self, env: Mapping[str, str]) -> None:
        key = env.get(KEY_VARIABLE)
        try:
            self._fernet = Fernet(key.encode()) if key else None
        except ValueError:
            raise ValueError(f"{KEY_VARIABLE} is not a Fernet key (32 url-safe base64-encoded bytes)") from None
        self._held: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    @property
    def shared(self) -> bool:
        """Secrets survive this instance (a key is set)."""
        return self._fernet is not None

    def hold(self, run_id: str, secrets: dict[str, str]) -> str | None:
        """Keep the run's secrets in memory; their ciphertext for the store when a key is set."""
        with self._lock:
            self._held[run_id] = dict(secrets)
        if self._fernet is None or not secrets:
            return None
        return self._fernet.encrypt(json.dumps(secrets).encode()).decode()

    def take(self, run_id: str, ciphertext: str | None) -> dict[str, str] | None:
        """The run's secrets (once), from memory or from the stored ciphertext; None when lost."""
        with self._lock:
            held = self._held.pop(run_id, None)
        if held is not None:
            return held
        if ciphertext is None or self._fernet is None:
            return None
        try:
            return json.loads(self._fernet.decrypt(ciphertext.encode()))
        except InvalidToken:
            return None
