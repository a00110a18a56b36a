"""Ids are distinct types in the stubs (typing.NewType): mypy catches an agency id passed as
an item id, and an optional command field passed positionally; ints at runtime."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import doithoai as d

PKG_ROOT = pathlib.Path(d.__file__).resolve().parents[1]

GOOD = '''
import datetime as dt
import doithoai as d

e = d.Engine()
ward: d.UnitId = e.create_unit(d.SYSTEM, "Phường Bồ Đề", "xa").id
agency: d.AgencyId = e.create_agency(d.SYSTEM, ward, "Địa chính").id
op = e.submit_opinion(d.SYSTEM, ward, items=[("land", "Đường ngõ 5")])
opinion: d.OpinionId = op.id
item: d.ItemId = op.items[0]
e.assign(d.SYSTEM, item, agency, deadline=dt.date(2022, 10, 30))
it: d.Item = e.item(item)
assert it.agency == agency and e.opinion(it.opinion).id == opinion
e.item(d.ItemId(7))  # a bare int says what it is
with d.Engine.open("x.db") as e2:
    e2.unit(ward)
'''

BAD_ID = '''
import doithoai as d

e = d.Engine()
ward = e.create_unit(d.SYSTEM, "Phường", "xa").id
agency = e.create_agency(d.SYSTEM, ward, "Địa chính").id
e.item(agency)
'''

BAD_POSITIONAL = '''
import datetime as dt
import doithoai as d

e = d.Engine()
e.assign(d.SYSTEM, d.ItemId(1), d.AgencyId(2), dt.date(2022, 10, 30))
'''


def mypy(tmp_path: pathlib.Path, source: str) -> subprocess.CompletedProcess[str]:
    f = tmp_path / "snippet.py"
    f.write_text(source, encoding="utf-8")
    # An installed package (site-packages of this interpreter, as in CI's venv) is found by
    # mypy through PEP 561 (py.typed); mypy refuses a site-packages directory on MYPYPATH. A
    # package imported from a build tree (PYTHONPATH) is shown to mypy through MYPYPATH.
    env = dict(os.environ)
    env.pop("MYPYPATH", None)
    if PKG_ROOT.name not in ("site-packages", "dist-packages"):
        env["MYPYPATH"] = str(PKG_ROOT)
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--no-error-summary",
                           "--cache-dir", str(tmp_path / ".mypy_cache"), str(f)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_mypy_accepts_ids_used_as_what_they_are(tmp_path):
    out = mypy(tmp_path, GOOD)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_refuses_an_agency_id_passed_as_an_item_id(tmp_path):
    out = mypy(tmp_path, BAD_ID)
    assert out.returncode == 1, out.stdout + out.stderr
    assert 'has incompatible type "AgencyId"; expected "ItemId"' in out.stdout, out.stdout


def test_mypy_refuses_an_optional_command_field_passed_positionally(tmp_path):
    out = mypy(tmp_path, BAD_POSITIONAL)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Too many positional arguments" in out.stdout, out.stdout


def test_ids_are_ints_at_runtime():
    assert d.ItemId(7) == 7 and type(d.ItemId(7)) is int
    assert d.UnitId.__name__ == "UnitId"
    e = d.Engine()
    ward = e.create_unit(d.SYSTEM, "Phường", "xa").id
    assert type(ward) is int
