"""The evidence pack of one post: who approved which revision, under which policy version, and proof of it.

queries.py gathers the machine-readable record, operations.py checks permission, proves the post's audit
events against a freshly signed checkpoint and audits the download; pack.py writes the ZIP (record, proof,
PDF). Verifying a pack is reviewq.audit.proof.verify_pack's (`reviewq audit verify --pack`).
"""
