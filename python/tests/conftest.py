"""Shared fixtures: a Bồ Đề-like ward with its heads, office, front, agencies and residents,
on a ManualClock, so each test can drive the dates it needs."""
from __future__ import annotations

import datetime as dt
import pathlib
import sys
from types import SimpleNamespace

import pytest

import doithoai as d

REPO = pathlib.Path(__file__).resolve().parents[2]
D = dt.date


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return d.local_instant(day, hour)


def make_world(start: dt.date = D(2022, 8, 10), store=None, profile="hanoi-2200", attachments=None) -> SimpleNamespace:
    clock = d.ManualClock(at(start))
    kw = {"attachments": attachments} if attachments is not None else {}  # issue 14
    e = d.Engine(profile, clock=clock, store=store, **kw) if store else d.Engine(profile, clock=clock, **kw)
    S = d.SYSTEM
    w = SimpleNamespace(engine=e, clock=clock)
    w.city = e.create_unit(S, "Thành phố Hà Nội", "tinh", code="HN").id
    w.district = e.create_unit(S, "Quận Long Biên", "huyen", parent=w.city, code="LB").id
    w.ward = e.create_unit(S, "Phường Bồ Đề", "xa", parent=w.district, code="BD").id
    w.land = e.create_agency(S, w.ward, "Bộ phận Địa chính - Xây dựng").id
    w.order = e.create_agency(S, w.ward, "Đội Trật tự đô thị").id
    w.district_agency = e.create_agency(S, w.district, "Phòng Tài nguyên và Môi trường quận").id

    def person(name, role, unit, **kw):
        pid = e.register_person(S, name).id
        e.grant_role(S, pid, role, unit, **kw)
        return pid

    w.party_head = person("Nguyễn Thị Thanh Hằng", d.Role.party_head, w.ward)
    w.gov_head = person("Nguyễn Văn Luyện", d.Role.government_head, w.ward)
    w.office = person("Văn phòng UBND phường", d.Role.office, w.ward)
    w.front = person("Chủ tịch UBMTTQ phường", d.Role.front_chair, w.ward)
    w.land_officer = person("Cán bộ địa chính", d.Role.agency_officer, w.ward, agency=w.land)
    w.order_officer = person("Đội trưởng TTĐT", d.Role.agency_officer, w.ward, agency=w.order)
    w.district_office = person("Văn phòng UBND quận", d.Role.office, w.district)
    w.resident = e.register_person(S, "Ông Trần Văn A", code="CD-001").id
    w.resident2 = e.register_person(S, "Bà Lê Thị B", code="CD-002").id
    return w


def hold_conference(w, on: dt.date = D(2022, 9, 30)) -> int:
    e = w.engine
    conf = e.plan_conference(w.office, w.ward, planned_on=on, audience="all_residents",
                             plan_ref="131-KH/QU ngày 09/8/2022").id
    w.clock.set(at(on, 14))
    e.hold_conference(w.office, conf, chairs=[w.party_head, w.gov_head], attendance=120)
    return conf


def raise_items(w, conf: int, texts, topic="land", raiser=None):
    r = w.engine.submit_opinion(w.office, w.ward, conference=conf, channel=d.Channel.at_conference,
                                raised_by=raiser or w.resident, items=[(topic, t) for t in texts])
    return r.items


def reply_fully(w, item: int, on: dt.date, agency_officer=None):
    e = w.engine
    officer = agency_officer or w.land_officer
    e.write_reply(officer, item, number=f"{item}/TL-UBND", date=on, signer=officer, text="Đã giải quyết")
    for r in d.Recipient:
        e.record_delivery(w.office, item, r, on=on)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def held(world):
    world.conf = hold_conference(world)
    return world
