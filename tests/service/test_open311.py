"""Open311 GeoReport v2 against the real doithoaid binary (docs/service.md, "Open311 GeoReport v2").

Requests are sent as Open311 clients send them: FixMyStreet's Open311.pm posts
application/x-www-form-urlencoded with api_key in the body; GETs carry jurisdiction_id in the
query. XML answers are parsed with the standard library's expat parser (strict).

Every answer the service gives here (Open311 and /v1, success and error, JSON and XML) is
checked against docs/openapi.json by openapi_check.validate: status and media type documented,
JSON bodies valid against the schema, XML well-formed with the documented root element."""

import json
import pathlib
import urllib.parse
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from jsonschema.exceptions import ValidationError

from conftest import ADMIN_KEY
from openapi_check import SPEC, validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
PORTAL_KEY = "cong-bode-key"
OTHER_KEY = "cong-giathuy-key"
NO_ACTOR_KEY = "khong-nguoi-key"

# A fresh engine hands out ids in order: units HN=1, LB=2, bode=3, giathuy=4; people office=1,
# officer=2, front=3, citizen=4 (the directory below asserts it).
OFFICE, OFFICER, FRONT, CITIZEN = 1, 2, 3, 4
HN, LB, BODE, GIATHUY = 1, 2, 3, 4


def checked(service):
    """Makes every request of the service validate its answer against docs/openapi.json."""
    send = service.request

    def request(method, path, **kw):
        reply = send(method, path, **kw)
        target = urllib.parse.urlsplit(path).path
        validate(method, urllib.parse.unquote(target), reply.status, reply.headers.get("content-type", ""), reply.body)
        service.validated += 1
        return reply

    service.validated = 0
    service.request = request
    return service


def run(svc, command, actor="system"):
    r = svc.post("/v1/commands", key=ADMIN_KEY, json={"actor": actor, "command": command})
    assert r.status == 201, r
    return r.json()


@pytest.fixture
def svc(make_service):
    s = make_service(
        engine={"store": ":memory:", "clock": "2022-09-30T08:00:00+07:00"},
        keys=[{"name": "cong-bode", "key": PORTAL_KEY, "units": [BODE], "actor": OFFICE},
              {"name": "cong-giathuy", "key": OTHER_KEY, "units": [GIATHUY], "actor": OFFICE},
              {"name": "khong-nguoi", "key": NO_ACTOR_KEY, "units": [BODE]}],
        open311={"contact": "UBND phường Bồ Đề <vp@bode.gov.vn>"})
    checked(s)
    assert run(s, {"type": "create_unit", "name": "Hà Nội", "level": "tinh", "code": "HN"})["id"] == HN
    assert run(s, {"type": "create_unit", "name": "Quận Long Biên", "level": "huyen", "parent": HN, "code": "LB"})["id"] == LB
    assert run(s, {"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa", "parent": LB, "code": "bode"})["id"] == BODE
    assert run(s, {"type": "create_unit", "name": "Phường Gia Thụy", "level": "xa", "parent": LB,
                   "code": "giathuy"})["id"] == GIATHUY
    s.agency = run(s, {"type": "create_agency", "unit": BODE, "name": "Phòng Quản lý đô thị", "code": "qldt"})["id"]
    assert run(s, {"type": "register_person", "name": "Văn phòng UBND phường Bồ Đề", "code": "vp"})["id"] == OFFICE
    assert run(s, {"type": "register_person", "name": "Trần Thị Bình", "code": "cb"})["id"] == OFFICER
    assert run(s, {"type": "register_person", "name": "Lê Văn Cường", "code": "mttq"})["id"] == FRONT
    assert run(s, {"type": "register_person", "name": "Nguyễn Văn Khai", "code": "dan",
                   "phone": "0912345678"})["id"] == CITIZEN
    run(s, {"type": "grant_role", "person": OFFICE, "role": "office", "unit": BODE})
    run(s, {"type": "grant_role", "person": OFFICER, "role": "agency_officer", "unit": BODE, "agency": s.agency})
    run(s, {"type": "grant_role", "person": FRONT, "role": "front_chair", "unit": BODE})
    return s


def form_post(svc, path, fields, headers=None):
    h = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    h.update(headers or {})
    return svc.post(path, body=urllib.parse.urlencode(fields), headers=h)


def fms_fields(description, jurisdiction="bode", key=PORTAL_KEY, service="urban_order"):
    """The fields FixMyStreet's Open311.pm sends for a new report."""
    return {"api_key": key, "jurisdiction_id": jurisdiction, "service_code": service,
            "lat": "21.0412", "long": "105.8760", "address_string": "ngõ 12 phố Bồ Đề",
            "email": "khai.nguyen@gmail.com", "first_name": "Khai", "last_name": "Nguyễn Văn",
            "phone": "0912345678", "description": description,
            "media_url": "https://example.vn/anh.jpg", "attribute[cho]": "1"}


def publish(svc, item, reply):
    run(svc, {"type": "assign", "item": item, "agency": svc.agency}, actor=OFFICE)
    run(svc, {"type": "write_reply", "item": item, "number": "15/UBND", "signer": OFFICER, "text": reply}, actor=OFFICER)
    for to in ("party_head", "government_head", "front_chair", "raiser"):
        run(svc, {"type": "record_delivery", "item": item, "recipient": to}, actor=OFFICE)
    run(svc, {"type": "publish_reply", "item": item}, actor=OFFICE)


def xml(reply):
    assert reply.headers["content-type"] == "text/xml; charset=utf-8"
    assert reply.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(reply.body)


def error_of(reply):
    """The spec's error list, JSON or XML, as (code, description)."""
    if reply.headers["content-type"].startswith("text/xml"):
        root = xml(reply)
        assert root.tag == "errors" and len(root) == 1
        return int(root.find("error/code").text), root.find("error/description").text
    body = reply.json()
    assert isinstance(body, list) and len(body) == 1
    return body[0]["code"], body[0]["description"]


def test_discovery_and_services(svc):
    d = svc.get("/open311/v2/discovery.json")
    assert d.status == 200 and d.headers["content-type"] == "application/json; charset=utf-8"
    endpoint = d.json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://%s:%d/open311/v2" % (svc.host, svc.port)
    root = xml(svc.get("/open311/v2/discovery.xml"))
    assert root.findtext("contact") == "UBND phường Bồ Đề <vp@bode.gov.vn>"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]

    services = svc.get("/open311/v2/services.json?jurisdiction_id=bode").json()
    assert services[0] == {"service_code": "land", "service_name": "Quản lý đất đai", "description": "Quản lý đất đai",
                           "metadata": False, "type": "realtime", "keywords": "", "group": ""}
    root = xml(svc.get("/open311/v2/services.xml?jurisdiction_id=bode"))
    assert [s.findtext("service_code") for s in root.findall("service")] == [s["service_code"] for s in services]
    assert root.find("service").findtext("service_name") == "Quản lý đất đai"
    definition = svc.get("/open311/v2/services/traffic.json?jurisdiction_id=bode").json()
    assert definition == {"service_code": "traffic", "attributes": []}
    assert svc.request("HEAD", "/open311/v2/services.json?jurisdiction_id=bode").status == 200


def test_fixmystreet_post_then_public_get(svc):
    text = "Đề nghị xử lý lấn chiếm vỉa hè. Liên hệ ông Nguyễn Văn Khai, 0912 345 678, khai.nguyen@gmail.com"
    # api_key only in the form body, as Open311.pm sends it.
    r = form_post(svc, "/open311/v2/requests.json", fms_fields(text))
    assert r.status == 200, r
    [created] = r.json()
    rid = created["service_request_id"]
    assert created["service_notice"] == "Hạn trả lời bằng văn bản: 2022-10-30" and created["account_id"] is None

    # Filed, not published: the public view does not show it.
    assert svc.get("/open311/v2/requests.json?jurisdiction_id=bode").json() == []
    r = svc.get("/open311/v2/requests/%s.xml?jurisdiction_id=bode" % rid)
    assert r.status == 404 and error_of(r) == (404, "service_request_id '%s' was not found" % rid)

    publish(svc, int(rid), "Đã giao lực lượng trật tự xử lý; đã gọi ông Nguyễn Văn Khai số 0912345678.")
    r = svc.get("/open311/v2/requests.json?jurisdiction_id=bode")
    assert r.status == 200
    body = r.json()
    jsonschema.validate(body, json.loads((ROOT / "schemas" / "open311-requests.schema.json").read_text()))
    [req] = body
    assert req["service_request_id"] == rid and req["status"] == "closed"
    assert req["agency_responsible"] == "Phòng Quản lý đô thị"
    assert req["requested_datetime"] == "2022-09-30T00:00:00+07:00"
    assert "[thư điện tử đã ẩn]" in req["description"] and "lấn chiếm vỉa hè" in req["description"]
    text_out = r.body.decode("utf-8")
    for secret in ("Khai", "0912", "345 678", "gmail", "example.vn"):
        assert secret not in text_out, secret
    # Issue 14 (R04): the place FixMyStreet sent is the request's (the matter's, not a person's).
    assert (req["lat"], req["long"], req["address"]) == (21.0412, 105.876, "ngõ 12 phố Bồ Đề")

    root = xml(svc.get("/open311/v2/requests/%s.xml?jurisdiction_id=bode" % rid))
    [one] = root.findall("request")
    assert one.findtext("service_request_id") == rid
    assert one.findtext("description") == req["description"]
    assert one.findtext("status_notes") == req["status_notes"]
    assert float(one.findtext("lat")) == 21.0412 and float(one.findtext("long")) == 105.876  # issue 14

    # Filters through real query strings (+ escaped in the zone).
    q = "/open311/v2/requests.json?jurisdiction_id=LB&status=closed&start_date=2022-09-30T00:00:00%2B07:00"
    assert [x["service_request_id"] for x in svc.get(q).json()] == [rid]
    assert svc.get("/open311/v2/requests.json?jurisdiction_id=bode&status=open").json() == []


def test_errors_in_the_spec_format(svc):
    r = svc.get("/open311/v2/services.xml?jurisdiction_id=sfgov.org")
    assert r.status == 404 and error_of(r) == (404, "jurisdiction_id 'sfgov.org' was not found")
    r = svc.get("/open311/v2/requests.json")
    assert r.status == 400 and error_of(r)[0] == 400
    r = svc.get("/open311/v2/requests.json?jurisdiction_id=bode&start_date=h%C3%B4m+qua")
    assert r.status == 400 and error_of(r) == (400, "start_date 'hôm qua' is not a W3C datetime such as "
                                                    "2022-10-01T00:00:00+07:00")
    fields = fms_fields("Đèn đường hỏng")
    del fields["api_key"]
    r = form_post(svc, "/open311/v2/requests.xml", fields)
    assert r.status == 401 and error_of(r)[0] == 401
    r = form_post(svc, "/open311/v2/requests.json", fms_fields("Đèn đường hỏng", key=OTHER_KEY))
    assert r.status == 403 and "may not submit" in error_of(r)[1]
    r = form_post(svc, "/open311/v2/requests.json", fms_fields("Đèn đường hỏng", key=NO_ACTOR_KEY))
    assert r.status == 403 and "acts as no person" in error_of(r)[1]
    fields = fms_fields("")
    r = form_post(svc, "/open311/v2/requests.xml", fields)
    assert r.status == 400 and error_of(r) == (400, "description was not provided (it is the text of the opinion's item)")
    r = form_post(svc, "/open311/v2/requests.json", fms_fields("x", service="pothole"))
    assert r.status == 404 and error_of(r) == (404, "service_code 'pothole' was not found")
    # An unknown key is refused by the transport before any route runs (its /v1 error form).
    assert form_post(svc, "/open311/v2/requests.json", fms_fields("x", key="no-such-key")).status == 401
    # Nothing was filed.
    items = svc.get("/v1/items", key=ADMIN_KEY)
    assert items.status == 200 and items.json()["items"] == []


def test_idempotent_retry_and_header_key(svc):
    fields = fms_fields("Rác thải tồn đọng ngõ 5", service="environment")
    del fields["api_key"]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Api-Key": PORTAL_KEY,
               "Idempotency-Key": "fms-report-8812"}
    first = svc.post("/open311/v2/requests.json", body=urllib.parse.urlencode(fields), headers=headers)
    again = svc.post("/open311/v2/requests.json", body=urllib.parse.urlencode(fields), headers=headers)
    assert first.status == 200 and again.status == 200
    assert first.json() == again.json()
    # XML escaping of markup in Vietnamese text, read back by a strict parser.
    r = form_post(svc, "/open311/v2/requests.xml", fms_fields("Biển ghi \"cấm <đỗ> xe\" & 'dừng' — phố Ngọc Lâm"))
    rid = xml(r).findtext("request/service_request_id")
    publish(svc, int(rid), "Đã thay biển <mới> & đúng quy chuẩn.")
    one = xml(svc.get("/open311/v2/requests/%s.xml?jurisdiction_id=bode" % rid)).find("request")
    assert one.findtext("description") == "Biển ghi \"cấm <đỗ> xe\" & 'dừng' — phố Ngọc Lâm"
    assert "<mới> & đúng" in one.findtext("status_notes")


def test_every_status_and_format_is_documented(svc):
    """The answers the routes and the transport give on Open311 paths, beyond the ones above:
    each goes through openapi_check.validate (the fixture), which fails on an undocumented
    status, media type or body."""
    cases = [
        # (method, path, body, headers, status, media)
        ("GET", "/open311/v2/services/pothole.json?jurisdiction_id=bode", None, {}, 404, "application/json"),
        ("GET", "/open311/v2/services/pothole.xml?jurisdiction_id=bode", None, {}, 404, "text/xml"),
        ("GET", "/open311/v2/services/land.xml?jurisdiction_id=bode", None, {}, 200, "text/xml"),
        ("GET", "/open311/v2/requests/abc.json?jurisdiction_id=bode", None, {}, 400, "application/json"),
        ("GET", "/open311/v2/requests/7.json?jurisdiction_id=bode", None, {}, 404, "application/json"),
        ("GET", "/open311/v2/requests.xml?jurisdiction_id=bode&status=pending", None, {}, 400, "text/xml"),
        ("GET", "/open311/v2/requests.json?jurisdiction_id=bode&start_date=2022-01-01&end_date=2022-09-30",
         None, {}, 400, "application/json"),
        ("GET", "/open311/v2/requests.json?jurisdiction_id=bode&service_code=pothole", None, {}, 404, "application/json"),
        ("GET", "/open311/v2/requests.json?jurisdiction_id=bode&service_request_id=1,2", None, {}, 200, "application/json"),
        ("GET", "/open311/v2/requests.xml?jurisdiction_id=bode", None, {}, 200, "text/xml"),
        ("GET", "/open311/v2/services.json?jurisdiction_id=%C3%28", None, {}, 400, "application/json"),
        # The transport answers before the route: the /v1 error object, even on .xml paths.
        ("GET", "/open311/v2/services.xml?jurisdiction_id=%zz", None, {}, 400, "application/json"),
        ("GET", "/open311/v2/services.xml?jurisdiction_id=bode&api_key=no-such-key", None, {}, 401, "application/json"),
        ("DELETE", "/open311/v2/requests.json", None, {}, 405, "application/json"),
        ("POST", "/open311/v2/requests.xml", '{"description": "x"}',
         {"Content-Type": "application/json", "X-Api-Key": PORTAL_KEY}, 415, "text/xml"),
        ("POST", "/open311/v2/requests.json", "description=%G1", {"Content-Type": "application/x-www-form-urlencoded",
                                                                 "X-Api-Key": PORTAL_KEY}, 400, "application/json"),
    ]
    for method, path, body, headers, status, media in cases:
        r = svc.request(method, path, body=body, headers=headers)
        assert r.status == status and r.headers["content-type"].startswith(media), (method, path, r)
    # One Idempotency-Key, two different requests: the engine's conflict, 409 in the spec's format.
    h = {"Idempotency-Key": "fms-report-1"}
    assert form_post(svc, "/open311/v2/requests.json", fms_fields("Cống tắc ngõ 3"), h).status == 200
    r = form_post(svc, "/open311/v2/requests.xml", fms_fields("Cống tắc ngõ 4"), h)
    assert r.status == 409 and error_of(r)[0] == 409
    # HEAD answers as GET, without a body.
    r = svc.request("HEAD", "/open311/v2/discovery.xml")
    assert r.status == 200 and r.body == b""
    assert svc.validated >= len(cases) + 3


def test_schemas_catch_wrong_types(svc):
    """The Open311 schemas notice a wrong type, a missing or an extra field, and the XML check
    a wrong root element."""
    services = svc.get("/open311/v2/services.json?jurisdiction_id=bode").json()
    ok = json.dumps(services).encode()
    validate("GET", "/open311/v2/services.json", 200, "application/json", ok)
    services[0]["metadata"] = "false"
    with pytest.raises(ValidationError):
        validate("GET", "/open311/v2/services.json", 200, "application/json", json.dumps(services).encode())

    rid = form_post(svc, "/open311/v2/requests.json", fms_fields("Đèn đường hỏng")).json()[0]["service_request_id"]
    publish(svc, int(rid), "Đã thay bóng đèn.")
    good = svc.get("/open311/v2/requests/%s.json?jurisdiction_id=bode" % rid).json()
    for change in ({"service_request_id": int(rid)}, {"expected_datetime": "2022-10-30"}, {"status": "pending"},
                   {"lat": 91.0}, {"long": "105.8"}, {"agency_responsible": 7}):
        bad = [dict(good[0], **change)]
        with pytest.raises(ValidationError):
            validate("GET", "/open311/v2/requests/1.json", 200, "application/json", json.dumps(bad).encode())
    missing = [dict(good[0])]
    del missing[0]["address"]
    with pytest.raises(ValidationError):
        validate("GET", "/open311/v2/requests.json", 200, "application/json", json.dumps(missing).encode())
    with pytest.raises(ValidationError):  # POST's answer: account_id is always null
        validate("POST", "/open311/v2/requests.json", 200, "application/json",
                 json.dumps([{"service_request_id": rid, "service_notice": None, "account_id": "u1"}]).encode())
    with pytest.raises(ValidationError):  # an error's code is the integer status
        validate("GET", "/open311/v2/services.json", 404, "application/json",
                 json.dumps([{"code": "404", "description": "not found"}]).encode())
    with pytest.raises(AssertionError):  # 200 is documented in XML, not as JSON, on .xml paths
        validate("GET", "/open311/v2/services.xml", 200, "application/json", ok)
    with pytest.raises(AssertionError):  # POST answers 200, not 201
        validate("POST", "/open311/v2/requests.json", 201, "application/json", ok)
    xml_ok = svc.get("/open311/v2/services.xml?jurisdiction_id=bode").body
    with pytest.raises(AssertionError):  # the right XML on the wrong path: root <services>, not <discovery>
        validate("GET", "/open311/v2/discovery.xml", 200, "text/xml", xml_ok)
    with pytest.raises(AssertionError):  # an undocumented field in an item
        validate("GET", "/open311/v2/services.xml", 200, "text/xml",
                 xml_ok.replace(b"<group></group>", b"<group></group><secret>1</secret>", 1))
    with pytest.raises(ET.ParseError):
        validate("GET", "/open311/v2/services.xml", 200, "text/xml", xml_ok.replace(b"</services>", b""))
    assert SPEC["paths"]["/open311/v2/requests.json"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"]["schema"]["$ref"].endswith("/Open311RequestForm")
