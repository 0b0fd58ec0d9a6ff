"""The audit record as evidence: a keyed hash chain, signed checkpoints outside the database, verification.

chain.py      pure formulas: how an event is hashed, linked and sealed (no database, no keys on disk)
keys.py       the chain's HMAC key and the checkpoint signing key (env or 0600 files under instance/)
checkpoints.py signed statements of (seq, head hash, time, key id), written to and read from a folder
verify.py     reads the rows raw and names the first bad one; checks the database extends every checkpoint
jobs.py       the worker's scheduled checkpoint, and the one after every N events (after commit)

Appending stays in reviewq.models.audit, inside the caller's transaction.
"""
