"""The conformance service: runs started over an HTTP API, executed by the one engine in worker processes,
kept in a real database, with a public per-run callback endpoint for the target's events.

store.py (SQLAlchemy; SQLite embedded, PostgreSQL to scale; Alembic migrations), accounts.py (tokens and
roles), worker.py and child.py (the engine in a child process per run), callbacks.py (the per-run events
endpoint), api.py (the HTTP API and its OpenAPI document), main.py (`pact-conformance service`).
"""
