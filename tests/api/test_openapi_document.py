"""The OpenAPI document says what the service sends (api/openapi.py); tests/fuzz checks the
answers against it, this checks the document itself."""

from __future__ import annotations

from typing import Any

from tests.helpers import assert_problem

METHODS = {"get", "put", "post", "delete", "patch"}


async def _document(client) -> dict[str, Any]:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


async def test_every_error_is_documented_as_problem_json(client) -> None:
    document = await _document(client)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    seen = 0
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        assert {"4XX", "5XX"} <= responses.keys(), (method, path)
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], (path, status)
                seen += 1
            else:
                assert "application/problem+json" not in response.get("content", {})
    assert seen > 100


async def test_a_validation_error_is_what_the_document_says(client) -> None:
    document = await _document(client)
    documented = document["paths"]["/v1/auth/dev"]["post"]["responses"]["400"]
    r = await client.post("/v1/auth/dev", json={"openid": ""})
    body = assert_problem(r, 400, "validation_failed")
    assert r.headers["content-type"].split(";")[0] in documented["content"]
    assert set(document["components"]["schemas"]["Problem"]["required"]) <= body.keys()


async def test_the_event_stream_is_documented_as_one(client) -> None:
    """What it sends is tested over a real server (test_live_events.py): text/event-stream."""
    document = await _document(client)
    content = document["paths"]["/v1/me/events"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/event-stream"]


async def test_the_trips_feed_documents_its_body(client) -> None:
    document = await _document(client)
    body = document["paths"]["/v1/operators/{operator_id}/trips"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"trips", "taps"}
    assert schema["properties"]["trips"]["maxItems"] == 1000
