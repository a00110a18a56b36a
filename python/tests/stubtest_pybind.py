"""mypy's stubtest for doithoai._core, with the signatures of pybind11 functions.

inspect.signature cannot read a pybind11 function (a builtin without __text_signature__),
so plain stubtest checks only that names exist. pybind11 writes each signature as the first
line of the docstring ("name(self: T, actor: int | None, deadline: datetime.date | None = None)
-> R"); this module parses that line into an inspect.Signature (names, kinds, defaults) and
gives it to stubtest, which then checks every function and method of the stub against it:
parameter names, order, positional/keyword kinds and default values.

Two findings are accepted, each for a reason of the runtime rather than of the stub:
- "metaclass differs" never appears: the stub declares pybind11's metaclass (_pybind11_type).
- A class without a Python constructor has pybind11_object.__init__(*args, **kwargs), which
  raises TypeError; the stub leaves such classes without __init__ so that type checkers
  refuse constructing them. Those findings are accepted only for classes whose runtime
  __init__ really is that one (test_stubtest.py checks it raises).
"""
from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
from typing import Any

_NO_LITERAL = object()  # a default the docstring shows but that is not a Python literal


def _split_top(text: str) -> list[str]:
    """Splits at commas outside brackets, parentheses, angle brackets and quotes."""
    parts, depth, quote, cur = [], 0, "", []
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


def _default(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return _NO_LITERAL


def _param_split(p: str) -> tuple[str, str | None]:
    """name[: type][ = default] -> (name, default text or None)."""
    depth, quote = 0, ""
    for i, ch in enumerate(p):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "=" and depth == 0 and p[i - 1:i] == " " and p[i + 1:i + 2] == " ":
            return p[:i].split(":")[0].strip(), p[i + 1:].strip()
    return p.split(":")[0].strip(), None


def signature_from_doc(obj: Any) -> inspect.Signature | None:
    """The signature pybind11 wrote in obj.__doc__, or None (overloads, no docstring)."""
    doc = getattr(obj, "__doc__", None)
    name = getattr(obj, "__name__", None)
    if not isinstance(doc, str) or not name:
        return None
    first = doc.lstrip().splitlines()[0] if doc.strip() else ""
    m = re.match(re.escape(name) + r"\((.*)\)( -> .*)?$", first)
    if not m:
        return None
    params: list[inspect.Parameter] = []
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    for p in _split_top(m.group(1)):
        if p == "/":
            params = [q.replace(kind=inspect.Parameter.POSITIONAL_ONLY) for q in params]
            continue
        if p == "*":
            kind = inspect.Parameter.KEYWORD_ONLY
            continue
        if p.startswith("**"):
            params.append(inspect.Parameter(p[2:].split(":")[0].strip(), inspect.Parameter.VAR_KEYWORD))
            continue
        if p.startswith("*"):
            params.append(inspect.Parameter(p[1:].split(":")[0].strip(), inspect.Parameter.VAR_POSITIONAL))
            kind = inspect.Parameter.KEYWORD_ONLY
            continue
        pname, dtext = _param_split(p)
        default = inspect.Parameter.empty if dtext is None else _default(dtext)
        params.append(inspect.Parameter(pname, kind, default=default))
    try:
        return inspect.Signature(params)
    except ValueError:
        return None


def run(module: str = "doithoai._core") -> list[str]:
    """Runs stubtest on module with docstring signatures; returns its findings, one per line."""
    import mypy.stubtest as st

    plain = st.safe_inspect_signature

    def with_docstrings(runtime: Any) -> inspect.Signature | None:
        sig = plain(runtime)
        return sig if sig is not None else signature_from_doc(runtime)

    st.safe_inspect_signature = with_docstrings  # type: ignore[assignment]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            st.test_stubs(st.parse_options([module, "--concise"]))
    finally:
        st.safe_inspect_signature = plain  # type: ignore[assignment]
    return [line for line in out.getvalue().splitlines() if line.strip()]


if __name__ == "__main__":
    print("\n".join(run()))
