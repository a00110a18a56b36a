"""Reply templates from Python (docs/templates.md): rendered from the engine's state, recorded
by the ordinary commands (R08, R10, R11, R12); refusals raise by error code and change nothing;
wrong types raise TypeError."""
from __future__ import annotations

import datetime as dt
import pickle

import pytest

import doithoai as d
from conftest import D, hold_conference, raise_items

VALUES = {"signer": "Nguyễn Văn Luyện", "number": "125/UBND-ĐC", "date": "20/10/2022",
          "answer": "Đã hoàn thành giải phóng mặt bằng 90%."}


def assigned(w):
    conf = hold_conference(w)
    item = raise_items(w, conf, ["Đề nghị làm rõ tiến độ GPMB"])[0]
    w.engine.assign(w.office, item, w.land)
    return conf, item


def test_r10_a_reply_rendered_from_a_template_stores_the_rendered_text(world):
    e = world.engine
    _, item = assigned(world)
    r = d.render_template(e, "tra_loi", item=item, values=VALUES)
    assert isinstance(r, d.RenderedTemplate) and r.kind == "reply"
    assert "Đề nghị làm rõ tiến độ GPMB" in r.text and "Bộ phận Địa chính - Xây dựng" in r.text
    assert r.citation in r.text and r.values["agency"] == "Bộ phận Địa chính - Xây dựng"
    assert r.to_dict()["text"] == r.text
    world.clock.set(d.local_instant(D(2022, 10, 20)))
    e.write_reply(world.land_officer, item, "125/UBND-ĐC", world.land_officer, r.text)
    assert e.item(item).reply.text == r.text


def test_r10_rendering_refuses_missing_foreign_and_malformed_values(world):
    e = world.engine
    _, item = assigned(world)
    seq = e.last_seq
    v = dict(VALUES)
    del v["signer"]
    with pytest.raises(d.InvalidArgument, match=r"\{signer\}"):
        d.render_template(e, "tra_loi", item=item, values=v)
    with pytest.raises(d.InvalidArgument, match="filled by the engine"):
        d.render_template(e, "tra_loi", item=item, values={**VALUES, "agency": "khác"})
    with pytest.raises(d.InvalidArgument, match="longer than"):
        d.render_template(e, "tra_loi", item=item, values={**VALUES, "answer": "a" * (d.MAX_TEXT_BYTES - 10)})
    with pytest.raises(d.InvalidArgument):
        d.render_template(e, "tra_loi", item=item, values={**VALUES, "answer": "a\x01b"})
    with pytest.raises(d.InvalidArgument):
        d.render_template(e, "tra_loi", item=item, values={**VALUES, "answer": "\ud800"})  # a lone surrogate
    with pytest.raises(d.NotFound):
        d.render_template(e, "khong_co", item=item, values=VALUES)
    with pytest.raises(d.NotFound):
        d.render_template(e, "tra_loi", item=d.ItemId(9999), values=VALUES)
    assert e.last_seq == seq


def test_render_template_refuses_wrong_types(world):
    e = world.engine
    _, item = assigned(world)
    with pytest.raises(TypeError):
        d.render_template(e, "tra_loi", item=item, values=[("signer", "x")])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="signer"):
        d.render_template(e, "tra_loi", item=item, values={**VALUES, "signer": 7})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        d.render_template(e, "tra_loi", item=item, values={1: "x"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        d.render_template(e, 5, item=item, values=VALUES)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        d.render_template(e, "tra_loi", item="1", values=VALUES)  # type: ignore[arg-type]
    with pytest.raises(d.InvalidArgument):
        d.templates_for(e.profile, "thu")


def test_r12_an_extension_notice_and_r08_a_conclusion_notice(world):
    e = world.engine
    conf, item = assigned(world)
    r = d.render_template(e, "gia_han", item=item, values={"signer": "Chủ tịch", "number": "45/TB", "date": "25/10/2022",
                                                          "new_deadline": "30/11/2022", "reason": "cần đo đạc lại"})
    assert r.values["deadline"] == "30/10/2022" and "30/11/2022" in r.text
    world.clock.set(d.local_instant(D(2022, 10, 25)))
    e.extend(world.office, item, D(2022, 11, 30), "45/TB", D(2022, 10, 25), reason=r.text)
    assert e.item(item).extensions[0].reason == r.text
    c = d.render_template(e, "thong_bao_ket_luan", conference=conf,
                          values={"signer": "Bí thư", "number": "88-TB/ĐU", "date": "10/10/2022",
                                  "conclusions": "Giao bộ phận Địa chính trả lời."})
    assert c.values["reply_deadline"] == "30/10/2022" and c.kind == "conclusion_notice"


def test_the_shipped_profiles_have_every_kind_with_its_legal_basis():
    for name in ("hanoi-2200", "national-default", "vn-2025"):
        p = d.builtin_profile(name)
        for kind in ("reply", "refusal", "transfer", "extension_notice", "escalation_proposal", "conclusion_notice"):
            ts = d.templates_for(p, kind)
            assert ts and all(t.citation and t.title for t in ts)
    land = d.templates_for(d.builtin_profile("hanoi-2200"), "reply", "land")
    assert [t.key for t in land] == ["tra_loi.land", "tra_loi"]
    t = d.find_template(d.builtin_profile("vn-2025"), "tu_choi")
    assert pickle.loads(pickle.dumps(t)) == t and t.kind == "refusal"
    assert "reason" in t.placeholders and "reason" in d.caller_placeholders("refusal")
    assert "item_text" in d.engine_placeholders("refusal")
    with pytest.raises(d.InvalidArgument, match=r"\{unit\}"):  # the first placeholder of the text
        d.fill_template(t, {})
    with pytest.raises(d.NotFound):
        d.find_template(d.builtin_profile("vn-2025"), "khong_co")


def test_an_unknown_placeholder_is_refused_when_the_profile_loads():
    doc = d.builtin_profile("hanoi-2200").to_dict()
    doc["templates"] = {"x": {"kind": "reply", "title": "Mẫu", "citation": "Luật Tiếp công dân 2013, điều 28",
                              "text": "Kính gửi {nguoi_nhan}"}}
    with pytest.raises(d.InvalidArgument, match=r"\$\.templates\.x\.text.*\{nguoi_nhan\}"):
        d.load_profile(doc)
