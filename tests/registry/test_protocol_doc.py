"""docs/sync-protocol.md against the application: paths, schema fields, query parameters, payloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nwrc_registry.app import create_app
from nwrc_registry.payloads import PAYLOAD_MODELS

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md"
ENDPOINT_HEADING = re.compile(r"^### `(GET|POST) (/\S+)`$")
TABLE_TITLE = re.compile(r"^(Schema|Query|Payload) (.+):$")
ROW = re.compile(r"^\| `([^`]+)` \| [^|]* \| (yes|no) \|")


def documented_tables() -> list[tuple[str, str, dict[str, bool]]]:
    """Return (kind, title, {name: required}) for every titled table in the document."""
    tables = []
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        title = TABLE_TITLE.match(line)
        if title:
            current = (title.group(1), title.group(2), {})
            tables.append(current)
            continue
        if current is None:
            continue
        row = ROW.match(line)
        if row:
            current[2][row.group(1)] = row.group(2) == "yes"
        elif line and not line.startswith("|"):
            current = None
    return tables


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    database = tmp_path_factory.mktemp("openapi") / "registry.sqlite3"
    app = create_app(f"sqlite:///{database}", migrate_on_start=False)
    document = app.openapi()
    app.state.database.dispose()
    return document


def test_documented_endpoints_match_openapi(openapi):
    documented = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = ENDPOINT_HEADING.match(line)
        if heading:
            documented.add((heading.group(1).lower(), heading.group(2)))
    served = {(method, path) for path, operations in openapi["paths"].items() for method in operations}
    assert documented == served


def test_documented_schemas_match_openapi(openapi):
    schemas = openapi["components"]["schemas"]
    checked = 0
    for kind, title, fields in documented_tables():
        if kind != "Schema":
            continue
        name = re.match(r"`(\w+)`", title).group(1)
        assert name in schemas, f"{name} is documented but not in the OpenAPI description"
        properties = schemas[name]["properties"]
        required = set(schemas[name].get("required", []))
        assert set(fields) == set(properties), f"fields of {name}"
        assert {field for field, is_required in fields.items() if is_required} == required, f"required of {name}"
        checked += 1
    assert checked >= 12


def test_documented_query_parameters_match_openapi(openapi):
    checked = 0
    for kind, title, fields in documented_tables():
        if kind != "Query":
            continue
        method, path = re.match(r"`(GET|POST) (\S+)`", title).groups()
        parameters = openapi["paths"][path][method.lower()].get("parameters", [])
        assert set(fields) == {parameter["name"] for parameter in parameters}, title
        required = {parameter["name"] for parameter in parameters if parameter.get("required")}
        assert {name for name, is_required in fields.items() if is_required} == required, title
        checked += 1
    assert checked == 3


def test_documented_payloads_match_validators():
    documented: dict[str, dict[str, bool]] = {}
    for kind, title, fields in documented_tables():
        if kind == "Payload":
            for change_kind in re.findall(r"`([\w.]+)`", title):
                documented[change_kind] = fields
    assert set(documented) == set(PAYLOAD_MODELS)
    for change_kind, model in PAYLOAD_MODELS.items():
        fields = documented[change_kind]
        assert set(fields) == set(model.model_fields), change_kind
        required = {name for name, info in model.model_fields.items() if info.is_required()}
        assert {name for name, is_required in fields.items() if is_required} == required, change_kind
