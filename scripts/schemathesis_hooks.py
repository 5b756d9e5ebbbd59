"""Schemathesis hooks for `npm run test:api` (scripts/schemathesis.sh, configured in schemathesis.toml).

The OpenAPI document states every rule the server checks that JSON Schema can express (ranges,
patterns, enums, non-empty lists, `if`/`then`, ...). A few rules cannot be expressed in JSON
Schema, so the document states them in descriptions instead:

- parameters of GET /v1/programs that exclude or need each other (zip / lat+lon / near / bbox;
  radius, sort=distance and reach=state need a location; reach=state needs zip or near), a bbox's
  south not above its north, and the clusters zoom's tile limit;
- a zip must be one the directory knows and `address.state` must be that zip's state; `near` must
  name a place it knows, once;
- a session ends after it starts; programLengthWeeks.max is not less than min;
- cursors are opaque: only a `nextCursor` the API returned is one.

Generated data that is valid by the schema but breaks one of these rules gets a correct 400, which
Schemathesis would report as "schema-valid request rejected". So, for POSITIVE cases only, these
hooks bring the generated values within the described rules (picking known zips and places,
ordering times, dropping made-up cursors). Negative cases are left alone: the server must still
reject them. Nothing here hides a failure: no check is filtered, only generated input is shaped.

Positive creates also get an Idempotency-Key of their own: Schemathesis draws keys from a small
space, so most creates reused an earlier key with another body and got a (correct) 409 before the
body was even validated. The generated key is kept, with a hash of the body appended, so a retry of
the same body still replays; the 409 of a key reused with another body is covered by the
integration tests.

One more: requests whose request line and headers exceed 8 KB are not generated at all. The HTTP
server in front of the API refuses them before any route sees them (Node's 16 KB header limit
locally, with 431 and no body; API Gateway's own limit in AWS), so they test that server, not the
API this document describes.
"""

from __future__ import annotations

import ast
import hashlib
import threading
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import quote

import schemathesis
from schemathesis import GenerationMode

# CPython 3.11 keeps the AST constructor's recursion depth in state shared by all threads, so two
# threads in ast.parse at once can fail with "SystemError: AST constructor recursion depth mismatch"
# (python/cpython#106905). Hypothesis parses source files to describe filter lambdas, and with two
# workers Schemathesis did that in two threads at once (a runtime error, not an API failure). One
# parse at a time avoids it.
_ast_parse = ast.parse
_ast_parse_lock = threading.Lock()


def _one_parse_at_a_time(*args: Any, **kwargs: Any) -> Any:
    with _ast_parse_lock:
        return _ast_parse(*args, **kwargs)


ast.parse = _one_parse_at_a_time

# Zips the bundled zip table knows, with their states (functions/gazetteer/zip-table.ts).
KNOWN_ZIPS = [
    ("10001", "NY"),
    ("05401", "VT"),
    ("22902", "VA"),
    ("35007", "AL"),
    ("83702", "ID"),
    ("94103", "CA"),
    ("60601", "IL"),
    ("78701", "TX"),
    ("98101", "WA"),
    ("33101", "FL"),
    ("02108", "MA"),
    ("80202", "CO"),
]
# Places the gazetteer resolves to exactly one place (functions/gazetteer/place-directory.ts).
KNOWN_PLACES = ["Burlington, VT", "Queens", "New York", "VT", "05401", "Boise, ID", "Shelby County, AL", "Texas"]
# reach=state needs a place that names a state: every known place above does.

LOCATION = ("zip", "lat", "lon", "near")
# Any zoom up to 6 covers at most 4,096 tiles of the world, within the 10,000-tile limit.
SAFE_CLUSTER_ZOOM = 6


def _pick(options: list, seed: Any) -> Any:
    """A deterministic choice, so that shrinking and replays see the same value for the same input."""
    digest = hashlib.sha256(repr(seed).encode()).digest()
    return options[digest[0] % len(options)]


def _is_positive(case: schemathesis.Case, location: str) -> bool:
    meta = case.meta
    if meta is None:
        return True
    component = meta.components.get(location) if hasattr(meta, "components") else None
    if component is not None:
        return component.mode == GenerationMode.POSITIVE
    return meta.generation.mode == GenerationMode.POSITIVE


def _numbers(value: Any) -> list[float] | None:
    """A bbox as generated: a list of numbers, or already its wire form `w,s,e,n`."""
    try:
        parts = value.split(",") if isinstance(value, str) else list(value)
        numbers = [float(part) for part in parts]
    except (TypeError, ValueError):
        return None
    return numbers if len(numbers) == 4 else None


def _search_query(query: dict[str, Any]) -> None:
    if "bbox" in query:
        for name in LOCATION:
            query.pop(name, None)
        box = _numbers(query["bbox"])
        if box is not None and box[1] > box[3]:
            west, south, east, north = box
            query["bbox"] = [west, north, east, south] if not isinstance(query["bbox"], str) else f"{west},{north},{east},{south}"
    elif "near" in query:
        for name in ("zip", "lat", "lon"):
            query.pop(name, None)
    elif "zip" in query:
        query.pop("lat", None)
        query.pop("lon", None)
    if ("lat" in query) != ("lon" in query):
        query.pop("lat", None)
        query.pop("lon", None)
    if "zip" in query:
        query["zip"] = _pick(KNOWN_ZIPS, query["zip"])[0]
    if "near" in query:
        query["near"] = _pick(KNOWN_PLACES, query["near"])
    has_location = any(name in query for name in LOCATION)
    if not has_location:
        query.pop("radius", None)
        query.pop("reach", None)
        if query.get("sort") == "distance":
            query.pop("sort")
    if "reach" in query and "lat" in query:
        query.pop("reach")
    if "clusters" in query:
        try:
            if int(query["clusters"]) > SAFE_CLUSTER_ZOOM:
                query["clusters"] = SAFE_CLUSTER_ZOOM
        except (TypeError, ValueError):
            pass


def _is_number(value: Any) -> bool:
    # JSON integers may be generated as integral floats (135.0).
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _submission(body: Any) -> None:
    if not isinstance(body, dict):
        return
    address = body.get("address")
    if isinstance(address, dict) and "zip" in address:
        address["zip"], address["state"] = _pick(KNOWN_ZIPS, address["zip"])
    sessions = body.get("sessions")
    if isinstance(sessions, list):
        for session in sessions:
            if not isinstance(session, dict) or not isinstance(session.get("start"), str) or not isinstance(session.get("end"), str):
                continue
            start, end = sorted([session["start"], session["end"]])
            if start == end:
                start, end = ("00:00", end) if end != "00:00" else ("00:00", "00:01")
            session["start"], session["end"] = start, end
    length = body.get("programLengthWeeks")
    if isinstance(length, dict) and _is_number(length.get("min")) and _is_number(length.get("max")):
        length["min"], length["max"] = sorted([length["min"], length["max"]])


MAX_REQUEST_HEAD_BYTES = 8 * 1024


def _wire_length(values: Any) -> int:
    """About how many bytes `values` (query, headers or path parameters) take on the wire, percent-encoded."""
    if not isinstance(values, Mapping):
        return 0
    total = 0
    for name, value in values.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            total += len(quote(str(name))) + len(quote(str(item), safe="")) + 2
    return total


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    head = _wire_length(case.query) + _wire_length(case.headers) + _wire_length(case.path_parameters)
    return head <= MAX_REQUEST_HEAD_BYTES


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    operation = case.operation
    method, path = operation.method.upper(), operation.path
    if isinstance(case.query, MutableMapping) and _is_positive(case, "query"):
        # Cursors are opaque: a made-up one is rightly a 400, and only a nextCursor is valid.
        case.query.pop("cursor", None)
        if (method, path) == ("GET", "/v1/programs"):
            _search_query(case.query)
    if (method, path) in (("POST", "/v1/listings"), ("PUT", "/v1/listings/{id}")) and _is_positive(case, "body"):
        _submission(case.body)
    if (method, path) == ("POST", "/v1/listings") and isinstance(case.headers, MutableMapping) and _is_positive(case, "header"):
        key = next((name for name in case.headers if name.lower() == "idempotency-key"), None)
        if key is not None and isinstance(case.headers[key], str):
            digest = hashlib.sha256(repr(case.body).encode()).hexdigest()[:16]
            case.headers[key] = f"{case.headers[key][:200]}-{digest}"
    return case
