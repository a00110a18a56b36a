"""mypy's stubtest checks the hand-kept _core.pyi against the module, signatures included
(see stubtest_pybind.py for how pybind11 signatures reach it)."""
from __future__ import annotations

import inspect
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import doithoai
import doithoai._core as core

import mypy.stubtest  # noqa: E402,F401  (fails the module loudly if mypy is missing)

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import stubtest_pybind  # noqa: E402

NO_CONSTRUCTOR = re.compile(r'^doithoai\._core\.(\w+)\.__init__ is inconsistent, stub does not have \*args argument "args"$')


def has_no_constructor(cls: type) -> bool:
    # pybind11's __init__ of a class bound without py::init refuses every call.
    try:
        cls()
    except TypeError as e:
        return "No constructor defined" in str(e)
    return False


# Ids are typing.NewType(name, int) in the stub and at runtime: mypy models a NewType as a
# class, while at runtime it is a callable returning its argument ("is not a type"); SYSTEM, a
# PersonId in the stub, is the int 2**32 - 1 at runtime.
ID_NEWTYPE = re.compile(r"^doithoai\._core\.(\w+Id) is not a type$")
SYSTEM_ID = "doithoai._core.SYSTEM variable differs from runtime type Literal[4294967295]"


def is_int_newtype(obj: object) -> bool:
    import typing
    return isinstance(obj, typing.NewType) and obj.__supertype__ is int and obj(7) == 7


def accepted(finding: str) -> bool:
    m = NO_CONSTRUCTOR.match(finding)
    if m:
        return has_no_constructor(getattr(core, m.group(1)))
    m = ID_NEWTYPE.match(finding)
    if m:
        return is_int_newtype(getattr(core, m.group(1)))
    return finding == SYSTEM_ID and type(core.SYSTEM) is int


@pytest.fixture(scope="module")
def findings() -> list[str]:
    return stubtest_pybind.run()


def test_stubtest_finds_no_difference(findings):
    assert [f for f in findings if not accepted(f)] == []


def test_classes_the_stub_leaves_without_constructor_have_none(findings):
    for finding in findings:
        m = NO_CONSTRUCTOR.match(finding)
        if m:
            assert has_no_constructor(getattr(core, m.group(1))), finding


def test_every_function_of_the_module_has_a_signature_for_stubtest():
    missing, total = [], 0
    for name in dir(core):
        obj = getattr(core, name)
        if name.startswith("_"):
            continue
        members = [(name, obj)]
        if isinstance(obj, type):
            members = [(f"{name}.{m}", getattr(obj, m)) for m, v in vars(obj).items()
                       if (not m.startswith("__") or m == "__init__") and not isinstance(v, property)]
        for qual, fn in members:
            if type(fn).__name__ in ("instancemethod", "builtin_function_or_method"):
                total += 1
                if stubtest_pybind.signature_from_doc(fn) is None:
                    missing.append(qual)
    assert total > 200 and missing == []


def test_docstring_signature_parsing():
    sig = stubtest_pybind.signature_from_doc(doithoai.Engine.items)
    assert sig is not None
    assert list(sig.parameters)[:3] == ["self", "unit", "status"]
    assert sig.parameters["unit"].kind is inspect.Parameter.KEYWORD_ONLY
    assert sig.parameters["unit"].default is None
    assert sig.parameters["topic"].default == ""


def _mutated_run(tmp_path, old: str, new: str) -> str:
    pkg = pathlib.Path(doithoai.__file__).parent
    copy = tmp_path / "doithoai"
    shutil.copytree(pkg, copy)
    stub = copy / "_core.pyi"
    text = stub.read_text(encoding="utf-8")
    assert old in text
    stub.write_text(text.replace(old, new, 1), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{HERE}")
    out = subprocess.run([sys.executable, str(HERE / "stubtest_pybind.py")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    return out.stdout + out.stderr


def test_stubtest_catches_a_wrong_parameter_name_and_default(tmp_path):
    out = _mutated_run(tmp_path, "def items(self, *, unit: UnitId | None = None, status",
                       "def items(self, *, unit: int | None = 3, statuz")
    assert 'Engine.items is inconsistent, runtime does not have argument "statuz"' in out
    assert 'runtime argument "unit" has a default value of None, which is different from stub argument default 3' in out
