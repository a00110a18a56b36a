#!/usr/bin/env python3
"""Delivers the doithoai notification outbox by e-mail (an example adapter, issue 15).

The engine writes every notice a rule requires (R03, R08, R10-R13) and every reminder into its
log, in the same transaction as the event that requires it. An adapter like this one fetches
the pending notices (each leased for a while), sends them through its own channel (here SMTP
with smtplib; SMS, Zalo or a portal's inbox work the same way) and acknowledges each:

    delivered -> the notice is done (acknowledging it again changes nothing);
    failed    -> it stays pending and comes back when its lease ends.

Delivery is at least once: if the process dies between sending and acknowledging, the lease
dies with it and the next run sends the notice again. Each message carries a stable
Message-ID (<notice-ID.doithoai@HOST>) so a mail system or a reader can spot the duplicate.

    PYTHONPATH=build/python python3 examples/python/outbox_smtp.py bode.db \\
        --profile hanoi-2200 --smtp localhost:1025 --addresses addresses.json

addresses.json maps recipients to e-mail addresses: keys "person:3", "organization:1",
"agency:2", "party_head:5" (a role of unit 5), "residents:5", "public:5", ... A notice
without an address is acknowledged as failed (and retried when its lease ends).
"""
from __future__ import annotations

import argparse
import json
import smtplib
import sys
from email.message import EmailMessage
from typing import Callable, Iterable, List, Mapping, Optional

import doithoai as d

# What each kind of notice is, in Vietnamese, for the subject line.
TITLES = {
    "reply": "Văn bản trả lời ý kiến, kiến nghị",
    "conclusion_notice": "Thông báo kết luận hội nghị đối thoại",
    "extension_notice": "Thông báo gia hạn giải quyết",
    "escalation_notice": "Thông báo chuyển đề xuất lên cấp trên",
    "refusal": "Thông báo không thụ lý",
    "transfer": "Thông báo chuyển cơ quan có thẩm quyền",
    "conference_notice": "Thông báo tổ chức hội nghị đối thoại",
    "conference_results": "Công khai kết quả hội nghị đối thoại",
    "reply_due_reminder": "Nhắc hạn trả lời",
    "overdue_reminder": "Nội dung quá hạn",
    "public_notice_reminder": "Nhắc thông báo hội nghị",
    "results_publication_reminder": "Nhắc công khai kết quả hội nghị",
}


def recipient_key(notice: d.Notice) -> str:
    """The key of the notice's recipient in an address book ("person:3", "party_head:5", ...)."""
    to = notice.to
    if to.role == "raiser":
        return f"person:{to.person}" if to.person else f"organization:{to.organization}"
    if to.role == "agency":
        return f"agency:{to.agency}"
    return f"{to.role}:{to.unit}"


def render(notice: d.Notice, engine: d.Engine, sender: str, address: str) -> EmailMessage:
    """The e-mail for a notice: subject from its kind, body from its resolved data."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = address
    msg["Subject"] = f"[{notice.rule}] {TITLES.get(notice.kind, notice.kind)} (hạn {notice.due.strftime('%d/%m/%Y')})"
    host = sender.rsplit("@", 1)[-1]
    msg["Message-ID"] = f"<notice-{notice.id}.doithoai@{host}>"  # the same on every retry
    msg["X-Doithoai-Notice"] = str(notice.id)
    lines = [TITLES.get(notice.kind, notice.kind), ""]
    for name, value in sorted(notice.data.items()):
        lines.append(f"{name}: {value}")
    if notice.kind == "reply" and notice.item is not None:
        reply = engine.item(notice.item).reply
        if reply is not None:
            lines += ["", reply.text]
    lines += ["", f"Hạn: {notice.due.isoformat()} ({notice.rule})", f"Căn cứ: {notice.citation}",
              f"Mẫu: {notice.template_key}"]
    msg.set_content("\n".join(lines))
    return msg


def deliver_once(engine: d.Engine, smtp_host: str, smtp_port: int, addresses: Mapping[str, str], *,
                 sender: str = "outbox@doithoai.invalid", limit: int = 10, lease_seconds: int = 60,
                 after_send: Optional[Callable[[d.Notice], None]] = None) -> List[int]:
    """Fetches up to `limit` pending notices, sends each, acknowledges each. Returns the ids sent.

    after_send(notice) runs between sending and acknowledging (tests use it to crash there).
    """
    notices = engine.outbox_fetch(limit, lease_seconds)
    sent: List[int] = []
    if not notices:
        return sent
    with smtplib.SMTP(smtp_host, smtp_port, timeout=30) as smtp:
        for notice in notices:
            address = addresses.get(recipient_key(notice))
            if address is None:
                engine.outbox_ack(notice.id, "failed", detail=f"no address for {recipient_key(notice)}")
                continue
            try:
                smtp.send_message(render(notice, engine, sender, address))
            except smtplib.SMTPException as e:
                engine.outbox_ack(notice.id, "failed", detail=f"smtp: {e}")
                continue
            sent.append(int(notice.id))
            if after_send is not None:
                after_send(notice)
            engine.outbox_ack(notice.id, "delivered", detail=f"smtp {smtp_host}:{smtp_port} to {address}")
    return sent


def deliver_all(engine: d.Engine, smtp_host: str, smtp_port: int, addresses: Mapping[str, str], **kw: object) -> List[int]:
    """deliver_once until a round sends nothing."""
    out: List[int] = []
    while True:
        got = deliver_once(engine, smtp_host, smtp_port, addresses, **kw)  # type: ignore[arg-type]
        if not got:
            return out
        out += got


def main(argv: Iterable[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("store", help="the engine's SQLite file")
    ap.add_argument("--profile", default="hanoi-2200")
    ap.add_argument("--smtp", default="localhost:25", help="HOST:PORT")
    ap.add_argument("--addresses", required=True, help="JSON file: recipient key -> e-mail address")
    ap.add_argument("--sender", default="outbox@doithoai.invalid")
    args = ap.parse_args(list(argv))
    host, _, port = args.smtp.rpartition(":")
    with open(args.addresses, encoding="utf-8") as f:
        addresses = json.load(f)
    with d.open_engine(args.profile, args.store) as engine:
        sent = deliver_all(engine, host, int(port), addresses, sender=args.sender)
    print(f"sent {len(sent)} notice(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
