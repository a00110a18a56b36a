"""Exceptions: one class per ErrorCode, chosen by code (never by message), each with .code."""
from __future__ import annotations

import pytest

import doithoai as d
from conftest import D, raise_items

CLASSES = {
    "not_found": d.NotFound,
    "permission_denied": d.PermissionDenied,
    "invalid_transition": d.InvalidTransition,
    "invalid_argument": d.InvalidArgument,
    "conflict": d.Conflict,
    "storage": d.StorageError,
    "corruption": d.CorruptionError,
    "unsupported": d.Unsupported,
}


def test_every_error_code_has_its_class():
    assert {c.value for c in d.ErrorCode} == set(CLASSES)
    for code, cls in CLASSES.items():
        assert issubclass(cls, d.Error) and issubclass(cls, Exception)
        assert cls.code == code
        assert d.error_class(code) is cls
        assert d.error_class(d.ErrorCode(code)) is cls
    assert issubclass(d.NotFound, LookupError)
    assert issubclass(d.InvalidArgument, ValueError)


def test_errors_carry_code_and_message(world):
    e = world.engine
    with pytest.raises(d.NotFound) as info:
        e.item(999)
    assert info.value.code == "not_found" and "999" in str(info.value)
    with pytest.raises(d.InvalidArgument) as info:
        e.create_unit(d.SYSTEM, "", "xa", parent=world.district)
    assert info.value.code == "invalid_argument"
    with pytest.raises(d.PermissionDenied) as info:
        e.create_unit(world.resident, "X", "tinh")
    assert info.value.code == "permission_denied"
    with pytest.raises(d.Error) as info:  # the base class catches them all
        e.unit(12345)
    assert isinstance(info.value, d.NotFound)


def test_invalid_transition(held):
    (item,) = raise_items(held, held.conf, ["x"])
    with pytest.raises(d.InvalidTransition) as info:
        held.engine.close_item(held.front, item)
    assert info.value.code == "invalid_transition"


def test_json_and_enum_errors(world):
    e = world.engine
    with pytest.raises(d.InvalidArgument, match="unknown field"):
        e.execute_json({"actor": "system", "command": {"type": "create_unit", "name": "X", "lvl": "xa"}})
    with pytest.raises(d.InvalidArgument, match="unknown Role 'mayor'"):
        e.grant_role(d.SYSTEM, world.resident, "mayor", world.ward)
    with pytest.raises(d.InvalidArgument):
        d.parse_date("30/9/2022")
    with pytest.raises(d.NotFound):
        d.builtin_profile("no-such-profile")


def test_wrong_python_types_are_type_errors(world):
    with pytest.raises(TypeError, match="unexpected keyword argument 'agnecy'"):
        d.Assign(item=1, agnecy=2)
    with pytest.raises(TypeError, match="missing required argument 'agency'"):
        world.engine.assign(world.office, 1)
    with pytest.raises(TypeError):
        world.engine.unit("one")
    with pytest.raises(d.InvalidArgument):
        world.engine.unit(-1)


# ---- "Hardened at every door": depth, ranges, foreign exceptions ----

DEEP = 30_000


def deep_list(n: int = DEEP):
    v: list = []
    for _ in range(n - 1):
        v = [v]
    return v


def test_deep_nesting_is_invalid_argument_everywhere_json_enters(world):
    e = world.engine
    before = e.last_seq
    with pytest.raises(d.InvalidArgument, match="deeper"):
        d.parse_json("[" * DEEP + "]" * DEEP)
    with pytest.raises(d.InvalidArgument, match="deeper"):
        d.command_from_dict({"type": "assign", "item": 1, "agency": deep_list()})
    with pytest.raises(d.InvalidArgument, match="deeper"):
        e.execute_json({"actor": world.office, "command": {"type": "assign", "item": 1, "agency": deep_list()}})
    doc = d.builtin_profile("hanoi-2200").to_dict()
    doc["title"] = deep_list()
    with pytest.raises(d.InvalidArgument, match="deeper"):
        d.load_profile(doc)
    with pytest.raises(d.InvalidArgument, match="deeper"):
        d.load_profile('{"a":' + "[" * DEEP)
    assert e.last_seq == before
    # At the limit, JSON still converts both ways.
    assert d.parse_json("[" * 64 + "]" * 64) == deep_list(64)


def test_a_value_that_contains_itself_is_invalid_argument(world):
    loop: list = []
    loop.append(loop)
    with pytest.raises(d.InvalidArgument, match="contains itself"):
        d.command_from_dict({"type": "assign", "item": 1, "agency": loop})
    cyclic: dict = {"type": "assign"}
    cyclic["item"] = cyclic
    with pytest.raises(d.InvalidArgument):
        world.engine.execute_json({"actor": world.office, "command": cyclic})


def test_execute_json_numeric_actor(world):
    e = world.engine
    before = e.last_seq
    for bad in (-1, 2**32 + 1, d.SYSTEM, 1.0, True):
        with pytest.raises(d.InvalidArgument, match="actor"):
            e.execute_json({"actor": bad, "command": {"type": "register_person", "name": "X"}})
    assert e.last_seq == before
    r = e.execute_json({"actor": world.office, "command": {"type": "submit_opinion", "unit": world.ward,
                        "channel": "letter", "raised_by": world.resident, "items": [{"topic": "land", "text": "Đường"}]}})
    assert r["last_seq"] == before + 1


def test_out_of_range_ids_are_refused(world, tmp_path):
    e = world.engine
    before = e.last_seq
    for bad in (2**32 + 1, -1):
        with pytest.raises(d.InvalidArgument):
            e.item(bad)
        with pytest.raises(d.InvalidArgument):
            d.command_from_dict({"type": "assign", "item": bad, "agency": 1})
    csv = tmp_path / "rows.csv"
    csv.write_text("topic,text,raised_by_org\nland,Đường hỏng,4294967297\n", encoding="utf-8")
    with pytest.raises(d.InvalidArgument, match="raised_by_org"):
        e.import_csv(world.office, str(csv), unit=world.ward, raised_on=D(2022, 9, 1))
    csv.write_text("topic,text,conference\nland,Đường hỏng,12x\n", encoding="utf-8")
    with pytest.raises(d.InvalidArgument, match="conference"):
        e.import_csv(world.office, str(csv), unit=world.ward, raised_on=D(2022, 9, 1))
    assert e.last_seq == before


def test_wrong_python_types_raise_type_error_naming_the_parameter(world):
    e = world.engine
    with pytest.raises(TypeError, match="unit"):
        e.import_opinions(world.office, [{"unit": "BD", "text": "x", "topic": "land"}])
    with pytest.raises(TypeError, match="agency"):
        d.Assign(item=1, agency="land")
    with pytest.raises(TypeError, match="profile"):
        d.Engine(5)


def test_messages_quoting_invalid_utf8_are_valid_text(world, tmp_path):
    with pytest.raises(d.InvalidArgument) as info:
        d.parse_json(b'["\xff"]')
    str(info.value).encode("utf-8")
    csv = tmp_path / "bad.csv"
    csv.write_bytes(b"topic,text,\xff\xfe\nland,x,y\n")
    with pytest.raises(d.InvalidArgument) as info:
        world.engine.import_csv(world.office, str(csv), unit=world.ward, raised_on=D(2022, 9, 1))
    assert "\\xFF\\xFE" in str(info.value)
    str(info.value).encode("utf-8")
