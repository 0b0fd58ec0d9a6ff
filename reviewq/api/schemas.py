"""JSON Schemas of the API's requests and responses (the OpenAPI components).

Channel names, states, stages and consent kinds come from the code that
enforces them, so the document lists exactly what the operations accept.
"""
from __future__ import annotations

from reviewq.api.spec import COMPONENTS, MAX_ID
from reviewq.core.roles import CHANNELS
from reviewq.drafts.transitions import State
from reviewq.review.queries import STAGES
from reviewq.consents.queries import COVERS
from reviewq.models.consent import RELATIONS
from reviewq.drafts.operations import MAX_BODY


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
WHEN = {"type": "string", "format": "date-time",
        "description": "ISO 8601 in UTC or with an offset; times without a zone are refused"}
CHANNEL = {"type": "string", "enum": list(CHANNELS)}
CHANNEL_LIST = {"type": "array", "items": CHANNEL, "minItems": 1, "maxItems": len(CHANNELS)}
STATE = {"type": "string", "enum": [s.value for s in State]}
STAGE = {"type": "string", "enum": [s.name for s in STAGES]}
TEXT = {"type": "string", "maxLength": MAX_BODY}
PERSON = {"type": "object", "required": ["id", "name"],
          "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}

COMPONENTS.update({
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "description": "what went wrong, in plain words"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "field name → what is wrong with it"},
        "findings": {"type": "array", "items": ref("Finding")},
        "missing_justifications": {"type": "array", "items": {"type": "string"}},
    }},
    "Finding": {"type": "object", "required": ["check", "category", "severity", "message", "policy"],
                "properties": {
                    "check": {"type": "string"}, "category": {"type": "string"},
                    "severity": {"type": "string", "enum": ["block", "warn", "info"]},
                    "start": {"type": ["integer", "null"]}, "end": {"type": ["integer", "null"]},
                    "text": {"type": "string"}, "message": {"type": "string"}, "policy": {"type": "string"},
                    "key": {"type": "string", "description": "identity used for justifications"},
                    "fix": {"type": "string"}, "attachment_id": {"type": "integer"},
                    "box": {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4}}},
    "Person": PERSON,
    "Attachment": {"type": "object", "required": ["id", "name", "content_type", "size", "sha256", "alt_text", "url"],
                   "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                  "content_type": {"type": "string"}, "size": {"type": "integer"},
                                  "sha256": {"type": "string"}, "alt_text": {"type": "string"},
                                  "width": {"type": ["integer", "null"]}, "height": {"type": ["integer", "null"]},
                                  "url": {"type": "string"}}},
    "Decision": {"type": "object", "required": ["stage", "decision", "user", "at", "revision"],
                 "properties": {"stage": STAGE, "decision": {"type": "string"}, "user": ref("Person"),
                                "at": {"type": "string"}, "revision": {"type": "integer"},
                                "comment": {"type": "string"}, "via": {"type": "string"},
                                "voided": {"type": "boolean"}}},
    "HistoryEvent": {"type": "object", "required": ["seq", "at", "action"],
                     "properties": {"seq": {"type": "integer"}, "at": {"type": "string"},
                                    "action": {"type": "string", "description": "dotted audit action"},
                                    "actor": nullable(ref("Person")), "data": {"type": "object"}}},
    "Consent": {"type": "object", "required": ["id", "subject_name", "covers", "channels", "revoked"],
                "properties": {"id": {"type": "integer"}, "subject_name": {"type": "string"},
                               "covers": {"type": "array", "items": {"type": "string", "enum": list(COVERS)}},
                               "channels": {"type": "array", "items": CHANNEL,
                                            "description": "empty: every channel"},
                               "valid_from": {"type": ["string", "null"]},
                               "valid_until": {"type": ["string", "null"]},
                               "note": {"type": "string"}, "created_at": {"type": "string"},
                               "revoked": {"type": "boolean"}, "revoked_at": {"type": ["string", "null"]},
                               "relation": {"type": "string", "enum": list(RELATIONS)},
                               "signed_by": {"type": "string"}, "has_form": {"type": "boolean"},
                               "revoke_reason": {"type": ["string", "null"]},
                               "reference": {"type": "string", "description": "registry answers only: what "
                                             "the draft's author links it with"}}},
    "DraftSummary": {"type": "object",
                     "required": ["id", "state", "revision", "channels", "author", "created_at", "url"],
                     "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "state": STATE,
                                    "revision": {"type": "integer"}, "body": {"type": "string"},
                                    "channels": {"type": "array", "items": CHANNEL}, "author": ref("Person"),
                                    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
                                    "requested_release_at": {"type": ["string", "null"]},
                                    "release_at": {"type": ["string", "null"]},
                                    "published_at": {"type": ["string", "null"]},
                                    "stage_entered_at": {"type": ["string", "null"]},
                                    "url": {"type": "string"}}},
})
COMPONENTS["Draft"] = {"allOf": [ref("DraftSummary"), {
    "type": "object",
    "required": ["body", "findings", "approvals", "history", "attachments", "justifications", "decisions",
                 "consents"],
    "properties": {
        "findings": {"type": "array", "items": ref("Finding")},
        "checked_at": {"type": ["string", "null"]},
        "policy_version": {"type": ["integer", "null"],
                           "description": "the check policy version the findings came from (null: defaults)"},
        "revisions": {"type": "array", "description": "every revision: number, content_hash, checked_at, "
                      "policy_version", "items": {"type": "object", "properties": {
                          "number": {"type": "integer"}, "content_hash": {"type": "string"},
                          "checked_at": {"type": ["string", "null"]},
                          "policy_version": {"type": ["integer", "null"]}}}},
        "justifications": {"type": "object", "additionalProperties": {"type": "string"}},
        "approvals": {"type": "array", "items": ref("Decision"),
                      "description": "approvals standing on the current revision"},
        "decisions": {"type": "array", "items": ref("Decision"), "description": "every decision, voided ones too"},
        "attachments": {"type": "array", "items": ref("Attachment")},
        "consents": {"type": "array", "items": ref("Consent")},
        "history": {"type": "array", "items": ref("HistoryEvent")},
        "release_error": {"type": ["string", "null"]}, "publisher_ref": {"type": ["string", "null"]},
        "release_warnings": {"type": "array", "items": {"type": "string"},
                             "description": "after scheduling: clashes and holds worth a second look"},
    }}]}
COMPONENTS["DraftPage"] = {"type": "object", "required": ["drafts", "next_cursor"],
                           "properties": {"drafts": {"type": "array", "items": ref("DraftSummary")},
                                          "next_cursor": {"type": ["string", "null"]}}}


def obj(properties: dict, required=(), extra: bool = False) -> dict:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": extra}


DRAFT_IN = obj({"body": TEXT, "channels": CHANNEL_LIST, "requested_release_at": nullable(WHEN),
                "title": {"type": "string", "maxLength": 200}}, ["body", "channels"])
EDIT_IN = obj({"body": TEXT, "channels": CHANNEL_LIST, "requested_release_at": nullable(WHEN),
               "revision": {**ID, "description": "the revision you edited; 409 if the draft moved on"},
               "remove_attachment_ids": {"type": "array", "items": ID, "maxItems": 50},
               "alt_texts": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 1500},
                             "propertyNames": {"pattern": "^[1-9][0-9]{0,9}$"}, "maxProperties": 50}})
SUBMIT_IN = obj({"justifications": {"type": "object", "maxProperties": 200,
                                    "additionalProperties": {"type": "string", "maxLength": 2000},
                                    "description": "finding key → why publishing anyway is right"},
                 "revision": ID})
REDACT_IN = obj({"mode": {"type": "string", "enum": ["blur", "box"]},
                 "regions": {"description": '"blocking" (every must-fix area of the image) or areas [x, y, w, h] '
                                            "in the upright image's pixels (the scan's `box` values)",
                             "oneOf": [{"type": "string", "enum": ["blocking"]},
                                       {"type": "array", "minItems": 1, "maxItems": 200,
                                        "items": {"type": "array", "minItems": 4, "maxItems": 4,
                                                  "items": {"type": "integer", "minimum": 0}}}]}},
                required=("mode", "regions"))
DECISION_IN = obj({"decision": {"type": "string", "enum": ["approve", "request_changes", "reject"]},
                   "comment": {"type": "string", "maxLength": 5000}, "revision": ID,
                   "expected_stage": {"type": "string", "enum": [s.name for s in STAGES],
                                      "description": "required: the stage you decide; 400 without it, "
                                                     "409 if the draft has moved on"}},
                  ["decision", "revision"])
SCHEDULE_IN = obj({"release_at": {**nullable(WHEN), "description": "omit or null: the time the author asked for"},
                   "channels": CHANNEL_LIST})
UNSCHEDULE_IN = obj({"reason": {"type": "string", "maxLength": 1000}})
SCAN_IN = obj({"text": TEXT, "channels": {"type": "array", "items": CHANNEL, "maxItems": len(CHANNELS)}},
              ["text"])
CONSENT_REF_ = {"type": "string", "pattern": "^[0-9]{1,10}-[0-9a-fA-F]{12}$"}
CONSENT_IN = obj({"subject_name": {"type": "string", "minLength": 1, "maxLength": 200},
                  "covers": {"type": "array", "items": {"type": "string", "enum": list(COVERS)}, "minItems": 1,
                             "maxItems": len(COVERS)},
                  "channels": {"type": "array", "items": CHANNEL, "maxItems": len(CHANNELS)},
                  "valid_from": nullable(WHEN), "valid_until": nullable(WHEN),
                  "note": {"type": "string", "maxLength": 2000},
                  "relation": {"type": "string", "enum": list(RELATIONS),
                               "description": "who signed: the patient (default), a parent or guardian, a relative; "
                                              "or staff: a staff member shown in a photo"},
                  "signed_by": {"type": "string", "maxLength": 200,
                                "description": "the signer's name when not the person themselves"},
                  "task_id": {**ID, "description": "the consent request this answers: links the consent to its draft"}},
                 ["subject_name", "covers"])
REVOKE_IN = obj({"reason": {"type": "string", "maxLength": 2000}})
FACE_IN = obj({"attachment_id": ID, "box": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                            "minItems": 4, "maxItems": 4, "description": "the face finding's box"},
               "consent_id": {"anyOf": [ID, CONSENT_REF_]}}, ["attachment_id", "box", "consent_id"])
REQUEST_IN = obj({"subject_name": {"type": "string", "minLength": 1, "maxLength": 200,
                                   "description": "the name exactly as written in the post"},
                  "note": {"type": "string", "maxLength": 1000}}, ["subject_name"])
TASK_DONE_IN = obj({"note": {"type": "string", "maxLength": 1000}})
CONSENT_REF = {"type": "string", "pattern": "^[0-9]{1,10}-[0-9a-fA-F]{12}$",
               "description": "a consent's reference, as comms hands it out with the signed form"}
LINK_IN = obj({"consent_ids": {"type": "array", "items": {"anyOf": [ID, CONSENT_REF]}, "minItems": 1,
                               "maxItems": 50,
                               "description": "ids (comms, legal, admins) or references (the draft's author)"},
               "mention": {"type": "string", "maxLength": 200,
                           "description": "the name as written in the post; the consents must name that person"}},
              ["consent_ids"])
UPLOAD_IN = {"type": "object", "required": ["file"],
             "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream",
                                     "description": "JPEG, PNG, GIF, WebP, MP4 or MOV"},
                            "alt_text": {"type": "string", "maxLength": 1500}}}
FINDINGS_OUT = obj({"findings": {"type": "array", "items": ref("Finding")}}, ["findings"], extra=True)
CALENDAR_OUT = obj({"entries": {"type": "array", "items": ref("DraftSummary")},
                    "from": {"type": "string"}, "to": {"type": "string"},
                    "next_cursor": {"type": ["string", "null"],
                                    "description": "pass back as cursor for the next page; null on the last"}},
                   ["entries"], extra=True)
QUEUE_OUT = obj({"drafts": {"type": "array", "items": ref("DraftSummary")},
                 "counts": {"type": "object", "additionalProperties": {"type": "integer"}}},
                ["drafts", "counts"], extra=True)
CONSENTS_OUT = obj({"consents": {"type": "array", "items": ref("Consent")},
                    "next_cursor": {"type": ["string", "null"]}}, ["consents"], extra=True)
HISTORY_OUT = obj({"history": {"type": "array", "items": ref("HistoryEvent")}}, ["history"], extra=True)
ME_OUT = obj({"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
              "roles": {"type": "array", "items": {"type": "string"}}}, ["id", "name", "roles"], extra=True)

LIST_QUERY = {
    "state": {"type": "array", "items": STATE, "description": "repeat for several"},
    "stage": STAGE, "author": ID, "channel": CHANNEL,
    "created_from": WHEN, "created_to": WHEN,
    "mine": {"type": "boolean"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 200},
    "cursor": {"type": "string", "pattern": "^[1-9][0-9]{0,9}$",
               "description": "next_cursor of the previous page"},
}
CALENDAR_QUERY = {"from": {**WHEN, "description": "default: now"},
                  "to": {**WHEN, "description": "default: 30 days after from; at most 400 days after it"},
                  "channel": CHANNEL,
                  "state": {"type": "string", "enum": ["scheduled", "published"],
                            "description": "default: both"},
                  "limit": {"type": "integer", "minimum": 1, "maximum": 1000,
                            "description": "default: none (every post of the range in one answer); a bad value "
                                           "is a 400"},
                  "cursor": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{12}_[1-9][0-9]{0,9}$",
                             "description": "next_cursor of the previous page (default: the first page); a "
                                            "cursor this API did not give out is a 400"}}
CONSENT_QUERY = {"q": {"type": "string", "maxLength": 200}, "include_revoked": {"type": "boolean"},
                 "limit": {"type": "integer", "minimum": 1, "maximum": 200},
                 "cursor": {"type": "string", "pattern": "^[1-9][0-9]{0,9}$"}}
