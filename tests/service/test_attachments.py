"""doithoaid's evidence attachments (issue 14; docs/service.md "Attachments"): PUT
/v1/attachments (a key) and GET /v1/public/attachments/{sha256} (open, R13), with hostile
input. The engine gets a directory store through "engine": {"attachments": DIR}."""
import hashlib
import json

import pytest

from conftest import ADMIN_KEY, PLAIN_KEY
import world as W

PHOTO = b"\xff\xd8\xff\xe0 evidence photo"


@pytest.fixture
def svc(make_service, tmp_path):
    return make_service(engine={"store": ":memory:", "attachments": str(tmp_path / "att")},
                        keys=W.KEYS, limits={"max_body_bytes": 64 * 1024})


def put(svc, data, key=ADMIN_KEY):
    return svc.request("PUT", "/v1/attachments", body=data, key=key,
                       headers={"Content-Type": "application/octet-stream"})


def test_R13_an_attachment_is_public_only_when_its_reply_is_published(svc):
    r = put(svc, PHOTO)
    assert r.status == 201, r
    sha = r.json()["sha256"]
    assert sha == hashlib.sha256(PHOTO).hexdigest() and r.json()["size"] == len(PHOTO)
    assert put(svc, PHOTO).json()["sha256"] == sha  # a no-op
    W.build_directory(W.Client(svc.host, svc.port, W.BOOT_KEY))
    c = W.Client(svc.host, svc.port, W.WARD_KEY)
    item = W.submit(c, 0, per_opinion=1)[0]
    c.cmd({"type": "assign", "item": item, "agency": W.AGENCY})
    att = {"name": "../../etc/passwd", "media_type": "image/jpeg", "size": len(PHOTO), "sha256": sha,
           "publishable": True}
    c.cmd({"type": "write_reply", "item": item, "number": "1/UBND", "signer": W.OFFICER, "text": "Đã xử lý",
           "attachments": [att]}, actor=W.OFFICER)
    for who in ("party_head", "government_head", "front_chair", "raiser"):
        c.cmd({"type": "record_delivery", "item": item, "recipient": who})
    assert svc.get(f"/v1/public/attachments/{sha}").status == 404  # not yet published
    c.cmd({"type": "publish_reply", "item": item})
    g = svc.get(f"/v1/public/attachments/{sha}")
    assert g.status == 200 and g.body == PHOTO
    assert g.headers["content-type"] == "application/octet-stream"
    assert g.headers["x-content-type-options"] == "nosniff"
    feed = svc.get("/v1/public/feed?unit=%d" % W.BD).json()
    listed = [a for i in feed["items"] if i["reply"] for a in i["reply"].get("attachments", [])]
    assert [a["sha256"] for a in listed] == [sha]
    # Bytes the store lacks: the command is refused and nothing is recorded.
    item2 = W.submit(c, 1, per_opinion=1)[0]
    c.cmd({"type": "assign", "item": item2, "agency": W.AGENCY})
    missing = dict(att, sha256=hashlib.sha256(b"never uploaded").hexdigest())
    status, body = c.request("POST", "/v1/commands", {"actor": W.OFFICER, "command": {
        "type": "write_reply", "item": item2, "number": "2", "signer": W.OFFICER, "text": "x",
        "attachments": [missing]}})
    assert status == 404, body
    assert json.loads(body)["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", [
    "/v1/public/attachments/..%2F..%2Fetc%2Fpasswd",
    "/v1/public/attachments/" + "A" * 64,
    "/v1/public/attachments/" + "0" * 63,
    "/v1/public/attachments/" + "0" * 65,
    "/v1/public/attachments/%FF%FE",
    "/v1/public/attachments/" + hashlib.sha256(b"unknown").hexdigest(),
])
def test_R13_hostile_public_attachment_paths_are_404(svc, path):
    r = svc.get(path)
    assert r.status == 404, r
    assert r.json()["error"]["code"] in ("not_found", "no_route")


def test_R13_uploads_need_a_key_and_respect_the_size_limit(svc):
    assert put(svc, PHOTO, key=None).status == 401
    assert put(svc, PHOTO, key="wrong").status == 401
    assert put(svc, b"").status == 400
    assert put(svc, b"x" * (64 * 1024 + 1)).status == 413
    assert put(svc, b"\xff\xfe\x00 binary is fine").status == 201  # bytes, not text
    assert svc.request("PUT", "/v1/attachments?x=1", body=PHOTO, key=ADMIN_KEY).status == 400
    assert svc.get("/v1/attachments", key=ADMIN_KEY).status == 405
    assert put(svc, PHOTO, key=PLAIN_KEY).status == 201


def test_R13_without_an_attachment_store_uploads_are_unsupported(make_service):
    svc = make_service()
    r = put(svc, PHOTO)
    assert r.status >= 400 and r.json()["error"]["code"] == "unsupported"
    assert svc.get("/v1/public/attachments/" + hashlib.sha256(PHOTO).hexdigest()).status in (404, 501)


def test_R13_two_services_share_attachments_in_a_postgresql_table(make_service):
    import pg
    server = pg.PgServer()
    try:
        uri = server.createdb("attachments")
        engine = {"store": uri, "attachments": uri}
        one = make_service(engine=engine, keys=W.KEYS, catch_up_ms=50)
        two = make_service(engine=engine, keys=W.KEYS, catch_up_ms=50)
        r = put(one, PHOTO)
        assert r.status == 201, r
        sha = r.json()["sha256"]
        W.build_directory(W.Client(one.host, one.port, W.BOOT_KEY))
        c = W.Client(two.host, two.port, W.WARD_KEY)  # the other process: it sees the bytes
        import time
        for _ in range(100):
            if two.get("/v1/units/%d" % W.BD, key=ADMIN_KEY).status == 200:
                break
            time.sleep(0.05)
        W.settle(c, W.submit(c, 0, per_opinion=1)[0], publish=False)
        item2 = W.submit(c, 1, per_opinion=1)[0]
        c.cmd({"type": "assign", "item": item2, "agency": W.AGENCY})
        c.cmd({"type": "write_reply", "item": item2, "number": "2/UBND", "signer": W.OFFICER, "text": "Đã xử lý",
               "attachments": [{"name": "a.jpg", "media_type": "image/jpeg", "size": len(PHOTO), "sha256": sha,
                                "publishable": True}]}, actor=W.OFFICER)
        for who in ("party_head", "government_head", "front_chair", "raiser"):
            c.cmd({"type": "record_delivery", "item": item2, "recipient": who})
        c.cmd({"type": "publish_reply", "item": item2})
        g = two.get(f"/v1/public/attachments/{sha}")
        assert g.status == 200 and g.body == PHOTO
        for _ in range(100):  # the first process catches up and serves it from the table too
            g = one.get(f"/v1/public/attachments/{sha}")
            if g.status == 200:
                break
            time.sleep(0.05)
        assert g.status == 200 and g.body == PHOTO
        one.stop()
        two.stop()
    finally:
        server.stop()
