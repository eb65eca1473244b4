"""The OpenAPI description of /api/v1 matches the routes Flask serves, route for route and method for method."""
from __future__ import annotations

import re

from introducer.web.openapi import document

PREFIX = "/api/v1"


def served(app) -> set[tuple[str, str]]:
    pairs = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(PREFIX):])
            pairs |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return pairs


def described() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document()["paths"].items() for method in ops}


def test_every_api_route_is_described(app):
    missing = served(app) - described()
    assert not missing, f"routes without an OpenAPI description: {sorted(missing)}"


def test_every_described_route_is_served(app):
    extra = described() - served(app)
    assert not extra, f"described but not served: {sorted(extra)}"


def test_the_description_is_served_without_a_token_and_names_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.") and doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []


def test_every_schema_reference_resolves():
    doc = document()
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', str(doc).replace("'", '"')))
    assert refs and refs <= set(doc["components"]["schemas"])


def test_path_parameters_are_declared_for_each_templated_path():
    for path, ops in document()["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for op in ops.values():
            assert names == {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}, path
