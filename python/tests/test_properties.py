"""Property test: R15 holds for random command sequences."""
from __future__ import annotations

import datetime as dt

import pytest

from hypothesis import HealthCheck, given, settings, strategies as st

import doithoai as d
from conftest import D, at, hold_conference, make_world

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["answer", "assign", "reply", "extend", "escalate", "reopen", "close", "advance",
                               "refuse"]),
              st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=20)),
    max_size=40)


def drive(w, items, actions, letters=False):
    """Runs the random actions on the 12 items; refused ones change nothing. With letters, each
    'advance' also brings a new letter (items raised after the conference)."""
    e = w.engine
    for action, k, days in actions:
        it = items[k]
        today = e.today()
        try:
            if action == "answer":
                e.answer_on_spot(w.office, it, answered_by=w.gov_head, gist="g")
            elif action == "assign":
                e.assign(w.office, it, w.land)
            elif action == "reply":
                e.write_reply(w.land_officer, it, "n", date=today, signer=w.land_officer, text="t")
                for r in d.Recipient:
                    e.record_delivery(w.office, it, r, on=today)
            elif action == "extend":
                e.extend(w.office, it, e.item(it).deadline + dt.timedelta(days=days), "tb", today)
            elif action == "escalate":
                e.escalate(w.office, it, w.district, proposal="p", raiser_notified_on=today)
            elif action == "reopen":
                e.reopen(w.front, it, "r")
            elif action == "close":
                e.close_item(w.front, it)
            elif action == "refuse":
                e.decide_intake(w.office, it, d.Outcome.refused, reason="không đủ điều kiện",
                                raiser_notified_on=today)
            else:
                w.clock.advance(dt.timedelta(days=days))
                if letters:
                    e.submit_opinion(w.resident2, w.ward, channel="letter", raised_by=w.resident2,
                                     items=[("land", f"thư {days}")])
        except (d.InvalidTransition, d.InvalidArgument, d.PermissionDenied, TypeError):
            pass


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_R15_resolved_plus_outstanding_equals_items_for_random_sequences(actions):
    w = make_world()
    conf = hold_conference(w)
    e = w.engine
    items = e.submit_opinion(w.office, w.ward, conference=conf, channel="at_conference", raised_by=w.resident,
                             items=[("land", f"n{k}") for k in range(12)]).items
    drive(w, items, actions)
    for day in (D(2022, 9, 30), D(2022, 10, 30), D(2022, 10, 31), e.today(), e.today() + dt.timedelta(days=90)):
        for unit in (w.ward, w.district, w.city):
            a = e.accounting(unit, day)
            assert a.resolved + a.outstanding == a.items
            assert a.not_yet_due + a.overdue == a.outstanding
            if unit == w.ward and day >= e.today():
                standings = [e.standing(i, day) for i in e.items(unit=w.ward)]
                assert standings.count(d.Standing.resolved) == a.resolved
                assert standings.count(d.Standing.overdue) == a.overdue


DAYS = st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS, DAYS)
def test_R15_every_as_of_query_equals_the_same_query_on_state_as_of(actions, offsets):
    """Issue 10 §1: standing, items(as_of=...), iter_items, overdue, due_between and accounting on the
    engine, for any past day, equal the same query on state_as_of(day); standings add up to accounting."""
    w = make_world()
    conf = hold_conference(w)
    e = w.engine
    items = e.submit_opinion(w.office, w.ward, conference=conf, channel="at_conference", raised_by=w.resident,
                             items=[("land", f"n{k}") for k in range(12)]).items
    drive(w, items, actions, letters=True)
    total = e.item_count
    for off in offsets:
        day = D(2022, 8, 10) + dt.timedelta(days=off)
        past = e.state_as_of(day)
        assert past.answers_for(day)
        counts = {s: 0 for s in d.Standing}
        for i in range(1, total + 1):
            if i > past.item_count:
                with pytest.raises(d.NotFound):
                    e.standing(i, day)
                continue
            s = e.standing(i, day)
            assert s == past.standing(i, day)
            counts[s] += 1
        for unit in (w.ward, w.district, w.city):
            a, b = e.accounting(unit, day), past.accounting(unit, day)
            assert a.to_dict() == b.to_dict()
        a = e.accounting(w.city, day)
        assert (counts[d.Standing.resolved], counts[d.Standing.not_yet_due], counts[d.Standing.overdue]) == \
            (a.resolved, a.not_yet_due, a.overdue)
        for standing in list(d.Standing) + [None]:
            assert e.items(standing=standing, as_of=day) == past.items(standing=standing, as_of=day)
        for status in d.ItemStatus:
            assert e.items(status=status, as_of=day) == past.items(status=status, as_of=day)
        assert [x.status for x in e.iter_items(as_of=day, page_size=3)] == \
            [x.status for x in past.iter_items(as_of=day)]
        assert e.overdue(day, 1000) == past.overdue(day, 1000)
        assert e.due_between(day, day + dt.timedelta(days=30)) == past.due_between(day, day + dt.timedelta(days=30))
        assert e.due_within(day, 30) == past.due_between(day, day + dt.timedelta(days=30))
        if past.last_date is not None and past.last_date > D(2022, 8, 10):
            with pytest.raises(d.InvalidArgument):
                past.accounting(w.ward, past.last_date - dt.timedelta(days=1))
