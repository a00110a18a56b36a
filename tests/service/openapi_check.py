"""Checks a doithoaid response against docs/openapi.json (shared by test_v1_openapi.py and
test_open311.py).

validate(method, path, status, content_type, body): the path must match a documented template
(a parameter may be followed by a fixed suffix, as in /open311/v2/requests/{service_request_id}.json)
and the status and media type must be documented for it. A JSON body must match the schema
(JSON Schema 2020-12, $refs resolved in the spec). A text/xml body must be well-formed, start
with the XML declaration and have the root element the schema names (its "xml": {"name"});
when the JSON twin of the operation (.xml -> .json) documents an array of objects for the same
status, every field element of every XML item must be a property of those objects.
HEAD answers as GET, with no body to check. An undocumented method or path may only answer
404/405 with the /v1 error object.
"""
import json
import os
import re
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator, RefResolver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
    SPEC = json.load(f)
RESOLVER = RefResolver.from_schema(SPEC)
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def template_regex(template):
    return "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"


def operation(path, method):
    """The OpenAPI operation whose template matches the concrete path."""
    method = "get" if method.upper() == "HEAD" else method.lower()
    for template, item in SPEC["paths"].items():
        if re.match(template_regex(template), path) and method in item:
            return template, item[method]
    return None, None


def resolve(schema):
    while "$ref" in schema:
        schema = RESOLVER.resolve(schema["$ref"])[1]
    return schema


def check_xml(method, template, status, schema, body):
    assert body.startswith(XML_DECLARATION), body[:60]
    root = ET.fromstring(body)  # expat: raises ParseError on anything not well-formed
    want = resolve(schema).get("xml", {}).get("name")
    assert want, f"{template} {status}: the text/xml schema names no root element"
    assert root.tag == want, f"{template} {status}: root <{root.tag}>, documented <{want}>"
    twin = SPEC["paths"].get(template[:-len(".xml")] + ".json") if template.endswith(".xml") else None
    if twin is None:
        return root
    op = twin.get("get" if method.upper() == "HEAD" else method.lower())
    if op is not None:
        content = op["responses"].get(str(status), {}).get("content", {})
        js = resolve(content.get("application/json", {}).get("schema", {}))
        # The route's error list, where the transport's /v1 object is the alternative.
        js = next((resolve(s) for s in js.get("oneOf", []) if resolve(s).get("type") == "array"), js)
        if js.get("type") == "array":
            fields = set(resolve(js["items"]).get("properties", {}))
            for item in root:
                extra = {child.tag for child in item} - fields
                assert not extra, f"{template} {status}: <{item.tag}> has undocumented fields {extra}"
    return root


def validate(method, path, status, content_type, body):
    template, op = operation(path, method)
    if op is None:
        # Not a documented route: only the no_route/method errors may answer.
        assert status in (404, 405), (method, path, status)
        schema = SPEC["components"]["schemas"]["Error"]
        media = "application/json"
    else:
        responses = op["responses"]
        assert str(status) in responses, f"{method} {template}: status {status} is not documented"
        content = responses[str(status)].get("content", {})
        media = content_type.split(";")[0].strip()
        assert media in content or not content, f"{method} {template} {status}: {media} is not documented"
        if not content or method.upper() == "HEAD":
            return
        schema = content[media]["schema"]
        if media == "text/xml":
            check_xml(method, template, status, schema, body)
            return
        if media != "application/json":
            return
    Draft202012Validator(schema, resolver=RESOLVER).validate(json.loads(body))
