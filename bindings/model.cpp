// bindings/model.cpp: the domain's enums (Python enums whose members are their JSON names)
// and the read-only value types queries return (Unit, Person, Conference, Opinion, Item,
// Reply, ...), each with a useful repr and, where the library has a JSON form, to_dict().
#include "common.h"

namespace dtpy {
namespace {

template <class E>
std::vector<std::pair<E, std::string>> names_of(int lo, int hi) {
  std::vector<std::pair<E, std::string>> v;
  for (int i = lo; i <= hi; ++i) {
    const E e = static_cast<E>(i);
    const std::string_view n = doithoai::to_string(e);
    if (n != "unknown") v.push_back({e, std::string(n)});
  }
  return v;
}

template <class T, class C>
void def_to_dict(C& cls) {
  cls.def("to_dict", [](const T& v) {
    nlohmann::json j = v;
    return j;
  }, "The library's JSON form of this value, as a dict.");
}

}  // namespace

void init_model(py::module_& m) {
  using namespace doithoai;
  def_enum<Role>(m, "Role", names_of<Role>(1, 12), "Who may act (R19).");
  def_enum<UnitStatus>(m, "UnitStatus", names_of<UnitStatus>(1, 3), "An administrative unit's status (R01).");
  def_enum<ConferenceKind>(m, "ConferenceKind", names_of<ConferenceKind>(1, 3),
                           "Periodic (định kỳ), unscheduled (đột xuất) or thematic (chuyên đề) (R02).");
  def_enum<ConferenceFormat>(m, "ConferenceFormat", names_of<ConferenceFormat>(1, 3),
                             "In person, online or on lawful social networks (Local Government Law 2025 art. 43).");
  def_enum<ConferenceStatus>(m, "ConferenceStatus", names_of<ConferenceStatus>(1, 4), "Conference lifecycle (R03).");
  def_enum<Channel>(m, "Channel", names_of<Channel>(1, 9), "How an opinion reached the unit (R04).");
  def_enum<ItemStatus>(m, "ItemStatus", names_of<ItemStatus>(1, 8), "Where an item stands in its workflow.");
  def_enum<Standing>(m, "Standing", names_of<Standing>(1, 3),
                     "R15 accounting bucket as of a date: resolved, not_yet_due or overdue.");
  def_enum<Recipient>(m, "Recipient", names_of<Recipient>(1, 4), "Who must receive a written reply (R10).");
  def_enum<Outcome>(m, "Outcome", names_of<Outcome>(0, 7), "Intake outcome (R11, Citizen Reception Law art. 28).");
  def_enum<Supervisor>(m, "Supervisor", names_of<Supervisor>(1, 2), "Who supervises (R14).");
  def_enum<Satisfaction>(m, "Satisfaction", names_of<Satisfaction>(1, 3),
                         "The raiser's rating of a written reply (issue 14; R10, R14).");
  def_enum<DayType>(m, "DayType", {{DayType::calendar, "calendar"}, {DayType::working, "working"}},
                    "Whether a deadline counts calendar days or working days.");
  def_enum<EndRule>(m, "EndRule", {{EndRule::keep, "keep"}, {EndRule::next_working_day, "next_working_day"}},
                    "What happens when a deadline ends on a rest day.");
  def_enum<DayOffKind>(m, "DayOffKind",
                       {{DayOffKind::holiday, "holiday"}, {DayOffKind::compensatory, "compensatory"},
                        {DayOffKind::arranged, "arranged"}},
                       "Why a day is off in the Vietnamese calendar.");
  def_enum<ErrorCode>(m, "ErrorCode",
                      {{ErrorCode::not_found, "not_found"},
                       {ErrorCode::permission_denied, "permission_denied"},
                       {ErrorCode::invalid_transition, "invalid_transition"},
                       {ErrorCode::invalid_argument, "invalid_argument"},
                       {ErrorCode::conflict, "conflict"},
                       {ErrorCode::storage, "storage"},
                       {ErrorCode::corruption, "corruption"},
                       {ErrorCode::unsupported, "unsupported"}},
                      "Stable error codes (the .code of every doithoai.Error).");
  m.attr("SYSTEM") = py::int_(kSystemActor.value);
  m.attr("MAX_TEXT_BYTES") = py::int_(kMaxTextBytes);
  m.attr("MAX_NAME_BYTES") = py::int_(kMaxNameBytes);
  m.def("is_resolved", [](ItemStatus s) { return is_resolved(s); }, py::arg("status"),
        "True when the status counts as resolved for R15 accounting.");

  ValueClass<UnitName> un(m, "UnitName", "A name a unit has had since a date (R01).");
  un.def_readonly("from_date", &UnitName::from).def_readonly("name", &UnitName::name);
  def_repr(un, "UnitName", {"from_date", "name"});

  ValueClass<Unit> u(m, "Unit", "An administrative unit (R01).");
  u.def_readonly("id", &Unit::id).def_readonly("code", &Unit::code).def_readonly("name", &Unit::name)
      .def_readonly("level", &Unit::level).def_readonly("parent", &Unit::parent)
      .def_readonly("status", &Unit::status).def_readonly("successor", &Unit::successor)
      .def_readonly("created_on", &Unit::created_on).def_readonly("remote", &Unit::remote)
      .def_readonly("ended_on", &Unit::ended_on).def_readonly("names", &Unit::names);
  def_repr(u, "Unit", {"id", "name", "level", "parent", "status"});
  def_to_dict<Unit>(u);

  ValueClass<Agency> a(m, "Agency", "A specialized agency (cơ quan chuyên môn; sở, ban, ngành).");
  a.def_readonly("id", &Agency::id).def_readonly("unit", &Agency::unit).def_readonly("code", &Agency::code)
      .def_readonly("name", &Agency::name).def_readonly("department", &Agency::department);
  def_repr(a, "Agency", {"id", "unit", "name", "department"});
  def_to_dict<Agency>(a);

  ValueClass<Organization> o(m, "Organization", "A socio-political organization (tổ chức chính trị - xã hội).");
  o.def_readonly("id", &Organization::id).def_readonly("unit", &Organization::unit)
      .def_readonly("code", &Organization::code).def_readonly("name", &Organization::name)
      .def_readonly("kind", &Organization::kind);
  def_repr(o, "Organization", {"id", "unit", "name", "kind"});
  def_to_dict<Organization>(o);

  ValueClass<Person> p(m, "Person", "A registered person.");
  p.def_readonly("id", &Person::id).def_readonly("code", &Person::code).def_readonly("name", &Person::name)
      .def_readonly("phone", &Person::phone).def_readonly("citizen_id", &Person::citizen_id)
      .def_readonly("address", &Person::address).def_readonly("consent_public", &Person::consent_public);
  def_repr(p, "Person", {"id", "name", "code"});
  def_to_dict<Person>(p);

  ValueClass<RoleGrant> g(m, "RoleGrant", "A role a person holds in a unit (R19).");
  g.def_readonly("person", &RoleGrant::person).def_readonly("role", &RoleGrant::role)
      .def_readonly("unit", &RoleGrant::unit).def_readonly("agency", &RoleGrant::agency)
      .def_readonly("organization", &RoleGrant::organization);
  def_repr(g, "RoleGrant", {"person", "role", "unit", "agency", "organization"});
  def_to_dict<RoleGrant>(g);

  ValueClass<ConclusionNotice> cn(m, "ConclusionNotice", "The heads' conclusion notice (R08).");
  cn.def_readonly("number", &ConclusionNotice::number).def_readonly("issued_on", &ConclusionNotice::issued_on)
      .def_readonly("due", &ConclusionNotice::due).def_readonly("text", &ConclusionNotice::text)
      .def_readonly("on_time", &ConclusionNotice::on_time);
  def_repr(cn, "ConclusionNotice", {"number", "issued_on", "due", "on_time"});

  ValueClass<Conference> c(m, "Conference", "A dialogue conference (hội nghị đối thoại) (R02, R03).");
  c.def_readonly("id", &Conference::id).def_readonly("unit", &Conference::unit)
      .def_readonly("code", &Conference::code).def_readonly("kind", &Conference::kind)
      .def_readonly("audience", &Conference::audience).def_readonly("department", &Conference::department)
      .def_readonly("topic", &Conference::topic).def_readonly("plan_ref", &Conference::plan_ref)
      .def_readonly("planned_on", &Conference::planned_on).def_readonly("noticed_on", &Conference::noticed_on)
      .def_readonly("status", &Conference::status).def_readonly("held_on", &Conference::held_on)
      .def_readonly("chairs", &Conference::chairs).def_readonly("attendance", &Conference::attendance)
      .def_readonly("report", &Conference::report).def_readonly("reply_due", &Conference::reply_due)
      .def_readonly("notice", &Conference::notice).def_readonly("closed_on", &Conference::closed_on)
      .def_readonly("format", &Conference::format).def_readonly("cluster", &Conference::cluster)
      .def_readonly("co_chairs", &Conference::co_chairs);
  def_repr(c, "Conference", {"id", "unit", "kind", "status", "planned_on", "held_on", "reply_due"});
  def_to_dict<Conference>(c);

  // Evidence attachments (issue 14): metadata; the bytes are in an AttachmentStore.
  ValueClass<Attachment> at(m, "Attachment",
                            "An evidence attachment's metadata (issue 14): file name (a label, never a path), media "
                            "type, size in bytes, SHA-256 (64 lowercase hex digits) and whether it may be public (R13).");
  at.def(py::init([](py::handle name, py::handle media_type, py::handle size, py::handle sha256, py::handle publishable) {
           return Attachment{arg_cast<std::string>(name, "name"), arg_cast<std::string>(media_type, "media_type"),
                             arg_cast<std::uint64_t>(size, "size"), arg_cast<std::string>(sha256, "sha256"),
                             arg_cast<bool>(publishable, "publishable")};
         }),
         py::arg("name"), py::arg("media_type"), py::arg("size"), py::arg("sha256"), py::kw_only(),
         py::arg("publishable") = false)
      .def_readwrite("name", &Attachment::name).def_readwrite("media_type", &Attachment::media_type)
      .def_readwrite("size", &Attachment::size).def_readwrite("sha256", &Attachment::sha256)
      .def_readwrite("publishable", &Attachment::publishable);

  ValueClass<Opinion> op(m, "Opinion", "What one person or organization raised (ý kiến, kiến nghị) (R04).");
  op.def_readonly("id", &Opinion::id).def_readonly("unit", &Opinion::unit)
      .def_readonly("conference", &Opinion::conference).def_readonly("channel", &Opinion::channel)
      .def_readonly("raised_by", &Opinion::raised_by).def_readonly("raised_by_org", &Opinion::raised_by_org)
      .def_readonly("from_unit", &Opinion::from_unit).def_readonly("raised_on", &Opinion::raised_on)
      .def_readonly("topic", &Opinion::topic).def_readonly("items", &Opinion::items)
      .def_readonly("attachments", &Opinion::attachments)
      .def_readonly("name_withheld", &Opinion::name_withheld).def_readonly("anonymous", &Opinion::anonymous)
      .def_readonly("tracking_code", &Opinion::tracking_code);
  def_repr(op, "Opinion", {"id", "unit", "channel", "raised_on", "topic", "items"});
  def_to_dict<Opinion>(op);

  ValueClass<SpotAnswer> sa(m, "SpotAnswer", "An answer given at the conference (R06).");
  sa.def_readonly("answered_by", &SpotAnswer::answered_by).def_readonly("gist", &SpotAnswer::gist)
      .def_readonly("on", &SpotAnswer::on);
  def_repr(sa, "SpotAnswer", {"answered_by", "gist", "on"});

  ValueClass<Delivery> dv(m, "Delivery", "A recorded delivery of a reply (R10).");
  dv.def_readonly("recipient", &Delivery::recipient).def_readonly("on", &Delivery::on);
  def_repr(dv, "Delivery", {"recipient", "on"});

  ValueClass<Reply> rp(m, "Reply", "A written reply (văn bản trả lời) (R10).");
  rp.def_readonly("number", &Reply::number).def_readonly("date", &Reply::date)
      .def_readonly("signer", &Reply::signer).def_readonly("agency", &Reply::agency)
      .def_readonly("text", &Reply::text).def_readonly("deliveries", &Reply::deliveries)
      .def_readonly("completed_on", &Reply::completed_on).def_readonly("draft", &Reply::draft)
      .def_readonly("approved_on", &Reply::approved_on).def_readonly("approved_by", &Reply::approved_by)
      .def_readonly("attachments", &Reply::attachments);
  def_repr(rp, "Reply", {"number", "date", "agency", "deliveries", "completed_on"});

  ValueClass<Extension> ex(m, "Extension", "A deadline extension with its notice to the raiser (R12).");
  ex.def_readonly("previous", &Extension::previous).def_readonly("deadline", &Extension::deadline)
      .def_readonly("notice_number", &Extension::notice_number).def_readonly("notice_date", &Extension::notice_date)
      .def_readonly("agency", &Extension::agency).def_readonly("reason", &Extension::reason);
  def_repr(ex, "Extension", {"previous", "deadline", "notice_number", "notice_date", "agency"});

  ValueClass<Finding> fd(m, "Finding", "A supervision finding (R14).");
  fd.def_readonly("by", &Finding::by).def_readonly("on", &Finding::on).def_readonly("text", &Finding::text)
      .def_readonly("satisfactory", &Finding::satisfactory).def_readonly("attachments", &Finding::attachments);
  def_repr(fd, "Finding", {"by", "on", "satisfactory", "text"});

  ValueClass<Item> it(m, "Item", "One matter inside an opinion: the unit of tracking (R05).");
  it.def_readonly("id", &Item::id).def_readonly("opinion", &Item::opinion).def_readonly("unit", &Item::unit)
      .def_readonly("raised_in", &Item::raised_in).def_readonly("conference", &Item::conference)
      .def_readonly("topic", &Item::topic).def_readonly("text", &Item::text).def_readonly("status", &Item::status)
      .def_readonly("raised_on", &Item::raised_on).def_readonly("agency", &Item::agency)
      .def_readonly("deadline", &Item::deadline).def_readonly("original_deadline", &Item::original_deadline)
      .def_readonly("resolved_on", &Item::resolved_on).def_readonly("outcome", &Item::outcome)
      .def_readonly("outcome_reason", &Item::outcome_reason).def_readonly("outcome_due", &Item::outcome_due)
      .def_readonly("answer", &Item::answer).def_readonly("reply", &Item::reply)
      .def_readonly("extensions", &Item::extensions).def_readonly("findings", &Item::findings)
      .def_readonly("reopened", &Item::reopened).def_readonly("returned", &Item::returned)
      .def_readonly("merged_into", &Item::merged_into)
      .def_readonly("duplicates", &Item::duplicates).def_readonly("escalated_to", &Item::escalated_to)
      .def_readonly("escalated_from", &Item::escalated_from)
      .def_readonly("raiser_notified_on", &Item::raiser_notified_on).def_readonly("closed_on", &Item::closed_on);
  def_repr(it, "Item", {"id", "unit", "topic", "status", "agency", "deadline"});
  def_to_dict<Item>(it);

  ValueClass<Accounting> ac(m, "Accounting",
                            "R15 status accounting of a unit subtree as of a date: resolved + outstanding == "
                            "items, not_yet_due + overdue == outstanding.");
  ac.def_readonly("unit", &Accounting::unit).def_readonly("as_of", &Accounting::as_of)
      .def_readonly("opinions", &Accounting::opinions).def_readonly("items", &Accounting::items)
      .def_readonly("resolved", &Accounting::resolved).def_readonly("outstanding", &Accounting::outstanding)
      .def_readonly("not_yet_due", &Accounting::not_yet_due).def_readonly("overdue", &Accounting::overdue)
      .def_readonly("answered_on_spot", &Accounting::answered_on_spot).def_readonly("replied", &Accounting::replied)
      .def_readonly("replied_on_time", &Accounting::replied_on_time)
      .def_readonly("replied_late", &Accounting::replied_late).def_readonly("handed_on", &Accounting::handed_on)
      .def_readonly("escalated", &Accounting::escalated).def_readonly("closed", &Accounting::closed)
      .def_readonly("extended_items", &Accounting::extended_items).def_readonly("extensions", &Accounting::extensions)
      .def_readonly("reopened_items", &Accounting::reopened_items).def_readonly("merged", &Accounting::merged)
      .def_readonly("received_by_escalation", &Accounting::received_by_escalation)
      .def("to_dict", [](py::handle self) {
        py::dict d;
        for (const char* f : {"unit", "as_of", "opinions", "items", "resolved", "outstanding", "not_yet_due",
                              "overdue", "answered_on_spot", "replied", "replied_on_time", "replied_late",
                              "handed_on", "escalated", "closed", "extended_items", "extensions",
                              "reopened_items", "merged", "received_by_escalation"})
          d[f] = self.attr(f);
        return d;
      }, "Every count as a dict (as_of stays a datetime.date).");
  def_repr(ac, "Accounting", {"unit", "as_of", "items", "resolved", "outstanding", "not_yet_due", "overdue"});

  ValueClass<Reconciliation> rc(m, "Reconciliation", "R07: items raised at a conference against those collected ahead.");
  rc.def_readonly("conference", &Reconciliation::conference)
      .def_readonly("collected_in_advance", &Reconciliation::collected_in_advance)
      .def_readonly("raised_at_conference", &Reconciliation::raised_at_conference)
      .def_readonly("answered", &Reconciliation::answered).def_readonly("unanswered", &Reconciliation::unanswered)
      .def_readonly("duplicates", &Reconciliation::duplicates);
  def_repr(rc, "Reconciliation", {"conference", "collected_in_advance", "raised_at_conference", "answered",
                                  "unanswered", "duplicates"});

  ValueClass<SimilarItem> si(m, "SimilarItem",
                             "R07 at intake (Engine.similar_items): an open item like a new text and how alike, in "
                             "(0, 1] (1: exactly the text's words, case and diacritics aside).");
  si.def_readonly("item", &SimilarItem::item).def_readonly("score", &SimilarItem::score);
  def_repr(si, "SimilarItem", {"item", "score"});
}

}  // namespace dtpy
