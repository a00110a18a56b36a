"""Dates are datetime.date, instants are aware datetimes; naive datetimes are refused."""
from __future__ import annotations

import datetime as dt

import pytest

import doithoai as d
from conftest import D, at, raise_items

UTC = dt.timezone.utc
HANOI = dt.timezone(dt.timedelta(hours=7))


def test_naive_datetime_is_rejected_with_a_clear_error(world):
    with pytest.raises(d.InvalidArgument, match="naive datetime .* timezone-aware"):
        d.ManualClock(dt.datetime(2022, 9, 30, 9, 0))
    with pytest.raises(ValueError, match="naive"):
        world.clock.set(dt.datetime(2022, 9, 30))
    with pytest.raises(d.InvalidArgument, match="naive"):
        world.engine.state_as_of(dt.datetime(2022, 9, 30, 12))


def test_datetime_where_a_date_is_wanted_is_rejected(world):
    with pytest.raises(d.InvalidArgument, match="datetime.date"):
        world.engine.accounting(world.ward, dt.datetime(2022, 9, 30, tzinfo=UTC))


def test_date_round_trip(held):
    (item,) = raise_items(held, held.conf, ["x"])
    held.engine.assign(held.office, item, held.land, deadline=D(2022, 10, 21))
    it = held.engine.item(item)
    assert type(it.deadline) is dt.date and it.deadline == D(2022, 10, 21)
    assert it.raised_on == D(2022, 9, 30)
    assert it.to_dict()["deadline"] == "2022-10-21"
    assert d.parse_date(d.format_date(D(2024, 2, 29))) == D(2024, 2, 29)
    assert it.resolved_on is None and it.answer is None
    assert d.min_date() == D(1900, 1, 1) and d.max_date() == D(2199, 12, 31)
    with pytest.raises(d.InvalidArgument):
        held.engine.accounting(held.ward, D(2200, 1, 1))


def test_instants_are_aware_utc_and_offsets_are_honoured():
    t = dt.datetime(2022, 9, 30, 14, 30, 15, 123456, tzinfo=HANOI)
    c = d.ManualClock(t)
    now = c.now()
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
    assert now == t and now.hour == 7
    assert d.local_date(dt.datetime(2022, 9, 30, 18, tzinfo=UTC)) == D(2022, 10, 1)  # UTC+7
    assert d.parse_instant(d.format_instant(t)) == t
    assert d.from_micros(d.to_micros(t)) == t
    c.advance(dt.timedelta(days=1, seconds=30))
    assert c.now() - now == dt.timedelta(days=1, seconds=30)


def test_event_times_come_from_the_clock(held):
    ev = held.engine.events(from_seq=held.engine.last_seq, limit=1)[0]
    assert ev.at == at(D(2022, 9, 30), 14) and ev.at.tzinfo is not None


def test_engine_today_is_the_local_date(world):
    world.clock.set(dt.datetime(2022, 9, 30, 20, 0, tzinfo=UTC))  # 03:00 on 1/10 in Hà Nội
    assert world.engine.today() == D(2022, 10, 1)


def test_r09_explain_says_which_calendar_and_rule_gave_the_deadline():
    # 30 days after 15/1/2021 end on Sunday 14/2, inside Tết Tân Sửu (10/2-16/2/2021).
    rule = d.DeadlineRule(30, d.DayType.calendar, d.EndRule.next_working_day, "Bộ luật Dân sự 2015, điều 148")
    x = d.VietnamCalendar.builtin().explain(dt.date(2021, 1, 15), rule)
    assert isinstance(x, d.DeadlineExplanation)
    assert x.calendar_name == "vietnam"
    assert (x.first_day, x.computed_end, x.deadline) == (dt.date(2021, 1, 16), dt.date(2021, 2, 14), dt.date(2021, 2, 17))
    assert x.moved and not x.kept_on_day_off
    assert x.rule.citation == rule.citation
    assert [s.date for s in x.skipped] == [dt.date(2021, 2, 14), dt.date(2021, 2, 15), dt.date(2021, 2, 16)]
    assert "4875/TB-LĐTBXH" in x.skipped[-1].citation
    assert "điều 148" in x.text_vi
    w = d.WeekendCalendar().explain(dt.date(2021, 1, 15), rule)
    assert (w.calendar_name, w.deadline) == ("weekend", dt.date(2021, 2, 15))
    assert d.WeekendCalendar().name == "weekend"
