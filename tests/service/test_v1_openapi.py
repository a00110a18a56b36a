"""The /v1 API over HTTP against the real doithoaid binary (the make_service fixture of
conftest.py): every response, success and error, is validated against docs/openapi.json (its
path, method, status and content type must be documented, and a JSON body must match the
schema; the validator is openapi_check.py).

Run: /usr/bin/python3 -m pytest tests/service/test_v1_openapi.py  (DOITHOAID=path/to/doithoaid,
default build/tools/doithoaid/doithoaid); ctest service_http_tests runs it with the others.
"""
import json
import os
import re
import urllib.parse

import pytest
from jsonschema.exceptions import ValidationError

from openapi_check import ROOT, SPEC, validate

KEYS = {"boot": "v1-boot-key", "ward": "v1-ward-key", "other": "v1-other-key", "district": "v1-district-key"}
# Ids are deterministic: the directory below is built in this order on an empty store.
HN, LB, BD, GL = 1, 2, 3, 4
OFFICE_BD, PARTY_HEAD, GOV_HEAD, OFFICER, CITIZEN, OFFICE_GL = 1, 2, 3, 4, 5, 6
AGENCY = 1
FAST = {"rate_per_second": 1e6, "burst": 1e6}


def request(server, method, path, key=None, query=None, body=None, headers=None):
    target = urllib.parse.quote(path)
    if query:
        target += "?" + urllib.parse.urlencode(query)
    h = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    reply = server.request(method, target, body=data, headers=h, key=KEYS[key] if key else None, timeout=30)
    ctype = reply.headers.get("content-type", "")
    validate(method, path, reply.status, ctype, reply.body)
    parsed = json.loads(reply.body) if ctype.startswith("application/json") else reply.body.decode()
    return reply.status, parsed, ctype


def cmd(server, key, command, actor=None, expect=201, **kw):
    body = {"command": command}
    if actor is not None:
        body["actor"] = actor
    status, out, _ = request(server, "POST", "/v1/commands", key=key, body=body, **kw)
    assert status == expect, out
    return out


@pytest.fixture
def world(make_service):
    s = make_service(engine={"store": ":memory:", "clock": "2022-09-30T08:00:00+07:00"}, default_keys=False, keys=[
        dict(name="boot", key=KEYS["boot"], system=True, all_units=True, may_assert_actor=True, events=True, **FAST),
        dict(name="ward", key=KEYS["ward"], units=[BD], actor=OFFICE_BD, **FAST),
        dict(name="other", key=KEYS["other"], units=[GL], actor=OFFICE_GL, **FAST),
        dict(name="district", key=KEYS["district"], units=[LB], may_assert_actor=True, **FAST)])
    cmd(s, "boot", {"type": "create_unit", "name": "Thành phố Hà Nội", "level": "tinh"}, actor="system")
    cmd(s, "boot", {"type": "create_unit", "name": "Quận Long Biên", "level": "huyen", "parent": HN}, actor="system")
    cmd(s, "boot", {"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa", "parent": LB}, actor="system")
    cmd(s, "boot", {"type": "create_unit", "name": "Phường Gia Thụy", "level": "xa", "parent": LB}, actor="system")
    cmd(s, "boot", {"type": "create_agency", "unit": BD, "name": "Bộ phận Địa chính"}, actor="system")
    for name, role, unit, extra in [("Văn phòng Bồ Đề", "office", BD, {}), ("Bí thư", "party_head", BD, {}),
                                    ("Chủ tịch", "government_head", BD, {}),
                                    ("Trưởng bộ phận", "agency_head", BD, {"agency": AGENCY}),
                                    ("Nguyễn Văn Bí Mật", "resident", BD, {}), ("Văn phòng Gia Thụy", "office", GL, {})]:
        p = cmd(s, "boot", {"type": "register_person", "name": name}, actor="system")["id"]
        cmd(s, "boot", dict({"type": "grant_role", "person": p, "role": role, "unit": unit}, **extra), actor="system")
    # A letter raised today (30/9): two items; the first is assigned, replied, delivered and
    # published the same day, the second stays open.
    r = cmd(s, "ward", {"type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN,
                        "items": [{"topic": "land", "text": "Ông Nguyễn Văn Bí Mật hỏi về sổ đỏ, 0912345678"},
                                  {"topic": "urban_order", "text": "Nội bộ: chưa công bố"}]})
    item1, item2 = r["items"]
    cmd(s, "ward", {"type": "assign", "item": item1, "agency": AGENCY})
    cmd(s, "district", {"type": "write_reply", "item": item1, "number": "1/UB", "signer": OFFICER, "text": "Đã trả lời"},
        actor=OFFICER)
    for who in ("party_head", "government_head", "front_chair", "raiser"):
        cmd(s, "ward", {"type": "record_delivery", "item": item1, "recipient": who})
    cmd(s, "ward", {"type": "publish_reply", "item": item1})
    return {"server": s, "item1": item1, "item2": item2, "opinion": r["id"]}


def test_commands_statuses_validate(world):
    s = world["server"]
    body = {"command": {"type": "plan_conference", "unit": BD, "kind": "periodic", "audience": "all_residents",
                        "planned_on": "2022-10-10"}}
    st, out, _ = request(s, "POST", "/v1/commands", key="ward", body=body, headers={"Idempotency-Key": "p-1"})
    assert st == 201 and out["replayed"] is False
    st, again, _ = request(s, "POST", "/v1/commands", key="ward", body=body, headers={"Idempotency-Key": "p-1"})
    assert st == 200 and again["replayed"] is True and again["id"] == out["id"]
    other = json.loads(json.dumps(body))
    other["command"]["planned_on"] = "2022-10-11"
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body=other, headers={"Idempotency-Key": "p-1"})
    assert st == 409 and err["error"]["code"] == "conflict"
    # Scope, actor, authentication, hostile bodies.
    st, err, _ = request(s, "POST", "/v1/commands", key="other", body=body)
    assert st == 403 and err["error"]["code"] == "forbidden"
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body=dict(body, actor=PARTY_HEAD))
    assert st == 403
    st, err, _ = request(s, "POST", "/v1/commands", body=body)
    assert st == 401 and err["error"]["code"] == "unauthenticated"
    for raw in [b"{", b"[]", b'{"command": {"type": "x\xc3\x28"}}', b"[" * 5000 + b"]" * 5000,
                b'{"command": {"type": "plan_conference"}, "extra": 1}']:
        st, err, _ = request(s, "POST", "/v1/commands", key="ward", body=raw)
        assert st == 400 and err["error"]["code"] == "invalid_argument", raw[:40]


def test_reads_validate(world):
    s = world["server"]
    item1 = world["item1"]
    for path, key, query, want in [
        ("/v1/units", "ward", None, 200), ("/v1/units", "district", {"limit": 2}, 200), (f"/v1/units/{BD}", "ward", None, 200),
        (f"/v1/units/{GL}", "ward", None, 403), ("/v1/units/999", "ward", None, 404), ("/v1/units", None, None, 401),
        ("/v1/conferences", "ward", None, 200), ("/v1/items", "ward", None, 200), ("/v1/items", "ward", {"limit": 1}, 200),
        ("/v1/items", "ward", {"as_of": "2022-09-30", "status": "open"}, 200), (f"/v1/items/{item1}", "ward", None, 200),
        (f"/v1/items/{item1}", "other", None, 403), (f"/v1/items/{item1}/history", "ward", None, 200),
        (f"/v1/opinions/{world['opinion']}", "ward", None, 200), ("/v1/overdue", "ward", {"as_of": "2022-12-31"}, 200),
        (f"/v1/units/{BD}/accounting", "ward", {"as_of": "2022-09-30"}, 200),
        (f"/v1/units/{BD}/report", "ward", {"period": "2022-Q3"}, 200),
        (f"/v1/units/{BD}/compliance", "ward", {"period": "2022"}, 200),
        (f"/v1/units/{BD}/triggers", "ward", {"as_of": "2022-09-30"}, 200),
        (f"/v1/units/{BD}/outbox", "ward", {"as_of": "2022-10-10"}, 200),
        (f"/v1/units/{BD}/outbox", "ward", {"status": "lost"}, 400),
        ("/v1/items", "ward", {"limit": 0}, 400), ("/v1/items", "ward", {"as_of": "2022-02-30"}, 400),
        ("/v1/items", "ward", {"colour": "red"}, 400), (f"/v1/units/{BD}/report", "ward", {"period": "2022-Q9"}, 400),
        ("/v1/nothing", "ward", None, 404), ("/v1/templates", "ward", None, 200),
        ("/v1/templates", "ward", {"kind": "refusal"}, 200), ("/v1/templates", "ward", {"kind": "ode"}, 400),
    ]:
        st, out, _ = request(s, "GET", path, key=key, query=query)
        assert st == want, (path, query, out)
    # The day before everything: the ward's scope held nothing yet; the ward itself did not exist.
    st, before, _ = request(s, "GET", "/v1/items", key="ward", query={"as_of": "2022-09-29"})
    assert st == 200 and before["items"] == []
    st, _, _ = request(s, "GET", "/v1/items", key="ward", query={"as_of": "2022-09-29", "unit": BD})
    assert st == 404
    # Reply templates: rendered for an item of the key's scope, validated against the schema.
    st, listed, _ = request(s, "GET", "/v1/templates", key="ward", query={"kind": "reply"})
    tpl = listed["templates"][0]
    caller = {"signer", "number", "date", "answer", "reason", "target", "new_deadline", "to_unit"}
    values = {p: "Giá trị " + p for p in tpl["placeholders"] if p in caller}
    ask = {"key": tpl["key"], "item": world["item1"], "values": values}
    st, out, _ = request(s, "POST", "/v1/templates/render", key="ward", body=ask)
    assert st == 200 and out["key"] == tpl["key"] and "{{" not in out["text"], out
    st, _, _ = request(s, "POST", "/v1/templates/render", key="other", body=ask)
    assert st == 403
    st, _, _ = request(s, "POST", "/v1/templates/render", key="ward", body=dict(ask, item="x"))
    assert st == 400
    st, page, _ = request(s, "GET", "/v1/items", key="ward", query={"limit": 1})
    assert len(page["items"]) == 1 and page["next_after"] == item1
    st, late, _ = request(s, "GET", "/v1/overdue", key="ward", query={"as_of": "2022-12-31"})
    assert [i["id"] for i in late["items"]] == [world["item2"]]
    st, csv, ctype = request(s, "GET", f"/v1/units/{BD}/report", key="ward", query={"period": "2022-Q3", "format": "csv"})
    assert st == 200 and ctype.startswith("text/csv") and "section,code,label" in csv
    st, html, ctype = request(s, "GET", f"/v1/units/{BD}/report", key="ward", query={"period": "2022-Q3"},
                              headers={"Accept": "text/html"})
    assert st == 200 and ctype.startswith("text/html")
    st, _, _ = request(s, "GET", f"/v1/units/{BD}/report", key="ward", query={"period": "2022-Q3"},
                       headers={"Accept": "image/png"})
    assert st == 406


def test_public_views_validate(world):
    s = world["server"]
    st, feed, _ = request(s, "GET", "/v1/public/feed")
    assert st == 200
    assert [i["id"] for i in feed["items"]] == [world["item1"]]
    text = json.dumps(feed, ensure_ascii=False)
    assert "Bí Mật" not in text and "0912345678" not in text and "Nội bộ" not in text
    st, page, ctype = request(s, "GET", f"/v1/public/units/{BD}/report.html", query={"period": "2022"})
    assert st == 200 and ctype.startswith("text/html") and "Bí Mật" not in page
    st, err, _ = request(s, "GET", "/v1/public/feed", query={"limit": 0})
    assert st == 400 and err["error"]["code"] == "invalid_argument"


def test_R13_public_track_by_code_redacted_and_hostile_codes(world):
    """Issue 14: GET /v1/public/track/{code} needs no key, shows the public status only
    (redacted, no unpublished text), honours as_of, and answers hostile codes 400/404."""
    s = world["server"]
    _, opinion, _ = request(s, "GET", f"/v1/opinions/{world['opinion']}", key="ward")
    code = opinion["tracking_code"]
    assert code == f"{BD}-2022-{world['opinion']:06d}"
    assert opinion["name_withheld"] is False and opinion["anonymous"] is False
    st, t, _ = request(s, "GET", f"/v1/public/track/{code}")
    assert st == 200 and t["code"] == code and t["opinion"] == world["opinion"]
    assert [i["id"] for i in t["items"]] == [world["item1"], world["item2"]]
    first, second = t["items"]
    assert first["status"] == "replied" and first["reply"]["text"] == "Đã trả lời"
    assert second["status"] == "open" and second["text"] == "" and second["reply"] is None
    text = json.dumps(t, ensure_ascii=False)
    assert "Bí Mật" not in text and "0912345678" not in text and "Nội bộ" not in text
    assert t["raised_by"] == "Người dân (ẩn danh)"
    # as of a past day: not submitted yet
    st, err, _ = request(s, "GET", f"/v1/public/track/{code}", query={"as_of": "2022-09-29"})
    assert st == 404 and err["error"]["code"] == "not_found"
    st, same, _ = request(s, "GET", f"/v1/public/track/{code}", query={"as_of": "2022-09-30"})
    assert st == 200 and same == t
    # a name withheld, an anonymous mailbox letter
    r = cmd(s, "ward", {"type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN,
                        "withhold_name": True, "items": [{"topic": "land", "text": "Giữ kín tên"}]})
    _, o2, _ = request(s, "GET", f"/v1/opinions/{r['id']}", key="ward")
    assert o2["name_withheld"] is True and o2["raised_by"] == CITIZEN
    r = cmd(s, "ward", {"type": "submit_opinion", "unit": BD, "channel": "mailbox",
                        "items": [{"topic": "land", "text": "Thư không ký tên"}]})
    _, o3, _ = request(s, "GET", f"/v1/opinions/{r['id']}", key="ward")
    assert o3["anonymous"] is True
    st, t3, _ = request(s, "GET", f"/v1/public/track/{o3['tracking_code'].lower()}")
    assert st == 200 and t3["channel"] == "mailbox"
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body={"command": {
        "type": "submit_opinion", "unit": BD, "channel": "letter", "items": [{"topic": "land", "text": "x"}]}})
    assert st == 400 and "anonymous" in err["error"]["message"]
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body={"command": {
        "type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN, "withhold_name": "yes",
        "items": [{"topic": "land", "text": "x"}]}})
    assert st == 400
    # hostile codes: malformed 400, unknown 404, nothing changed
    _, before, _ = request(s, "GET", "/v1/items", key="boot")
    for bad in ["x", "3-22-000001", "3-2022-", "3-2022-1x", "3-2022-" + "9" * 40, "a" * 300 + "-2022-000001",
                "3-2022-000001\u0001", "3-2022-0"]:
        st, err, _ = request(s, "GET", "/v1/public/track/" + bad)
        assert st == 400 and err["error"]["code"] == "invalid_argument", bad
    for unknown in [f"{BD}-2022-999999", f"{GL}-2022-{world['opinion']:06d}", f"{BD}-2021-{world['opinion']:06d}"]:
        st, err, _ = request(s, "GET", "/v1/public/track/" + unknown)
        assert st == 404 and err["error"]["code"] == "not_found", unknown
    reply = s.request("GET", "/v1/public/track/3-2022-%C3%28")  # invalid UTF-8 once decoded
    validate("GET", "/v1/public/track/x", reply.status, reply.headers.get("content-type", ""), reply.body)
    assert reply.status == 400
    st, err, _ = request(s, "GET", f"/v1/public/track/{code}", query={"as_of": "2022-13-45"})
    assert st == 400
    st, err, _ = request(s, "GET", f"/v1/public/track/{code}", query={"unit": 3})
    assert st == 400
    _, after, _ = request(s, "GET", "/v1/items", key="boot")
    assert after == before


def test_hostile_queries_and_bodies_change_nothing(world):
    s = world["server"]
    _, before, _ = request(s, "GET", "/v1/items", key="boot")
    reply = s.request("GET", "/v1/items?topic=%C3%28", key=KEYS["ward"])  # invalid UTF-8 once decoded
    validate("GET", "/v1/items", reply.status, reply.headers.get("content-type", ""), reply.body)
    assert reply.status == 400
    long_text = {"type": "submit_opinion", "unit": BD, "channel": "letter", "raised_by": CITIZEN,
                 "items": [{"topic": "land", "text": "a" * 20000}]}
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body={"command": long_text})
    assert st == 400 and err["error"]["code"] == "invalid_argument"
    st, err, _ = request(s, "POST", "/v1/commands", key="ward", body={"command": {"type": "close_item", "item": -1}})
    assert st == 400
    _, after, _ = request(s, "GET", "/v1/items", key="boot")
    assert after == before


def test_transport_paths_validate(world):
    """The transport's own paths answer as docs/openapi.json says."""
    s = world["server"]
    for path in ("/healthz", "/readyz", "/metrics"):
        st, _, _ = request(s, "GET", path)
        assert st == 200
    st, page, _ = request(s, "GET", "/v1/events", key="boot", query={"from": 1, "limit": 5})
    assert st == 200 and len(page["events"]) == 5 and page["next"] == 6
    st, _, _ = request(s, "GET", "/v1/events", key="ward")
    assert st == 403
    st, _, _ = request(s, "GET", "/v1/events", key="boot", query={"limit": 0})
    assert st == 400


def test_schemas_catch_wrong_types(world):
    """The schemas are strict enough to notice a wrong field type or an extra public field."""
    s = world["server"]
    _, item, _ = request(s, "GET", f"/v1/items/{world['item1']}", key="ward")
    item["deadline"] = 20221030
    with pytest.raises(ValidationError):
        validate("GET", "/v1/items/1", 200, "application/json", json.dumps(item).encode())
    _, feed, _ = request(s, "GET", "/v1/public/feed")
    feed["items"][0]["raised_by_id"] = CITIZEN
    with pytest.raises(ValidationError):
        validate("GET", "/v1/public/feed", 200, "application/json", json.dumps(feed).encode())
    with pytest.raises(AssertionError):
        validate("GET", "/v1/items", 418, "application/json", b"{}")


def source_routes():
    """(method, pattern) of every route doithoaid registers, read from its sources: the Router's
    add() calls (v1_commands.cpp, v1_reads.cpp and its key() shorthand, open311.cpp with the
    default base path and both formats) and the transport's own paths (metrics.cpp lists them)."""
    src = os.path.join(ROOT, "tools", "doithoaid")
    text = {n: open(os.path.join(src, n), encoding="utf-8").read() for n in os.listdir(src) if n.endswith(".cpp")}
    routes = set()
    for name, body in text.items():
        for method, pattern in re.findall(r'router\.add\("([A-Z]+)",\s*"([^"]+)"', body):
            routes.add((method, pattern))
    for pattern in re.findall(r'\bkey\("(/[^"]+)",', text["v1_reads.cpp"]):
        routes.add(("GET", pattern))
    base = re.search(r'std::string base_path = "([^"]+)"', text["open311.cpp"]).group(1)
    exts = re.findall(r'Format::json \? "(\.[a-z]+)" : "(\.[a-z]+)"', text["open311.cpp"])
    assert exts == [(".json", ".xml")], exts
    for method, sub in re.findall(r'add\("([A-Z]+)", "(/[^"]+)", &Open311::', text["open311.cpp"]):
        routes.update((method, base + sub + ext) for ext in exts[0])
    own = re.search(r"own\[\]\[2\] = \{(.*?)\};", text["metrics.cpp"], re.S).group(1)
    for method, pattern in re.findall(r'\{"([A-Za-z]+)", "([^"]+)"\}', own):
        if pattern != "unmatched":
            routes.add((method, pattern))
    return routes


def normalized(pattern):
    return re.sub(r"\{[^}]+\}", "{}", pattern)


def documented():
    return {(m.upper(), normalized(p)) for p, item in SPEC["paths"].items() for m in item
            if m in ("get", "post", "put", "patch", "delete")}


def test_every_route_is_documented(service):
    """Every route doithoaid registers is in docs/openapi.json and every documented operation
    is served. The route list comes from the sources (there is no listing endpoint); the
    service's own metrics then confirm it: one request per documented operation, and every
    route label /metrics reports is a documented template (so the grep read the real patterns)."""
    served = {(m, normalized(p)) for m, p in source_routes()}
    assert len(served) >= 30, sorted(served)
    assert served == documented(), {"undocumented": served - documented(), "not served": documented() - served}
    for template, item in SPEC["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in item:
            reply = service.request(method.upper(), path)
            validate(method.upper(), path, reply.status, reply.headers.get("content-type", ""), reply.body)
    metrics = service.get("/metrics").body.decode()
    labels = set(re.findall(r'doithoaid_requests_total\{route="([^"]+)",method="([^"]+)"', metrics))
    labels = {(m, normalized(r)) for r, m in labels if r != "unmatched"}
    assert labels == documented(), {"unlabelled": documented() - labels, "undocumented": labels - documented()}
