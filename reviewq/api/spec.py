"""The API's operation registry: one declaration per view, used to validate and to document.

`operation(...)` registers a view on the blueprint together with the JSON
Schemas of its query string, request body and responses. The same Operation
object validates each incoming request (415/400/413/422 with the field named)
and produces the view's entry in the OpenAPI 3.1 document, so the document
cannot drift from what the code accepts. Authentication, committing and error
mapping live in reviewq.api (the blueprint); this module only knows schemas.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import request
from jsonschema import Draft202012Validator

from reviewq.core.errors import NotFoundError, ReviewqError, ValidationError

MAX_JSON_BYTES = 1024 * 1024
MAX_ID = 2**31 - 1
ERROR = {"$ref": "#/components/schemas/Error"}
_RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


class UnsupportedMediaTypeError(ReviewqError):
    status = 415


class BadRequestError(ReviewqError):
    status = 400


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    body: dict | None = None
    body_required: bool = True
    multipart: dict | None = None
    query: dict = field(default_factory=dict)
    required_query: tuple = ()
    # Documented in `query` but handed to the view as the raw strings (the view parses them and picks its
    # own status for a bad value, e.g. 400 for a cursor it never gave out).
    raw_query: tuple = ()
    responses: dict = field(default_factory=dict)
    errors: tuple = ()
    auth: bool = True

    @property
    def path(self) -> str:
        return _RULE_PARAM.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return [m.group(2) for m in _RULE_PARAM.finditer(self.rule)]


REGISTRY: list[Operation] = []


def operation(bp, rule: str, method: str, *, summary: str, tag: str, responses: dict, **kw):
    """Register the decorated view as `method rule` on `bp`, validated by the declared schemas.

    The view receives `data` (the validated JSON body) when `body` is declared
    and `args` (the coerced query parameters) when `query` is declared.
    """
    def wrap(view):
        kw.setdefault("description", (view.__doc__ or "").strip())
        op = Operation(rule, method, f"{bp.name}.{view.__name__}", summary, tag, responses=responses, **kw)
        REGISTRY.append(op)

        @functools.wraps(view)
        def handler(**path):
            for name, value in path.items():
                if isinstance(value, int) and not 0 < value <= MAX_ID:
                    raise NotFoundError("Not found.")
            extra = {}
            if op.body is not None:
                extra["data"] = _json_body(op)
            if op.query:
                extra["args"] = _query(op)
            return view(**path, **extra)

        handler.operation = op
        bp.add_url_rule(rule, view.__name__, handler, methods=[method])
        return handler
    return wrap


def _json_body(op: Operation) -> dict:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise _too_large()
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise _too_large()
    if not raw.strip() and not op.body_required:
        return {}
    if request.mimetype != "application/json":
        raise UnsupportedMediaTypeError("Send the request body as JSON (Content-Type: application/json).")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequestError("The request body is not valid JSON.")
    try:
        validate(data, op.body, where="body", key=(op.endpoint, "body"))
    except RecursionError:
        raise ValidationError("The request body is nested too deeply.", {"body": "nested too deeply"})
    return data


def _too_large():
    from reviewq.core.errors import TooLargeError
    return TooLargeError(f"JSON bodies may be up to {MAX_JSON_BYTES // 1024} KB.")


def _query(op: Operation) -> dict:
    out, raw = {}, {}
    for name, schema in op.query.items():
        values = request.args.getlist(name)
        if name in op.raw_query:
            if values:
                raw[name] = values[-1]
            continue
        if not values:
            if name in op.required_query:
                raise ValidationError(f"The query parameter {name!r} is required.", {name: "required"})
            continue
        out[name] = [_coerce(name, v, schema.get("items", {})) for v in values] \
            if schema.get("type") == "array" else _coerce(name, values[-1], schema)
    validate(out, {"type": "object", "properties": {k: v for k, v in op.query.items() if k not in op.raw_query}},
             where="query", key=(op.endpoint, "query"))
    return {**out, **raw}


def _coerce(name: str, value: str, schema: dict):
    if schema.get("type") == "integer":
        try:
            return int(value)
        except ValueError:
            raise ValidationError(f"{name} must be a whole number.", {name: "not a number"})
    if schema.get("type") == "boolean":
        if value.lower() not in ("true", "false", "1", "0"):
            raise ValidationError(f"{name} must be true or false.", {name: "not a boolean"})
        return value.lower() in ("true", "1")
    return value


_validators: dict = {}


def validate(data, schema: dict, *, where: str, key=None) -> None:
    """Raise ValidationError naming the first offending field, or return.

    `key` names a schema that never changes (an operation's body or query): its
    validator is built once per process instead of on every request.
    """
    validator = _validators.get(key) if key is not None else None
    if validator is None:
        validator = Draft202012Validator(_local_refs({**schema, "$defs": COMPONENTS}))
        if key is not None:
            _validators[key] = validator
    err = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if err is not None:
        name = ".".join(str(p) for p in err.absolute_path)
        if err.validator == "required":
            name = ".".join([*map(str, err.absolute_path), _missing(err)])
        elif err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            name = ".".join([*map(str, err.absolute_path), *(extra[:1])])
        label = name or where
        raise ValidationError(f"{label}: {_plain(err)}", {label: _plain(err)})
    bad = _bad_string(data)
    if bad is not None:
        raise ValidationError(f"{bad or where}: text must not contain NUL or unpaired surrogate characters.",
                              {bad or where: "invalid characters"})


def _missing(err) -> str:
    m = re.match(r"'([^']+)' is a required property", err.message)
    return m.group(1) if m else "?"


def _plain(err) -> str:
    v = err.validator
    if v == "required":
        return "required"
    if v == "additionalProperties":
        return "unknown field"
    if v == "enum":
        return "must be one of " + ", ".join(map(str, err.validator_value))
    if v == "type":
        return f"must be {err.validator_value if isinstance(err.validator_value, str) else ' or '.join(err.validator_value)}"
    if v in ("maxLength", "minLength", "maxItems", "minItems", "maximum", "minimum", "uniqueItems",
             "pattern", "minProperties", "maxProperties"):
        return f"{v} {err.validator_value}"
    return "invalid value"


def _bad_string(data, path: str = "") -> str | None:
    """The path of the first string PostgreSQL could not store (NUL, lone surrogates), or None."""
    if isinstance(data, str):
        if "\x00" in data:
            return path
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for k, v in items:
        key = str(k)
        if _bad_string(key, path) is not None:
            return path or key
        found = _bad_string(v, f"{path}.{key}" if path else key)
        if found is not None:
            return found
    return None


def _local_refs(schema):
    """Point #/components/schemas/X at the $defs bundled for validation."""
    if isinstance(schema, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _local_refs(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_local_refs(x) for x in schema]
    return schema


def parse_when(value, name: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text with Z or an offset; naive → ValidationError naming `name`."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
        if when.tzinfo is None:
            raise ValidationError(f"{name}: give the time zone (Z or an offset such as +01:00).",
                                  {name: "naive time: add Z or an offset"})
        when = when.astimezone(timezone.utc)
    except (ValueError, OverflowError, TypeError):
        raise ValidationError(f"{name}: not an ISO 8601 date and time such as 2026-11-02T14:00:00Z.",
                              {name: "not an ISO 8601 date-time"})
    if not 1900 <= when.year <= 2999:
        # Far dates overflow date arithmetic downstream (and are never meant).
        raise ValidationError(f"{name}: give a year between 1900 and 2999.", {name: "year out of range"})
    return when


def cursor_of(args: dict) -> int | None:
    """The keyset cursor of a list request (the last id of the previous page), or None."""
    if "cursor" not in args:
        return None
    value = int(args["cursor"])
    if not 0 < value <= MAX_ID:
        raise ValidationError("cursor: not a cursor this API gave out.", {"cursor": "out of range"})
    return value


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


COMPONENTS: dict = {}   # filled by reviewq.api.schemas
