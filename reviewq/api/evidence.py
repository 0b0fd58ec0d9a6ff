"""GET /api/v1/drafts/{id}/evidence: the evidence pack (ZIP) for admins, auditors and comms leads."""
from __future__ import annotations

from reviewq.api import bp, current
from reviewq.api.spec import operation
from reviewq.web.drafts.evidence import evidence_zip


@operation(bp, "/drafts/<int:draft_id>/evidence", "GET", summary="Download the post's evidence pack",
           tag="drafts", responses={200: {"description": "a ZIP: record.json, audit/proof.json, evidence.pdf",
                                          "content_type": "application/zip"}}, errors=(403, 404))
def get_evidence(draft_id):
    """The post's revisions, findings and policy versions, decisions, consents and release, with a proof
    of its audit events against a checkpoint signed now (`reviewq audit verify --pack FILE.zip`)."""
    return evidence_zip(current(), draft_id)
