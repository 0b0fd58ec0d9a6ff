"""The OpenAPI 3.1 document, built from the operation registry, and its server-rendered reading page.

Nothing here is written by hand per endpoint: paths, parameters, bodies and
responses come from the same Operation objects that validate requests.
The docs page is plain HTML (the CSP forbids inline scripts, so no Swagger UI).
"""
from __future__ import annotations

import copy
import functools
import json

from flask import jsonify, render_template

from reviewq.api import bp
from reviewq.api import schemas as S
from reviewq.api.spec import COMPONENTS, ERROR, REGISTRY, Operation, operation

ERROR_TEXT = {400: "malformed request (bad JSON, or a paging cursor or limit the API did not give out)", 401: "no token, or an unknown or revoked one",
              403: "your role may not do this", 404: "no such thing, or not yours to see",
              409: "the draft moved on: stale revision, wrong state, or someone decided first",
              413: "the body or file is too large", 415: "wrong Content-Type",
              422: "a field is invalid (named in `fields`), or the checks block submission",
              429: "too many bad tokens from your address; see Retry-After"}
TAGS = [("drafts", "Writing and reading drafts"), ("workflow", "Submitting and deciding"),
        ("releases", "Scheduling and the calendar"), ("consents", "The patient consent registry"),
        ("checks", "The automated checks"), ("account", "Your account")]


def _statuses(op: Operation) -> list[int]:
    codes = set(op.errors)
    if op.auth:
        codes |= {401, 429}
    if op.body is not None:
        codes |= {400, 413, 415, 422}
    if op.query:
        codes.add(422)
    if op.path_params:
        codes.add(404)
    return sorted(codes)


def _operation_doc(op: Operation) -> dict:
    doc = {"operationId": op.endpoint.split(".", 1)[1] + ("" if op.method in ("GET", "POST") else
                                                           "_" + op.method.lower()),
           "summary": op.summary, "tags": [op.tag], "responses": {}}
    if op.description:
        doc["description"] = op.description
    params = [{"name": p, "in": "path", "required": True, "schema": S.ID} for p in op.path_params]
    params += [{"name": name, "in": "query", "required": name in op.required_query, "schema": schema,
                **({"style": "form", "explode": True} if schema.get("type") == "array" else {})}
               for name, schema in op.query.items()]
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {"required": op.body_required, "content": {"application/json": {"schema": op.body}}}
    elif op.multipart is not None:
        doc["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op.multipart}}}
    for status, r in op.responses.items():
        ctype = r.get("content_type", "application/json")
        schema = r.get("schema", {"type": "string", "contentMediaType": ctype} if ctype != "application/json" else {})
        doc["responses"][str(status)] = {"description": r["description"], "content": {ctype: {"schema": schema}}}
    for status in _statuses(op):
        doc["responses"][str(status)] = {"description": ERROR_TEXT[status],
                                         "content": {"application/json": {"schema": ERROR}}}
    if op.auth:
        doc["security"] = [{"bearer": []}]
    return doc


@functools.cache
def document() -> dict:
    """The whole OpenAPI document (built once per process: it depends on code only)."""
    paths: dict = {}
    for op in REGISTRY:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation_doc(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "reviewq API", "version": "1.0.0",
                 "description": "Pre-publication approval of social media posts. Send "
                                "`Authorization: Bearer <token>`; create tokens at /account/tokens. "
                                "Datetimes are ISO 8601 with Z or an offset."},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": n, "description": d} for n, d in TAGS],
        "paths": paths,
        "components": {"schemas": copy.deepcopy(COMPONENTS),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@operation(bp, "/openapi.json", "GET", summary="This document", tag="account", auth=False,
           responses={200: {"description": "OpenAPI 3.1", "schema": {"type": "object"}}})
def openapi_json():
    return jsonify(document())


@operation(bp, "/docs", "GET", summary="This document as a web page", tag="account", auth=False,
           responses={200: {"description": "HTML", "content_type": "text/html"}})
def docs():
    doc = document()
    ops = [(path, method.upper(), spec) for path, methods in doc["paths"].items()
           for method, spec in methods.items()]
    by_tag = {name: [o for o in ops if o[2]["tags"][0] == name] for name, _ in TAGS}
    return render_template("api/docs.html", doc=doc, tags=TAGS, by_tag=by_tag,
                           dump=lambda v: json.dumps(v, indent=2, ensure_ascii=False))
