"""The notification outbox from Python (issue 15): methods, values, errors, and the e-mail
adapter examples/python/outbox_smtp.py against a local SMTP server (aiosmtpd), including a
crash between sending and acknowledging."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib.util
import socket

import pytest

import doithoai as d
from conftest import REPO, at, hold_conference, make_world, raise_items

D = dt.date
ADAPTER = REPO / "examples" / "python" / "outbox_smtp.py"


def outbox_profile() -> d.Profile:
    doc = d.builtin_profile("hanoi-2200").to_dict()
    doc["outbox"] = {"reply_due_days": 3}
    return d.load_profile(doc)


def adapter():
    spec = importlib.util.spec_from_file_location("outbox_smtp", ADAPTER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def replied_world(store=None):
    w = make_world(store=store, profile=outbox_profile())
    e = w.engine
    conf = hold_conference(w)
    (item,) = raise_items(w, conf, ["Đề nghị làm rõ tiến độ GPMB"])
    e.assign(w.office, item, w.land)
    w.clock.set(at(D(2022, 10, 12)))
    e.write_reply(w.land_officer, item, number="12/TB-UBND", date=D(2022, 10, 12), signer=w.land_officer,
                  text="Nội dung trả lời")
    w.item = item
    return w


def test_r10_outbox_notices_values_and_acks():
    w = replied_world()
    e = w.engine
    notices = e.outbox()
    kinds = [n.kind for n in notices]
    assert kinds.count("reply") == 4 and "conference_notice" in kinds and "conference_results" in kinds
    reply = next(n for n in notices if n.kind == "reply" and n.to.role == "raiser")
    assert reply.to.person == w.resident
    assert reply.due == D(2022, 10, 30) and isinstance(reply.due, dt.date)
    assert reply.rule == "R10" and reply.data["number"] == "12/TB-UBND"
    assert reply.item == w.item and reply.status == "pending" and reply.delivered_on is None
    assert reply.to_dict()["due"] == "2022-10-30"
    got = e.outbox_fetch(limit=2, lease_seconds=60)
    assert len(got) == 2
    assert {n.id for n in e.outbox_fetch(100)}.isdisjoint({n.id for n in got})
    r = e.outbox_ack(got[0].id, "delivered", detail="250 OK")
    assert r.first_seq > 0
    assert e.outbox_ack(got[0].id, "delivered").first_seq == 0  # idempotent
    e.outbox_ack(got[1].id, "failed", detail="bounce")
    counts = e.outbox_counts(D(2022, 10, 12))
    assert (counts.issued, counts.delivered, counts.pending, counts.failed_attempts) == (6, 1, 5, 1)
    assert counts.late == 2  # the R03 notice (due 23/9, delivered 12/10) and the R13 one (due 10/10, pending)
    assert [n.id for n in e.outbox(status="failed")] == [got[1].id]
    # A past day, as the state rebuilt for it.
    past = e.outbox(as_of=D(2022, 9, 30))
    assert [n.kind for n in past] == ["conference_notice", "conference_results"]
    # Commands by name, and reminders once a day.
    w.clock.set(at(D(2022, 10, 28)))
    assert e.issue_reminders(d.SYSTEM, None).first_seq > 0  # None: today
    assert e.issue_reminders(d.SYSTEM, D(2022, 10, 28)).first_seq == 0
    assert e.execute(d.SYSTEM, d.IssueReminders(None, limit=5)).first_seq == 0
    assert any(n.kind == "reply_due_reminder" for n in e.outbox())


def test_r10_outbox_bad_input_raises_library_errors():
    w = replied_world()
    e = w.engine
    seq = e.last_seq
    with pytest.raises(d.NotFound):
        e.outbox_ack(d.NoticeId(999), "delivered")
    with pytest.raises(d.InvalidArgument):
        e.outbox_ack(d.NoticeId(1), "sent")
    for limit in (0, -1, 10**6):
        with pytest.raises(d.InvalidArgument):
            e.outbox_fetch(limit)
    for lease in (0, -5, 10**9):
        with pytest.raises(d.InvalidArgument):
            e.outbox_fetch(1, lease)
    with pytest.raises(d.InvalidArgument):
        e.outbox_fetch(10**30)
    with pytest.raises(TypeError):
        e.outbox_fetch("10")
    with pytest.raises(d.InvalidArgument):
        e.outbox(status="lost")
    with pytest.raises(d.PermissionDenied):
        e.issue_reminders(w.resident, None)
    assert e.last_seq == seq


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        headers = "".join(f"{k}: {v}\n" for k, v in msg.items())
        self.messages.append(headers + "\n" + msg.get_content())
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def addresses(w):
    return {f"person:{w.resident}": "resident@example.org", f"party_head:{w.ward}": "bithu@example.org",
            f"government_head:{w.ward}": "chutich@example.org", f"front_chair:{w.ward}": "mttq@example.org",
            f"residents:{w.ward}": "loa-phuong@example.org", f"public:{w.ward}": "cong-khai@example.org"}


def test_r10_outbox_smtp_adapter_sends_and_acks(smtp_server):
    inbox, port = smtp_server
    mod = adapter()
    w = replied_world()
    sent = mod.deliver_all(w.engine, "127.0.0.1", port, addresses(w), limit=4)
    assert len(sent) == 6 and len(inbox.messages) == 6
    assert any("Nội dung trả lời" in m for m in inbox.messages)  # the reply's text goes to its recipients
    assert all("Message-ID: <notice-" in m for m in inbox.messages)
    assert w.engine.outbox_counts(D(2022, 10, 12)).pending == 0
    assert mod.deliver_once(w.engine, "127.0.0.1", port, addresses(w)) == []


def test_r10_outbox_smtp_adapter_without_an_address_fails_and_retries(smtp_server):
    inbox, port = smtp_server
    mod = adapter()
    w = replied_world()
    book = addresses(w)
    del book[f"person:{w.resident}"]
    mod.deliver_all(w.engine, "127.0.0.1", port, book)
    left = w.engine.outbox(status="pending")
    assert len(left) == 1 and left[0].to.role == "raiser" and left[0].failed_attempts == 1
    assert "no address" in left[0].last_detail
    assert mod.deliver_once(w.engine, "127.0.0.1", port, addresses(w)) == []  # leased until it ends
    w.clock.set(at(D(2022, 10, 12)) + dt.timedelta(minutes=2))
    assert mod.deliver_once(w.engine, "127.0.0.1", port, addresses(w)) == [int(left[0].id)]


class _Crash(Exception):
    pass


def test_r10_outbox_smtp_adapter_crash_between_send_and_ack(smtp_server, tmp_path):
    """At least once: the notice sent before the crash is sent again after the restart."""
    inbox, port = smtp_server
    mod = adapter()
    path = str(tmp_path / "outbox.db")
    w = replied_world(store=d.SqliteStore(path))
    book = addresses(w)
    clock = w.clock

    def crash(notice):
        raise _Crash(notice.id)

    with pytest.raises(_Crash):
        mod.deliver_once(w.engine, "127.0.0.1", port, book, limit=1, after_send=crash)
    assert len(inbox.messages) == 1
    first = inbox.messages[0]
    w.engine.close()  # the process dies: its leases with it

    e = d.open_engine(outbox_profile(), path, clock=clock)
    sent = mod.deliver_once(e, "127.0.0.1", port, book, limit=1)
    assert len(inbox.messages) == 2
    notice_id = first.split("X-Doithoai-Notice: ")[1].split()[0]
    assert sent == [int(notice_id)]  # the same notice, sent twice: at least once
    assert f"X-Doithoai-Notice: {notice_id}" in inbox.messages[1]
    seq = e.last_seq
    assert e.outbox_ack(d.NoticeId(int(notice_id)), "delivered").first_seq == 0  # the second ack: nothing new
    assert e.last_seq == seq
    delivered = e.outbox(status="delivered")
    assert [int(n.id) for n in delivered] == [int(notice_id)]
    e.close()


def test_r10_outbox_counts_in_the_json_report():
    import json
    import jsonschema

    w = replied_world()
    r = d.report_to_dict(d.make_report(w.engine, d.Period.year(2022), unit=w.ward, as_of=D(2022, 10, 12)))
    assert r["outbox"] == {"issued": 6, "delivered": 0, "late": 2, "pending": 6, "failed_attempts": 0}
    jsonschema.validate(r, json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8")))
    plain = make_world()  # a profile without "outbox": no such key
    assert "outbox" not in d.report_to_dict(d.make_report(plain.engine, d.Period.year(2022), unit=plain.ward))
