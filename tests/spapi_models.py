"""Validate what the sandbox answers, and what we send, against Amazon's OpenAPI models.

The models live beside the repository in ``../shared/spapi-models`` (or where the
``SPAPI_MODELS_DIR`` environment variable points). Validation is strict: on top of the
model's own rules, an object may not carry a property its schema does not declare, so a
misspelt or invented field fails.
"""

import copy
import functools
import json
import os
import pathlib

import jsonschema

REPO = pathlib.Path(__file__).resolve().parent.parent
MODELS_DIR = pathlib.Path(
    os.environ.get("SPAPI_MODELS_DIR") or REPO.parent / "shared" / "spapi-models"
)


@functools.cache
def load_model(name):
    path = MODELS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Amazon's model {path} is missing: the tests need ../shared/spapi-models "
            "beside the repository, or SPAPI_MODELS_DIR."
        )
    return json.loads(path.read_text())


def _strict(schema):
    """Return a copy of a schema whose objects allow no undeclared property."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@functools.cache
def _definitions(name, strict):
    definitions = copy.deepcopy(load_model(name).get("definitions", {}))
    return _strict(definitions) if strict else definitions


def operation(name, path, method):
    return load_model(name)["paths"][path][method.lower()]


def response_schema(name, path, method, status):
    responses = operation(name, path, method)["responses"]
    return responses[str(status)]["schema"]


def validate_definition(name, definition, instance, strict=True):
    """Validate ``instance`` against ``#/definitions/<definition>`` of a model."""
    schema = {
        "$ref": f"#/definitions/{definition}",
        "definitions": _definitions(name, strict),
    }
    jsonschema.Draft4Validator(schema).validate(instance)


def validate_response(name, path, method, status, body, strict=True):
    """Validate a response body against the model's schema for that status."""
    schema = dict(response_schema(name, path, method, status))
    schema["definitions"] = _definitions(name, strict)
    if strict:
        schema = {
            **_strict({k: v for k, v in schema.items() if k != "definitions"}),
            "definitions": schema["definitions"],
        }
    jsonschema.Draft4Validator(schema).validate(body)


def validate_query(name, path, method, query):
    """Check that each query parameter sent is declared by the operation and valid.

    :param dict query: parameter name to its value (a string, or a list for repeated
        keys).
    :return: the names the operation does not declare (callers decide whether that is
        ok).
    """
    declared = {
        p["name"]: p
        for p in operation(name, path, method).get("parameters", [])
        if p.get("in") == "query"
    }
    unknown = []
    for key, value in query.items():
        parameter = declared.get(key)
        if parameter is None:
            unknown.append(key)
            continue
        values = value if isinstance(value, list) else [value]
        if parameter.get("type") == "array":
            values = [v for item in values for v in str(item).split(",")]
            item_schema = parameter.get("items", {})
            for v in values:
                if "enum" in item_schema and v not in item_schema["enum"]:
                    raise AssertionError(
                        f"{key}={v!r} is not one of {item_schema['enum']}"
                    )
            if "maxItems" in parameter:
                assert len(values) <= parameter["maxItems"], f"{key}: too many values"
        else:
            for v in values:
                if "enum" in parameter:
                    assert v in parameter["enum"], (
                        f"{key}={v!r} not in {parameter['enum']}"
                    )
                if parameter.get("type") == "integer":
                    number = int(v)
                    if "minimum" in parameter:
                        assert number >= parameter["minimum"], f"{key} below minimum"
                    if "maximum" in parameter:
                        assert number <= parameter["maximum"], f"{key} above maximum"
    return unknown


def sandbox_examples(name, path, method, status="200"):
    """Return Amazon's sandbox cases of an operation: ``(request, response)`` pairs."""
    responses = operation(name, path, method)["responses"]
    cases = (
        responses.get(str(status), {}).get("x-amzn-api-sandbox", {}).get("static", [])
    )
    return [(case.get("request", {}), case.get("response")) for case in cases]
