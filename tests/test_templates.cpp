// Reply templates (templates.h): rendered from the state, recorded by the existing commands
// (R08 conclusion notices, R10 written replies, R11 refusals, transfers and escalations, R12
// extension notices); refusals change nothing; the profile's templates are checked at load.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "fixture.h"

using namespace doithoai;
using nlohmann::json;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

RenderRequest for_item(std::string key, ItemId item, TemplateValues values) {
  RenderRequest r;
  r.key = std::move(key);
  r.item = item;
  r.values = std::move(values);
  return r;
}

TemplateValues reply_values() {
  return {{"signer", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn Luyện"},
          {"number", "125/UBND-ĐC"},
          {"date", "20/10/2022"},
          {"answer", "Dự án đã hoàn thành giải phóng mặt bằng 90%; phần còn lại xong trong quý IV/2022."}};
}

// The message of the Error expr throws (which must be `code`).
template <class F>
std::string error_of(ErrorCode code, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("no error thrown");
  return {};
}

json minimal_profile_with(const json& templates) {
  json j = profile_to_json(builtin_profile("hanoi-2200"));
  j["templates"] = templates;
  return j;
}

json one_template(const std::string& text, const std::string& kind = "reply") {
  return {{"t", {{"kind", kind}, {"title", "Mẫu"}, {"citation", "Luật Tiếp công dân 2013, điều 28"}, {"text", text}}}};
}

}  // namespace

TEST_CASE("R10 a reply rendered from a template stores the rendered text") {
  fx::World w;
  const ItemId i = w.assigned_item();
  const RenderedTemplate r = render_template(*w.engine, for_item("tra_loi", i, reply_values()));
  CHECK(r.kind == TemplateKind::reply);
  CHECK(r.key == "tra_loi");
  CHECK(!r.citation.empty());
  // Filled from the state: the item, its topic, unit, agency; the legal basis of the template.
  CHECK(has(r.text, "Đề nghị làm rõ tiến độ GPMB"));
  CHECK(has(r.text, "Bộ phận Địa chính - Xây dựng"));
  CHECK(has(r.text, "Phường Bồ Đề"));
  CHECK(has(r.text, "30/09/2022"));  // raised at the conference of 30/9/2022
  CHECK(has(r.text, r.citation));
  CHECK(has(r.text, "Nguyễn Văn Luyện"));  // the caller's signer
  CHECK(r.values.at("agency") == "Bộ phận Địa chính - Xây dựng");
  CHECK(!has(r.text, "{"));
  // The same on a State with its profile (the engine's overload reads under its lock).
  CHECK(w.engine->read([&](const State& s) {
    return render_template(s, w.engine->profile(), for_item("tra_loi", i, reply_values())).text;
  }) == r.text);

  w.set_day(2022, 10, 20);
  const auto before = w.engine->last_seq();
  w.run(w.land_officer, cmd::WriteReply{i, "125/UBND-ĐC", Date(2022, 10, 20), w.land_officer, r.text});
  CHECK(w.engine->item(i).reply->text == r.text);
  // The event holds the text itself: replay reads it, never renders again.
  const auto h = w.engine->events(before + 1, 10);
  REQUIRE(h.size() == 1);
  const auto* e = std::get_if<ev::ReplyWritten>(&h[0].event);
  REQUIRE(e);
  CHECK(e->text == r.text);
  CHECK(w.engine->state_as_of(w.clock->now()).item(i).reply->text == r.text);
}

TEST_CASE("R10 a topic's own template comes before the template for any topic") {
  const Profile p = builtin_profile("hanoi-2200");
  const auto land = templates_for(p, TemplateKind::reply, "land");
  REQUIRE(land.size() == 2);
  CHECK(land[0].key == "tra_loi.land");
  CHECK(land[1].key == "tra_loi");
  const auto traffic = templates_for(p, TemplateKind::reply, "traffic");
  REQUIRE(traffic.size() == 1);
  CHECK(traffic[0].key == "tra_loi");
}

TEST_CASE("R13 a template names the raiser only as the public view allows") {
  fx::World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const PersonId consenting(w.run(kSystemActor, cmd::RegisterPerson{"Phạm Văn Đồng", "", "", "", "", true}).id);
  w.run(kSystemActor, cmd::GrantRole{consenting, Role::resident, w.ward});
  const ItemId anonymous = w.raise(c, w.resident);
  const ItemId named = w.raise(c, consenting);
  const ItemId by_org = w.run(w.org_rep, cmd::SubmitOpinion{w.ward, c, Channel::at_conference, PersonId(), w.women, Date(), "",
                                                             {{"traffic", "Đèn tín hiệu ngã tư"}}}).items.at(0);
  const TemplateValues v = {{"signer", "Chủ tịch"}, {"number", "1/TB"}, {"date", "01/10/2022"}, {"reason", "Đã có bản án"}};
  const auto of = [&](ItemId i) { return render_template(*w.engine, for_item("tu_choi", i, v)).values.at("raiser"); };
  CHECK(of(anonymous) == "Người dân (ẩn danh)");
  CHECK(of(named) == "Phạm Văn Đồng");
  CHECK(of(by_org) == "Hội Liên hiệp Phụ nữ phường");
  CHECK(!has(render_template(*w.engine, for_item("tu_choi", anonymous, v)).text, "Trần Văn Bình"));
}

TEST_CASE("R11 a refusal and a transfer rendered from templates are recorded as given") {
  fx::World w;
  const ItemId refused = w.letter(w.resident);
  const ItemId moved = w.letter(w.resident2, "traffic", "Xe tải chạy trên đê");
  const auto refusal = render_template(*w.engine, for_item("tu_choi", refused, {{"signer", "Chủ tịch UBND phường"},
      {"number", "7/TB-UBND"}, {"date", "21/09/2022"}, {"reason", "Nội dung đã được giải quyết bằng bản án có hiệu lực."}}));
  CHECK(has(refusal.text, "Lấn chiếm vỉa hè ngõ 30"));
  CHECK(has(refusal.text, "Luật Tiếp công dân 2013, điều 28"));
  w.run(w.office, cmd::DecideIntake{refused, Outcome::refused, refusal.text, "", false, Date(), w.engine->today()});
  CHECK(w.engine->item(refused).outcome_reason == refusal.text);

  const auto transfer = render_template(*w.engine, for_item("chuyen", moved, {{"signer", "Chủ tịch UBND phường"},
      {"number", "8/TB-UBND"}, {"date", "21/09/2022"}, {"target", "Công an quận Long Biên"}}));
  CHECK(has(transfer.text, "Công an quận Long Biên"));
  w.run(w.office, cmd::DecideIntake{moved, Outcome::transferred, transfer.text, "Công an quận Long Biên", false, Date(),
                                    w.engine->today()});
  // The recorded reason of a transfer is the text, then the target it names.
  CHECK(w.engine->item(moved).outcome_reason.rfind(transfer.text, 0) == 0);
}

TEST_CASE("R11 an escalation proposal rendered from a template becomes the higher unit's item") {
  fx::World w;
  const ItemId i = w.assigned_item();
  const auto r = render_template(*w.engine, for_item("de_xuat_cap_tren", i, {{"signer", "Chủ tịch UBND phường"},
      {"number", "30/UBND"}, {"date", "05/10/2022"}, {"to_unit", "UBND quận Long Biên"}}));
  CHECK(has(r.text, "Kính gửi: UBND quận Long Biên"));
  const ItemId up = w.run(w.office, cmd::Escalate{i, w.district, AgencyId(), r.text, Date(), w.engine->today()}).items.at(0);
  CHECK(w.engine->item(up).text == r.text);
}

TEST_CASE("R12 an extension notice names the deadline, the new one and the responsible agency") {
  fx::World w;
  const ItemId i = w.assigned_item();
  const auto r = render_template(*w.engine, for_item("gia_han", i, {{"signer", "Chủ tịch UBND phường"},
      {"number", "45/TB-UBND"}, {"date", "25/10/2022"}, {"new_deadline", "30/11/2022"},
      {"reason", "cần đo đạc lại hiện trạng"}}));
  CHECK(has(r.text, "30/10/2022"));  // the deadline in force (Bồ Đề)
  CHECK(has(r.text, "30/11/2022"));
  CHECK(has(r.text, "Bộ phận Địa chính - Xây dựng"));
  CHECK(r.values.at("deadline") == "30/10/2022");
  CHECK(r.values.count("original_deadline") == 0);  // only the values the template uses
  w.set_day(2022, 10, 25);
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "45/TB-UBND", Date(2022, 10, 25), AgencyId(), r.text});
  const Item it = w.engine->item(i);
  REQUIRE(it.extensions.size() == 1);
  CHECK(it.extensions[0].reason == r.text);
  // Rendered again after the extension, the notice shows the new deadline in force.
  const auto again = render_template(*w.engine, for_item("gia_han", i, {{"signer", "x"}, {"number", "46"},
      {"date", "26/10/2022"}, {"new_deadline", "15/12/2022"}, {"reason", "y"}}));
  CHECK(again.values.at("deadline") == "30/11/2022");
  CHECK(w.engine->item(i).original_deadline == Date(2022, 10, 30));
}

TEST_CASE("R08 a conclusion notice rendered for a conference is what the notice stores") {
  fx::World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  RenderRequest rq;
  rq.key = "thong_bao_ket_luan";
  rq.conference = c;
  rq.values = {{"signer", "T/M ĐẢNG ỦY\nBÍ THƯ\nNguyễn Thị Thanh Hằng"}, {"number", "88-TB/ĐU"}, {"date", "10/10/2022"},
               {"conclusions", "1. Giao bộ phận Địa chính trả lời 14 ý kiến."}};
  const auto r = render_template(*w.engine, rq);
  CHECK(r.values.at("conference_date") == "30/09/2022");
  CHECK(r.values.at("reply_deadline") == "30/10/2022");
  CHECK(has(r.text, "30/10/2022"));
  w.set_day(2022, 10, 10);
  w.run(w.office, cmd::IssueConclusionNotice{c, "88-TB/ĐU", Date(), r.text});
  CHECK(w.engine->conference(c).notice->text == r.text);
  // A conclusion notice is about a conference, not an item.
  rq.item = ItemId(1);
  REQUIRE_ERROR(invalid_argument, render_template(*w.engine, rq));
}

TEST_CASE("R10 rendering refuses a missing, foreign or malformed value and changes nothing") {
  fx::World w;
  const ItemId i = w.assigned_item();
  const auto seq = w.engine->last_seq();
  TemplateValues v = reply_values();

  v.erase("signer");
  const std::string missing = error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); });
  CHECK(has(missing, "{signer}"));
  CHECK(has(missing, "tra_loi"));

  v = reply_values();
  v["signer"] = "";
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); }), "{signer}"));
  v["signer"] = "   ";
  REQUIRE_ERROR(invalid_argument, render_template(*w.engine, for_item("tra_loi", i, v)));

  v = reply_values();
  v["agency"] = "Cơ quan khác";  // the engine fills it from the state
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); }),
            "filled by the engine"));
  v = reply_values();
  v["chu_ky"] = "x";  // not a placeholder of a reply
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); }), "{chu_ky}"));

  v = reply_values();
  v["answer"] = std::string("tr\xC3\x28 l\xE1i");  // invalid UTF-8
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); }), "UTF-8"));
  v["answer"] = std::string("a\x01 b");
  REQUIRE_ERROR(invalid_argument, render_template(*w.engine, for_item("tra_loi", i, v)));

  // Each value fits, the whole does not: a reply's text is at most kMaxTextBytes.
  v = reply_values();
  v["answer"] = std::string(kMaxTextBytes - 100, 'a');
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, v)); }),
            "longer than"));

  REQUIRE_ERROR(not_found, render_template(*w.engine, for_item("khong_co", i, reply_values())));
  REQUIRE_ERROR(not_found, render_template(*w.engine, for_item("tra_loi", ItemId(9999), reply_values())));
  REQUIRE_ERROR(invalid_argument, render_template(*w.engine, for_item("tra_loi", ItemId(), reply_values())));
  CHECK(w.engine->last_seq() == seq);
}

TEST_CASE("R10 a placeholder the state cannot fill is named with why") {
  fx::World w;
  const ItemId i = w.letter(w.resident);  // not assigned: no agency
  const std::string m = error_of(ErrorCode::invalid_argument, [&] { render_template(*w.engine, for_item("tra_loi", i, reply_values())); });
  CHECK(has(m, "{agency}"));
  CHECK(has(m, "not assigned"));
}

TEST_CASE("profile templates: an unknown placeholder, a stray brace or a bad field is refused at load") {
  const auto load_error = [](const json& templates) {
    return error_of(ErrorCode::invalid_argument, [&] { load_profile(minimal_profile_with(templates)); });
  };
  std::string m = load_error(one_template("Kính gửi {nguoi_nhan}"));
  CHECK(has(m, "$.templates.t.text"));
  CHECK(has(m, "{nguoi_nhan}"));
  CHECK(has(load_error(one_template("Kính gửi {raiser")), "unbalanced"));
  CHECK(has(load_error(one_template("Kính gửi raiser}")), "unbalanced"));
  CHECK(has(load_error(one_template("{Raiser}")), "not a placeholder"));
  // An item's placeholder is unknown to a conference's template.
  CHECK(has(load_error(one_template("{item_text}", "conclusion_notice")), "{item_text}"));
  CHECK(has(load_error(one_template("{raiser}", "thong_bao")), "$.templates.t.kind"));
  json t = one_template("{raiser}");
  t["t"]["topic"] = "khong_co";
  CHECK(has(load_error(t), "$.templates.t.topic"));
  t = one_template("{raiser}");
  t["t"].erase("citation");
  CHECK(has(load_error(t), "$.templates.t.citation"));
  t = one_template("{raiser}");
  t["t"]["extra"] = 1;
  CHECK(has(load_error(t), "$.templates.t.extra"));
  t = {{"Sai Khoa", one_template("{raiser}")["t"]}};
  CHECK(has(load_error(t), "$.templates.Sai Khoa"));
  CHECK(has(load_error(json::array()), "$.templates"));
  t = one_template("{raiser}");
  t["t"]["text"] = std::string("\xFF");
  CHECK(has(load_error(t), "UTF-8"));
  // The same section is checked again against another profile's topics (parsed sections are
  // cached by content and topics).
  t = one_template("{raiser}");
  t["t"]["topic"] = "land";
  CHECK_NOTHROW(load_profile(minimal_profile_with(t)));
  json other = minimal_profile_with(t);
  other["topics"] = json::array({{{"code", "traffic"}, {"label", "Giao thông"}}});
  other.erase("templates");
  other["templates"] = t;
  CHECK(has(error_of(ErrorCode::invalid_argument, [&] { load_profile(other); }), "$.templates.t.topic"));
  // Doubled braces are literal braces.
  const Profile p = load_profile(minimal_profile_with(one_template("{{raiser}} là {raiser}")));
  const ReplyTemplate r = find_template(p, "t");
  CHECK(r.placeholders == std::vector<std::string>{"raiser"});
  CHECK(fill_template(r, {{"raiser", "Bà Lan"}}) == "{raiser} là Bà Lan");
  REQUIRE_ERROR(invalid_argument, fill_template(r, {}));
}

TEST_CASE("the built-in profiles ship every kind of template with its legal basis") {
  for (const char* name : {"hanoi-2200", "national-default", "vn-2025"}) {
    INFO(name);
    const Profile p = builtin_profile(name);
    for (TemplateKind k : {TemplateKind::reply, TemplateKind::refusal, TemplateKind::transfer, TemplateKind::extension_notice,
                           TemplateKind::escalation_proposal, TemplateKind::conclusion_notice}) {
      INFO(to_string(k));
      const auto v = templates_for(p, k, "");
      REQUIRE(!v.empty());
      for (const auto& t : v) {
        CHECK(!t.citation.empty());
        CHECK(!t.title.empty());
      }
    }
    // The templates survive profile_to_json and load_profile.
    CHECK(profile_templates(load_profile(profile_to_json(p))).size() == profile_templates(p).size());
  }
  CHECK(has(find_template(builtin_profile("vn-2025"), "gia_han.to_cao").citation, "Luật Tố cáo 2018, điều 30"));
  CHECK(has(find_template(builtin_profile("hanoi-2200"), "tra_loi").citation, "2200-QĐ/TU"));
}

TEST_CASE("profile templates: a profile file loads the templates kept beside it") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("doithoai_tmpl_" + std::to_string(::getpid()));
  fs::create_directories(dir / "templates");
  json doc = profile_to_json(builtin_profile("vn-2025"));
  const json templates = doc.at("templates");
  doc.erase("templates");
  std::ofstream(dir / "tinh-x.json") << doc.dump();
  CHECK(profile_templates(load_profile_file((dir / "tinh-x.json").string())).empty());
  std::ofstream(dir / "templates" / "tinh-x.json") << templates.dump();
  CHECK(profile_templates(load_profile_file((dir / "tinh-x.json").string())).size() == templates.size());
  std::ofstream(dir / "templates" / "tinh-x.json") << one_template("{khong_biet}").dump();
  REQUIRE_ERROR(invalid_argument, load_profile_file((dir / "tinh-x.json").string()));
  fs::remove_all(dir);
}
