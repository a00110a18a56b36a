"""The Python Bồ Đề demo runs end to end and reproduces the seed's figures."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from conftest import REPO

DEMO = REPO / "examples" / "python" / "bode_demo.py"


def load_demo():
    spec = importlib.util.spec_from_file_location("bode_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bode_demo_replays_the_conference():
    lines = []
    summary = load_demo().run(out=lines.append)
    assert summary["opinions"] == 14 and summary["items"] == 41  # 14 opinions, 41 issues
    assert summary["conference_status"] == "closed"
    acc = summary["accounting"]
    assert acc["2022-09-30"]["answered_on_spot"] == 9 and acc["2022-09-30"]["outstanding"] == 32
    assert acc["2022-11-01"]["overdue"] == 1  # the late reply, before it came
    # The 41 issues and the unsigned mailbox letter (issue 14).
    assert acc["2022-12-31"]["resolved"] == 42 and acc["2022-12-31"]["closed"] == 42
    assert acc["2022-12-31"]["extended_items"] == 1 and acc["2022-12-31"]["escalated"] == 1
    assert acc["2022-12-31"]["reopened_items"] == 1
    for a in acc.values():
        assert a["resolved"] + a["outstanding"] == a["items"]
    text = "\n".join(lines)
    assert "hạn 10/10/2022, đúng hạn" in text and "hạn trả lời 30/10/2022" in text
    # Issue 14: the anonymous letter followed by its code (public only once posted), the
    # evidence verified against its store, the not-satisfied rating on the Front's list until
    # the Front reopened the item.
    assert [t.split(" ", 1)[1] for t in summary["tracking"]] == ["assigned", "replied (88/CAP-TH)", "closed (88/CAP-TH)"]
    assert summary["evidence_ok"]
    sup = summary["supervision"]
    assert sup["2022-11-03"] == [] and sup["2022-11-04"] == [summary["reopened_item"]] and sup["2022-11-08"] == []
    assert summary["report"]["opinions"]["anonymous"] == 1


def test_bode_demo_script_runs():
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "14 ý kiến, 41 nội dung" in proc.stdout
