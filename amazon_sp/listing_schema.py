"""A listing's attributes checked against its product type's schema, before anything
is sent, with what fails told in a merchant's words.

Amazon's product type schemas are JSON Schema 2019-09 documents with a vocabulary of
Amazon's ("Amazon Product Type Definitions Meta-Schema (v1)"). Validation uses
``jsonschema``'s 2019-09 validator, extended with the keywords of that vocabulary that
validate:

- ``maxUtf8ByteLength`` / ``minUtf8ByteLength``: the length of a string in UTF-8
  bytes (an accented letter counts two);
- ``maxUniqueItems``: how many distinct entries an attribute's array may hold (five
  bullet points at most, say).

``selectors`` (the properties that identify an entry when Amazon merges a patch, e.g.
``marketplace_id`` and ``language_tag``), ``editable``, ``hidden`` and ``enumNames``
are informational: ``enumNames`` gives the readable name of each ``enum`` value, used
in the messages.

:func:`validate` returns :class:`SchemaIssue` records: the attribute, and a message such
as "Brand is required" or "Bullet point 3 is longer than 500 characters", built from the
schema's ``title`` of each property.
"""

from dataclasses import dataclass

from jsonschema import Draft201909Validator, validators
from jsonschema.exceptions import ValidationError, best_match

AMAZON_KEYWORDS = ("maxUtf8ByteLength", "minUtf8ByteLength", "maxUniqueItems")
INFORMATIONAL_KEYWORDS = ("selectors", "editable", "hidden", "enumNames")
MAX_ENUM_NAMES = 8


@dataclass(frozen=True)
class SchemaIssue:
    """One thing wrong with a listing, as a merchant reads it.

    :ivar str attribute: Amazon's name of the attribute (``bullet_point``).
    :ivar str message: e.g. "Bullet point 3 is longer than 500 characters".
    :ivar str keyword: the schema keyword that failed (``maxLength``).
    :ivar tuple path: where, in the attributes (``("bullet_point", 2, "value")``).
    """

    attribute: str
    message: str
    keyword: str = ""
    path: tuple = ()


# === AMAZON'S KEYWORDS === #


def _utf8_length(instance):
    return len(instance.encode("utf-8"))


def _max_utf8(validator, limit, instance, schema):
    if validator.is_type(instance, "string") and _utf8_length(instance) > limit:
        yield ValidationError(f"{instance!r} is longer than {limit} UTF-8 bytes")


def _min_utf8(validator, limit, instance, schema):
    if validator.is_type(instance, "string") and _utf8_length(instance) < limit:
        yield ValidationError(f"{instance!r} is shorter than {limit} UTF-8 bytes")


def _canonical(entry):
    if isinstance(entry, dict):
        return tuple(sorted((k, _canonical(v)) for k, v in entry.items()))
    if isinstance(entry, list):
        return tuple(_canonical(v) for v in entry)
    return repr(entry)


def _max_unique(validator, limit, instance, schema):
    if not validator.is_type(instance, "array"):
        return
    if len({_canonical(entry) for entry in instance}) > limit:
        yield ValidationError(f"more than {limit} unique entries")


AmazonValidator = validators.extend(
    Draft201909Validator,
    {
        "maxUtf8ByteLength": _max_utf8,
        "minUtf8ByteLength": _min_utf8,
        "maxUniqueItems": _max_unique,
    },
)
"""JSON Schema 2019-09 with the validating keywords of Amazon's vocabulary."""


def validator(schema):
    """A validator of listings for a product type schema (build it once per schema).

    :param dict schema: the schema from :func:`amazon_sp.product_types.download_schema`.
    """
    return AmazonValidator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


# === VALIDATION === #


def validate(schema, attributes, *, checker=None):
    """Check a listing's attributes against a product type schema.

    :param dict schema: the product type's schema.
    :param dict attributes: Amazon attribute name -> list of entries, as sent.
    :param checker: a validator from :func:`validator`, to reuse one.
    :return: what fails, in the schema's order of attributes; empty when valid.
    :rtype: list[SchemaIssue]
    """
    checker = checker or validator(schema)
    issues = []
    for error in checker.iter_errors(attributes):
        issues.extend(_translate(schema, error))
    order = {name: n for n, name in enumerate(schema.get("properties") or {})}
    unique = {}
    for issue in issues:
        unique.setdefault((issue.attribute, issue.message), issue)
    return sorted(
        unique.values(),
        key=lambda i: (order.get(i.attribute, len(order)), i.path and str(i.path)),
    )


def attribute_titles(schema):
    """Attribute name -> its title, for every attribute of a schema."""
    return {
        name: _title(name, prop)
        for name, prop in (schema.get("properties") or {}).items()
        if isinstance(prop, dict)
    }


def required_attributes(schema):
    """The attributes a schema always requires (its top-level ``required``)."""
    return list(schema.get("required") or ())


def _title(name, prop):
    title = prop.get("title") if isinstance(prop, dict) else None
    return title or str(name).replace("_", " ").capitalize()


def _property(schema, name):
    prop = (schema.get("properties") or {}).get(name)
    return prop if isinstance(prop, dict) else {}


def _sub_schema(prop, path):
    """The schema of a nested path inside an attribute (skipping array indexes)."""
    node = prop
    for part in path:
        if isinstance(part, int):
            node = node.get("items") or {}
        else:
            node = (node.get("properties") or {}).get(part) or {}
        if not isinstance(node, dict):
            return {}
    return node


def _label(schema, path):
    """How a merchant names a place in the attributes: "Bullet point 3", "Item weight
    (unit)"."""
    if not path:
        return ""
    name = path[0]
    prop = _property(schema, name)
    label = _title(name, prop)
    rest = list(path[1:])
    if rest and isinstance(rest[0], int) and _is_repeated(prop):
        label = f"{label} {rest[0] + 1}"
    names = []
    for n, part in enumerate(rest):
        if isinstance(part, str) and part != "value":
            sub = _sub_schema(prop, rest[: n + 1])
            names.append(sub.get("title") or part.replace("_", " "))
    if names:
        label = f"{label} ({', '.join(names)})"
    return label


def _is_repeated(prop):
    """Whether an attribute holds several values a merchant counts (bullet points)."""
    return (prop.get("maxUniqueItems") or prop.get("maxItems") or 1) > 1


def _kind(expected):
    expected = expected if isinstance(expected, list) else [expected]
    words = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "yes or no",
        "array": "a list of values",
        "object": "a group of values",
    }
    return " or ".join(words.get(t, t) for t in expected)


def _enum_names(error):
    names = error.schema.get("enumNames") if isinstance(error.schema, dict) else None
    values = list(error.validator_value or ())
    shown = names if isinstance(names, list) and len(names) == len(values) else values
    shown = [str(v) for v in shown]
    text = ", ".join(shown[:MAX_ENUM_NAMES])
    if len(shown) > MAX_ENUM_NAMES:
        text += ", ..."
    return text


def _translate(schema, error):
    """The merchant's words for one ``jsonschema`` error."""
    path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    if keyword in ("anyOf", "oneOf") and error.context:
        return _translate(schema, best_match(error.context))
    if keyword == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in value if name not in instance]
        issues = []
        for name in missing:
            if not path:
                label = _title(name, _property(schema, name))
                attribute = name
            else:
                label = _label(schema, (*path, name))
                attribute = path[0]
            issues.append(
                SchemaIssue(attribute, f"{label} is required", keyword, (*path, name))
            )
        return issues
    if keyword == "additionalProperties" and not path:
        extra = sorted(set(error.instance or ()) - set(schema.get("properties") or ()))
        return [
            SchemaIssue(
                name, f"{name} is not an attribute of this product type", keyword
            )
            for name in extra
        ]
    label = _label(schema, path) or "The listing"
    attribute = str(path[0]) if path else ""
    messages = {
        "maxLength": lambda: f"{label} is longer than {value} characters",
        "minLength": lambda: (
            f"{label} is empty"
            if value == 1
            else f"{label} is shorter than {value} characters"
        ),
        "maxUtf8ByteLength": lambda: f"{label} is longer than {value} bytes (accented "
        "letters count as two)",
        "minUtf8ByteLength": lambda: f"{label} is shorter than {value} bytes",
        "enum": lambda: f"{label} must be one of: {_enum_names(error)}",
        "const": lambda: f"{label} must be {value!r}",
        "type": lambda: f"{label} must be {_kind(value)}",
        "minimum": lambda: f"{label} must be at least {value}",
        "maximum": lambda: f"{label} must be at most {value}",
        "exclusiveMinimum": lambda: f"{label} must be more than {value}",
        "exclusiveMaximum": lambda: f"{label} must be less than {value}",
        "maxItems": lambda: f"{label} takes at most {value} values",
        "minItems": lambda: (
            f"{label} is required"
            if value == 1
            else f"{label} needs at least {value} values"
        ),
        "maxUniqueItems": lambda: f"{label} takes at most {value} different values",
        "pattern": lambda: f"{label} is not in the expected format",
        "format": lambda: f"{label} is not a valid {value}",
        "multipleOf": lambda: f"{label} must be a multiple of {value}",
    }
    make = messages.get(keyword)
    message = make() if make else f"{label}: {error.message}"
    return [SchemaIssue(attribute, message, keyword, path)]
