"""Bulk import from lists of dicts / command objects and from CSV files."""
from __future__ import annotations

import pytest

import doithoai as d
from conftest import D, at, hold_conference


def test_import_list_of_dicts_with_progress(world):
    e = world.engine
    rows = [{"unit": world.ward, "channel": "mailbox", "raised_by": world.resident, "raised_on": D(2022, 8, 1),
             "topic": "environment", "text": f"Rác thải điểm {k}"} for k in range(2500)]
    rows.append({"unit": world.ward, "channel": "letter", "raised_by_org": None, "raised_by": world.resident2,
                 "items": [("land", "a"), {"topic": "traffic", "text": "b"}]})
    seen = []
    rep = e.import_opinions(world.office, rows, progress=lambda done, total: seen.append((done, total)), every=1000)
    assert (rep.rows, rep.submitted, rep.failed, rep.items) == (2501, 2501, 0, 2502)
    assert seen == [(1000, 2501), (2000, 2501), (2501, 2501)]
    assert len(rep.opinions) == 2501 and e.opinion(rep.opinions[-1]).items == [2501, 2502]
    assert e.item(1).raised_on == D(2022, 8, 1)
    assert e.accounting(world.ward, D(2022, 8, 10)).items == 2502


def test_import_errors_raise_with_row_or_are_skipped(world):
    e = world.engine
    rows = [{"unit": world.ward, "channel": "mailbox", "raised_by": world.resident, "topic": "land", "text": "ok"},
            {"unit": world.ward, "channel": "mailbox", "raised_by": world.resident, "topic": "nope", "text": "bad"},
            {"unit": world.ward, "channel": "mailbox", "raised_by": world.resident, "topic": "land", "text": "ok2"}]
    with pytest.raises(d.InvalidArgument, match="row 2: topic 'nope'"):
        e.import_opinions(world.office, rows)
    assert e.item_count == 1  # rows before the failing one stay committed
    rep = e.import_opinions(world.office, rows, on_error="skip")
    assert (rep.submitted, rep.failed) == (2, 1)
    assert rep.errors[0][:2] == (2, "invalid_argument")
    with pytest.raises(d.PermissionDenied, match="row 1"):
        e.import_opinions(world.resident2, rows[:1])


def test_import_is_idempotent_with_a_prefix(world):
    e = world.engine
    rows = [d.SubmitOpinion(world.ward, channel="mailbox", raised_by=world.resident, items=[("land", str(k))])
            for k in range(10)]
    first = e.import_opinions(world.office, rows, idempotency_prefix="xlsx-2021:")
    again = e.import_opinions(world.office, rows, idempotency_prefix="xlsx-2021:")
    assert first.opinions == again.opinions and e.item_count == 10


CSV = """unit,conference,channel,raised_by,raised_on,topic,text,opinion
BD,,mailbox,CD-001,2022-08-01,land,"Cấp sổ đỏ, chậm",A
BD,,mailbox,CD-001,2022-08-01,traffic,"Đường ""xấu"" quá",A
,,,CD-002,,environment,Rác thải,
"""


def test_import_csv(world, tmp_path):
    path = tmp_path / "y_kien_2021.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")
    rep = world.engine.import_csv(world.office, str(path), unit=world.ward, raised_on=D(2022, 8, 5))
    assert (rep.rows, rep.submitted, rep.items) == (2, 2, 3)
    op1, op2 = (world.engine.opinion(o) for o in rep.opinions)
    assert len(op1.items) == 2 and op1.raised_by == world.resident and op1.raised_on == D(2022, 8, 1)
    assert world.engine.item(op1.items[1]).text == 'Đường "xấu" quá'
    assert op2.channel is d.Channel.letter and op2.raised_on == D(2022, 8, 5)
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,topic,text,colour\n", encoding="utf-8")
    with pytest.raises(d.InvalidArgument, match="unknown column 'colour'"):
        world.engine.import_csv(world.office, str(bad))
    with pytest.raises(d.NotFound):
        world.engine.import_csv(world.office, str(tmp_path / "missing.csv"))


def test_R04_import_csv_places_and_withheld_names(world, tmp_path):
    # Each row's lat/long/address is its item's own place (item_placed); withhold_name comes
    # from the opinion's first row; a row without them has neither.
    path = tmp_path / "hotline.csv"
    path.write_text(
        "unit,raised_by,opinion,topic,text,lat,long,address,withhold_name\n"
        'BD,CD-001,A,land,Lấn chiếm ngõ 30,21.0405,105.8747,"Ngõ 30, Bồ Đề",true\n'
        "BD,CD-001,A,environment,Rác chợ,21.0505,105.8847,,\n"
        "BD,CD-001,,land,Không có địa điểm,,,,\n", encoding="utf-8")
    rep = world.engine.import_csv(world.office, str(path))
    assert (rep.submitted, rep.items) == (2, 3)
    op1, op2 = (world.engine.opinion(o) for o in rep.opinions)
    assert op1.name_withheld and not op2.name_withheld
    places = [d.item_place(world.engine, i) for i in op1.items + op2.items]
    assert places[0].address == "Ngõ 30, Bồ Đề" and places[0].lat == pytest.approx(21.0405)
    assert places[1].long == pytest.approx(105.8847) and places[2] is None


@pytest.mark.parametrize("row, match", [
    ("land,x,21.04,,", "both 'lat' and 'long'"),
    ("land,x,,,Ngõ 30", "an address needs"),
    ("land,x,abc,105.8,", "column 'lat': expected a number"),
    ("land,x,21.0,1e999,", "column 'long': expected a number"),
    ("land,x,nan,105.8,", "column 'lat'"),
    ("land,x, 21.0,105.8,", "column 'lat'"),
    ("land,x,21.0,105.8,,maybe", "withhold_name"),
])
def test_R04_import_csv_bad_places_import_nothing(world, tmp_path, row, match):
    path = tmp_path / "bad.csv"
    extra = ",withhold_name" if row.count(",") == 5 else ""
    path.write_text(f"topic,text,lat,long,address{extra}\nland,một,,,{',' if extra else ''}\n{row}\n", encoding="utf-8")
    n = world.engine.last_seq
    with pytest.raises(d.InvalidArgument, match=match):
        world.engine.import_csv(world.office, str(path), unit=world.ward)
    assert world.engine.last_seq == n


def test_R04_import_opinions_rows_carry_place_and_withhold_name(world):
    e = world.engine
    rows = [{"unit": world.ward, "raised_by": world.resident, "topic": "land", "text": "Lấn chiếm",
             "place": {"lat": 21.0405, "long": 105.8747, "address": "Ngõ 30"}, "withhold_name": True},
            {"unit": world.ward, "raised_by": world.resident,
             "items": [{"topic": "land", "text": "Chợ", "place": (21.0505, 105.8847)}, ("land", "Không nơi")]}]
    rep = e.import_opinions(world.office, rows)
    op1, op2 = (e.opinion(o) for o in rep.opinions)
    assert op1.name_withheld and d.item_place(e, op1.items[0]).address == "Ngõ 30"
    assert d.item_place(e, op2.items[0]).lat == pytest.approx(21.0505) and d.item_place(e, op2.items[1]) is None
    n = e.last_seq
    for bad, exc in [({"place": {"lat": "21", "long": 105.0}}, (TypeError, d.InvalidArgument)),
                     ({"place": {"lat": 91.0, "long": 105.0}}, d.InvalidArgument),
                     ({"withhold_name": "yes"}, (TypeError, d.InvalidArgument))]:
        row = {"unit": world.ward, "raised_by": world.resident, "topic": "land", "text": "x", **bad}
        with pytest.raises(exc):
            e.import_opinions(world.office, [row])
        assert e.last_seq == n


def test_R04_import_csv_place_out_of_range_is_refused_at_its_row(world, tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("raised_by,topic,text,lat,long\nCD-001,land,một,21.0,105.8\nCD-001,land,hai,91,105.8\n",
                    encoding="utf-8")
    with pytest.raises(d.InvalidArgument, match="row 3"):
        world.engine.import_csv(world.office, str(path), unit=world.ward)
    assert world.engine.item_count == 1  # row 2 stays, as for any failing row


def test_a_failed_row_says_where_it_stopped_and_the_import_resumes_there(world):
    e = world.engine
    rows = [{"unit": world.ward, "channel": "mailbox", "raised_by": world.resident, "topic": "land",
             "text": f"ý kiến {k}"} for k in range(5)]
    rows[3]["topic"] = "nope"
    with pytest.raises(d.InvalidArgument, match="row 4: .*start_row=4") as err:
        e.import_opinions(world.office, rows)
    assert (err.value.row, err.value.resume_row) == (4, 4)
    assert err.value.report.submitted == 3 and err.value.report.resume_row == 4
    assert e.item_count == 3  # rows 1-3 committed, nothing from row 4 on
    rows[3]["topic"] = "land"
    rep = e.import_opinions(world.office, rows, start_row=err.value.resume_row)
    assert (rep.rows, rep.submitted, rep.resume_row) == (2, 2, 0)
    assert e.item_count == 5 and [e.item(i).text for i in range(1, 6)] == [f"ý kiến {k}" for k in range(5)]


def test_a_cancelled_import_reports_its_resume_row(world):
    e = world.engine
    rows = [{"unit": world.ward, "raised_by": world.resident, "topic": "land", "text": str(k)} for k in range(10)]
    rep = e.import_opinions(world.office, rows, progress=lambda done, total: done < 4, every=1)
    assert rep.cancelled and rep.submitted == 4 and rep.resume_row == 5
    rest = e.import_opinions(world.office, rows, start_row=rep.resume_row)
    assert rest.submitted == 6 and e.item_count == 10


def test_a_csv_row_that_cannot_be_read_imports_nothing(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("unit,conference,topic,text\nBD,,land,một\nBD,abc,land,hai\n", encoding="utf-8")
    n = world.engine.last_seq
    with pytest.raises(d.InvalidArgument, match="CSV row 3") as err:
        world.engine.import_csv(world.office, str(path))
    assert err.value.code == "invalid_argument"
    assert world.engine.last_seq == n and world.engine.item_count == 0
    path.write_text("unit,topic,text\nBD,land,một\nXX,land,hai\n", encoding="utf-8")
    with pytest.raises(d.NotFound, match="row 3"):
        world.engine.import_csv(world.office, str(path))
    assert world.engine.last_seq == n
