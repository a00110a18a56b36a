"""The hand-kept _core.pyi covers the module: every public name, every Engine method."""
from __future__ import annotations

import ast
import pathlib

import doithoai as d

STUB = pathlib.Path(__file__).resolve().parents[1] / "doithoai" / "_core.pyi"


def stub_tree():
    return ast.parse(STUB.read_text(encoding="utf-8"))


def test_stub_names_cover_the_module():
    tree = stub_tree()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    public = {n for n in dir(d._core) if not n.startswith("_")}
    assert public - names == set()


def test_stub_engine_methods_cover_the_engine():
    tree = stub_tree()
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    members = set()
    for cls in ("Engine", "_Queries"):
        for node in classes[cls].body:
            if isinstance(node, ast.FunctionDef):
                members.add(node.name)
    engine = {n for n in dir(d.Engine) if not n.startswith("_")}
    assert engine - members == set()
    for cls, method, fields in d._core._command_fields():
        stub_fields = [a.arg for a in classes[cls].body[-2].args.args[1:] + classes[cls].body[-2].args.kwonlyargs]
        # required fields first (positional or keyword), then the optional ones (keyword-only)
        assert stub_fields == [f for f, r in fields if r] + [f for f, r in fields if not r], cls
        kwonly = [a.arg for a in classes[cls].body[-2].args.kwonlyargs]
        assert kwonly == [f for f, r in fields if not r], cls


def test_package_ships_py_typed_and_stub():
    pkg = pathlib.Path(d.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "_core.pyi").exists()
