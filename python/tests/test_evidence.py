"""Evidence attachments (issue 14): R04/R10/R14 metadata on commands, R13 publication, R20
verification, the attachment stores, hostile values from Python."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

import doithoai as d
from conftest import D, at, hold_conference, make_world, raise_items

JPEG = b"\xff\xd8\xff\xe0 photo of the cleared pavement"


@pytest.fixture
def ev(tmp_path):
    store = d.DirectoryAttachmentStore(tmp_path / "att")
    w = make_world(attachments=store)
    w.store = store
    conf = hold_conference(w)
    (w.item,) = raise_items(w, conf, ["Đề nghị làm rõ tiến độ GPMB"])
    w.engine.assign(w.office, w.item, w.land)
    w.clock.set(at(D(2022, 10, 5)))
    return w


def att(store, data=JPEG, name="ảnh.jpg", publishable=True, media_type="image/jpeg"):
    return d.Attachment(name, media_type, len(data), store.put(data), publishable=publishable)


def test_R10_a_written_reply_carries_evidence_bytes_in_out(ev):
    a = att(ev.store)
    assert a.sha256 == d.sha256_hex(JPEG)
    ev.engine.write_reply(ev.land_officer, ev.item, "12/TB", ev.land_officer, "Đã xử lý", attachments=[a])
    reply = ev.engine.item(ev.item).reply
    assert [x.sha256 for x in reply.attachments] == [a.sha256]
    assert reply.attachments[0] == a
    assert ev.store.get(a.sha256) == JPEG
    assert isinstance(ev.store.get(a.sha256), bytes)
    assert ev.engine.verify_attachments().ok
    # A dict works as an attachment too; the command's dict form round-trips.
    c = d.WriteReply(ev.item, "1", ev.land_officer, "x", attachments=[{"name": "a.jpg", "media_type": "image/jpeg",
                                                                       "size": 3, "sha256": "0" * 64}])
    assert c.to_dict()["attachments"][0]["size"] == 3
    assert "attachments" not in d.WriteReply(ev.item, "1", ev.land_officer, "x").to_dict()


def test_R13_an_attachment_is_public_only_when_published_and_publishable(ev):
    pub = att(ev.store)
    priv = att(ev.store, b"%PDF private", "hồ sơ.pdf", False, "application/pdf")
    ev.engine.write_reply(ev.land_officer, ev.item, "12/TB", ev.land_officer, "Đã xử lý", attachments=[pub, priv])
    for r in d.Recipient:
        ev.engine.record_delivery(ev.office, ev.item, r)
    with pytest.raises(d.NotFound):
        ev.engine.public_attachment(pub.sha256)
    ev.engine.publish_reply(ev.office, ev.item)
    assert ev.engine.public_attachment(pub.sha256) == JPEG
    with pytest.raises(d.NotFound):
        ev.engine.public_attachment(priv.sha256)


def test_R20_verify_finds_a_corrupted_attachment(ev):
    a = att(ev.store)
    ev.engine.write_reply(ev.land_officer, ev.item, "12/TB", ev.land_officer, "Đã xử lý", attachments=[a])
    path = ev.store.path_of(a.sha256)
    assert path.startswith(ev.store.directory)
    with open(path, "r+b") as f:
        f.write(b"X")
    rep = ev.engine.verify_attachments()
    assert not rep.ok and not rep
    assert [(p.kind, p.owner, p.id) for p in rep.problems] == [("corrupt", "reply", int(ev.item))]
    os.remove(path)
    assert ev.engine.verify_attachments().problems[0].kind == "missing"


@pytest.mark.parametrize("bad, exc", [
    ({"size": 21 * 1024 * 1024}, d.InvalidArgument),              # over the default 20 MiB
    ({"media_type": "application/x-msdownload"}, d.InvalidArgument),
    ({"sha256": "../../etc/passwd"}, d.InvalidArgument),
    ({"sha256": "A" * 64}, d.InvalidArgument),
    ({"sha256": d.sha256_hex(b"never stored")}, d.NotFound),
    ({"name": ""}, d.InvalidArgument),
    ({"name": "a\udcff.jpg"}, d.InvalidArgument),                   # lone surrogate: not UTF-8
    ({"name": "x" * 513}, d.InvalidArgument),
    ({"size": 0}, d.InvalidArgument),
    ({"size": 2**64}, d.InvalidArgument),                           # out of range
    ({"size": -1}, d.InvalidArgument),
    ({"size": "3"}, TypeError),
    ({"size": True}, TypeError),
    ({"publishable": "yes"}, TypeError),
    ({"name": b"a.jpg"}, TypeError),
    ({"colour": "red"}, d.InvalidArgument),
])
def test_R10_hostile_attachment_values_are_refused_and_nothing_recorded(ev, bad, exc):
    good = {"name": "a.jpg", "media_type": "image/jpeg", "size": len(JPEG), "sha256": ev.store.put(JPEG),
            "publishable": True}
    good.update(bad)
    before = ev.engine.last_seq
    with pytest.raises(exc):
        ev.engine.write_reply(ev.land_officer, ev.item, "12/TB", ev.land_officer, "x", attachments=[good])
    assert ev.engine.last_seq == before
    assert ev.engine.item(ev.item).reply is None


def test_R10_too_many_attachments_and_wrong_container_types(ev):
    many = [att(ev.store, bytes([i]) * 3, f"{i}.jpg") for i in range(11)]
    with pytest.raises(d.InvalidArgument):
        ev.engine.write_reply(ev.land_officer, ev.item, "1", ev.land_officer, "x", attachments=many)
    for wrong in ("a.jpg", b"bytes", {"name": "a"}, 3, [3], [None]):
        with pytest.raises(TypeError):
            d.WriteReply(ev.item, "1", ev.land_officer, "x", attachments=wrong)
    assert ev.engine.item(ev.item).reply is None


def test_R20_directory_store_hostile_values(tmp_path):
    s = d.DirectoryAttachmentStore(tmp_path / "att", max_bytes=1024)
    for h in ("../../etc/passwd", "", "0" * 63, "g" * 64, "0" * 64 + "/", "0" * 65):
        with pytest.raises(d.InvalidArgument):
            s.get(h)
        with pytest.raises(d.InvalidArgument):
            s.has(h)
    for wrong in (None, 3, "text", ["a"]):
        with pytest.raises(TypeError):
            s.put(wrong)
    with pytest.raises(TypeError):
        s.get(b"0" * 64)
    with pytest.raises(d.InvalidArgument):
        s.put(b"")
    with pytest.raises(d.InvalidArgument):
        s.put(b"x" * 1025)                                             # huge for this store
    assert s.put(bytearray(b"abc")) == d.sha256_hex(b"abc")
    assert s.put(memoryview(b"abc")) == d.sha256_hex(b"abc")         # a no-op
    with pytest.raises(d.NotFound):
        s.get(d.sha256_hex(b"other"))
    assert s.size(d.sha256_hex(b"abc")) == 3 and s.size(d.sha256_hex(b"zzz")) is None
    # Only fan-out directories under the root: no name from a user ever became a path.
    assert sorted(os.listdir(tmp_path / "att")) == sorted(["tmp", d.sha256_hex(b"abc")[:2]])


def test_R20_a_second_process_puts_the_same_content_concurrently(tmp_path):
    root = tmp_path / "att"
    s = d.DirectoryAttachmentStore(root)
    data = os.urandom(1 << 20)
    code = ("import doithoai as d, sys\n"
            "s = d.DirectoryAttachmentStore(sys.argv[1])\n"
            "data = open(sys.argv[2], 'rb').read()\n"
            "for _ in range(30): assert s.put(data) == d.sha256_hex(data)\n")
    src = tmp_path / "data.bin"
    src.write_bytes(data)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root), str(src)], env=dict(os.environ))
             for _ in range(2)]
    for _ in range(30):
        assert s.put(data) == d.sha256_hex(data)
        assert s.get(d.sha256_hex(data)) == data
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert s.get(d.sha256_hex(data)) == data
    assert os.listdir(root / "tmp") == []


def test_R04_R14_opinion_and_finding_evidence_from_python(ev):
    a = att(ev.store, name="../../etc/passwd")
    r = ev.engine.submit_opinion(ev.resident, ev.ward, items=[("land", "Lấn chiếm")], raised_by=ev.resident,
                                 attachments=[a])
    assert ev.engine.opinion(r.id).attachments[0].name == "../../etc/passwd"
    f = att(ev.store, b"inspection", "kiểm tra.png", False, "image/png")
    ev.engine.record_finding(ev.front, r.items[0], "Vẫn lấn chiếm", satisfactory=False, attachments=[f])
    assert ev.engine.item(r.items[0]).findings[0].attachments == [f]
    assert ev.engine.verify_attachments().references == 2
