"""The error answers every API operation can give, added to the OpenAPI schema in one place (a drf-spectacular
postprocessing hook), so that a client, and schemathesis, know them: DRF answers them for any view."""

from __future__ import annotations

from typing import Any

ERROR = {"type": "object", "description": "`detail` (a sentence), or field names to their errors.",
         "additionalProperties": True}
COMMON = {
    "400": "The request is malformed: a body that is not JSON or nests too deep, a filter that is not what it "
           "names, a field of the wrong kind.",
    "401": "No or wrong credentials.",
    "403": "Authenticated, but not allowed.",
    "404": "No such object (an id must be ASCII digits), or no such page.",
    "405": "Another method.",
    "406": "A media type the API cannot answer in (Accept).",
    "415": "A body of a media type the API does not read.",
    "429": "Too many requests: wait Retry-After seconds.",
}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Each operation's responses gain the common errors it does not document itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                if code == "415" and method not in {"post", "put", "patch"}:
                    continue
                responses.setdefault(code, {"description": description, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    return result
