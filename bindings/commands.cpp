// bindings/commands.cpp: the 30 commands of doithoai::cmd as Python classes.
//
// Every command class takes its required fields positionally (in the C++ declaration order)
// or by keyword and its optional fields by keyword only, refuses unknown keywords, and has
// to_dict() (its JSON form), a repr, == by value (unhashable: fields are settable) and
// pickling (its JSON form). The same field lists drive the Engine methods
// (engine.assign(actor, item, agency, *, deadline=None, idempotency_key=None)), so a command
// object passed to engine.execute and the keyword method reach the one C++ path
// Engine::execute.
#include "commands.h"

#include <memory>

namespace dtpy {
namespace {
using namespace doithoai;

std::vector<CommandEntry>& registry() {
  static std::vector<CommandEntry> r;
  return r;
}

// Issue 14: a place is a Place, a (lat, long[, address]) tuple or a {"lat", "long",
// "address"?} dict; None for no place. Numbers must be int or float (a str is a TypeError;
// arg_number, common.h); their range is the engine's check (invalid_argument).
std::optional<Place> place_from(py::handle h) {
  if (h.is_none()) return std::nullopt;
  if (py::isinstance<Place>(h)) return h.cast<Place>();
  if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
    auto t = py::reinterpret_borrow<py::sequence>(h);
    if (t.size() != 2 && t.size() != 3) invalid("place: a place is (lat, long) or (lat, long, address)");
    return Place{arg_number(t[0], "place: lat"), arg_number(t[1], "place: long"),
                 t.size() == 3 ? arg_cast<std::string>(t[2], "place: address") : std::string()};
  }
  if (py::isinstance<py::dict>(h)) {
    auto d = py::reinterpret_borrow<py::dict>(h);
    for (auto kv : d) {
      const std::string k = arg_cast<std::string>(kv.first, "place: a field name");
      if (k != "lat" && k != "long" && k != "address") invalid("unknown place field '" + k + "' (lat, long, address)");
    }
    if (!d.contains("lat") || !d.contains("long")) invalid("place: lat and long are required");
    return Place{arg_number(d["lat"], "place: lat"), arg_number(d["long"], "place: long"),
                 d.contains("address") ? arg_cast<std::string>(d["address"], "place: address") : std::string()};
  }
  throw py::type_error(std::string("place: a Place, a (lat, long[, address]) tuple, a dict or None, got ") +
                       Py_TYPE(h.ptr())->tp_name);
}

// Items of an opinion: ItemSpec objects, (topic, text[, place]) tuples or {"topic", "text",
// "place"?} dicts (issue 14: an item's own place, overriding the opinion's).
ItemSpec item_spec_from(py::handle h) {
  if (py::isinstance<ItemSpec>(h)) return h.cast<ItemSpec>();
  if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
    auto t = py::reinterpret_borrow<py::sequence>(h);
    if (t.size() != 2 && t.size() != 3) invalid("an item is (topic, text) or (topic, text, place)");
    return ItemSpec{arg_cast<std::string>(t[0], "items: topic"), arg_cast<std::string>(t[1], "items: text"),
                    t.size() == 3 ? place_from(t[2]) : std::nullopt};
  }
  if (py::isinstance<py::dict>(h)) {
    auto d = py::reinterpret_borrow<py::dict>(h);
    for (auto kv : d) {
      const std::string k = arg_cast<std::string>(kv.first, "items: a field name");
      if (k != "topic" && k != "text" && k != "place") invalid("unknown item field '" + k + "' (topic, text, place)");
    }
    return ItemSpec{d.contains("topic") ? arg_cast<std::string>(d["topic"], "items: topic") : std::string(),
                    d.contains("text") ? arg_cast<std::string>(d["text"], "items: text") : std::string(),
                    d.contains("place") ? place_from(d["place"]) : std::nullopt};
  }
  throw py::type_error(std::string("items: an item is an ItemSpec, a (topic, text[, place]) tuple or a {'topic', "
                                   "'text', 'place'} dict, got ") + Py_TYPE(h.ptr())->tp_name);
}

// Evidence attachments (issue 14): Attachment objects or dicts of its fields.
Attachment attachment_from(py::handle h) {
  if (py::isinstance<Attachment>(h)) return h.cast<Attachment>();
  if (py::isinstance<py::dict>(h)) {
    auto d = py::reinterpret_borrow<py::dict>(h);
    Attachment a;
    for (auto kv : d) {
      const std::string k = arg_cast<std::string>(kv.first, "attachments: a field name");
      if (k == "name") a.name = arg_cast<std::string>(kv.second, "attachments: name");
      else if (k == "media_type") a.media_type = arg_cast<std::string>(kv.second, "attachments: media_type");
      else if (k == "size") a.size = arg_cast<std::uint64_t>(kv.second, "attachments: size");
      else if (k == "sha256") a.sha256 = arg_cast<std::string>(kv.second, "attachments: sha256");
      else if (k == "publishable") a.publishable = arg_cast<bool>(kv.second, "attachments: publishable");
      else invalid("unknown attachment field '" + k + "' (name, media_type, size, sha256, publishable)");
    }
    return a;
  }
  throw py::type_error(std::string("attachments: an attachment is an Attachment or a dict of its fields, got ") +
                       Py_TYPE(h.ptr())->tp_name);
}

template <class F>
F convert(py::handle h, const char* field) {
  if constexpr (std::is_same_v<F, std::optional<Place>>) {
    return place_from(h);
  } else if constexpr (std::is_same_v<F, Place>) {  // a required place (PlaceItem)
    if (h.is_none()) throw py::type_error(std::string(field) + ": a place is required, got None");
    return *place_from(h);
  } else if constexpr (std::is_same_v<F, std::vector<Attachment>>) {
    std::vector<Attachment> v;
    if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) || py::isinstance<py::dict>(h) ||
        !py::isinstance<py::iterable>(h))
      throw py::type_error(std::string(field) + ": expected a list of attachments, got " + Py_TYPE(h.ptr())->tp_name);
    for (auto x : py::reinterpret_borrow<py::iterable>(h)) v.push_back(attachment_from(x));
    return v;
  } else if constexpr (std::is_same_v<F, std::vector<ItemSpec>>) {
    std::vector<ItemSpec> v;
    if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) || !py::isinstance<py::iterable>(h))
      throw py::type_error(std::string(field) + ": expected a list of items, got " + Py_TYPE(h.ptr())->tp_name);
    for (auto x : py::reinterpret_borrow<py::iterable>(h)) v.push_back(item_spec_from(x));
    return v;
  } else if constexpr (std::is_same_v<F, std::optional<bool>>) {  // None or exactly True/False
    if (h.is_none()) return std::nullopt;
    return arg_cast<bool>(h, field);
  } else {
    return arg_cast<F>(h, field);
  }
}

template <class T>
class Binder {
 public:
  Binder(py::module_& m, const char* class_name, const char* method, const char* doc)
      : cls_(m, class_name, doc) {
    entry_.class_name = class_name;
    entry_.method = method;
  }
  template <class F>
  Binder& field(const char* name, F T::*pm, bool required = false) {
    cls_.def_property(
        name, [pm](const T& t) { return t.*pm; }, [pm, name](T& t, py::handle v) { t.*pm = convert<F>(v, name); });
    entry_.fields.push_back(name);
    entry_.required.push_back(required);
    setters_->push_back([pm, name](T& t, py::handle v) { t.*pm = convert<F>(v, name); });
    return *this;
  }
  void done() {
    auto setters = setters_;
    auto e = std::make_shared<CommandEntry>(entry_);
    // Required fields may be given positionally (in declaration order) or by keyword;
    // optional fields only by keyword.
    auto positional = std::make_shared<std::vector<std::size_t>>();
    std::string required_names, optional_names;
    for (std::size_t i = 0; i < entry_.fields.size(); ++i) {
      std::string& names = entry_.required[i] ? required_names : optional_names;
      names += (names.empty() ? "" : ", ") + entry_.fields[i];
      if (entry_.required[i]) positional->push_back(i);
    }
    const std::string too_many = " positional arguments (" + required_names + ")" +
                                 (optional_names.empty() ? std::string()
                                                         : "; the optional fields are keyword-only (" + optional_names + ")");
    auto build = [setters, e, positional, too_many](py::args args, py::kwargs kw) {
      T t{};
      const std::size_t n = e->fields.size();
      if (args.size() > positional->size())
        throw py::type_error(e->class_name + " takes at most " + std::to_string(positional->size()) + too_many);
      std::vector<bool> seen(n, false);
      for (std::size_t i = 0; i < args.size(); ++i) {
        (*setters)[(*positional)[i]](t, args[i]);
        seen[(*positional)[i]] = true;
      }
      for (auto kv : kw) {
        const std::string k = kv.first.cast<std::string>();
        std::size_t i = 0;
        while (i < n && e->fields[i] != k) ++i;
        if (i == n) {
          std::string allowed;
          for (const auto& f : e->fields) allowed += (allowed.empty() ? "" : ", ") + f;
          throw py::type_error(e->class_name + " got an unexpected keyword argument '" + k + "' (fields: " +
                               allowed + ")");
        }
        if (seen[i]) throw py::type_error(e->class_name + " got multiple values for '" + k + "'");
        (*setters)[i](t, kv.second);
        seen[i] = true;
      }
      for (std::size_t i = 0; i < n; ++i)
        if (e->required[i] && !seen[i])
          throw py::type_error(e->class_name + " missing required argument '" + e->fields[i] + "'");
      return t;
    };
    cls_.def(py::init(build));
    cls_.attr("type") = entry_.method;
    py::list fields;
    for (const auto& f : entry_.fields) fields.append(f);
    cls_.attr("fields") = py::tuple(fields);
    cls_.def("to_dict", [](const T& t) { return command_to_json(Command(t)); },
             "The JSON form {\"type\": ..., fields...} as a dict.");
    cls_.def("__eq__", [](const T& a, py::handle b) {
      if (!py::isinstance<T>(b)) return false;
      return command_to_json(Command(a)) == command_to_json(Command(b.cast<const T&>()));
    });
    cls_.attr("__hash__") = py::none();  // mutable (fields are settable): unhashable, like a list
    cls_.def(py::pickle([](const T& t) { return json_to_py(command_to_json(Command(t))); },
                        [e](py::object s) {
                          const Command c = command_from_json(py_to_json(s));
                          if (!std::holds_alternative<T>(c)) invalid(e->class_name + ": state of another command");
                          return std::get<T>(c);
                        }));
    cls_.def("__repr__", [e](py::handle self) {
      std::string out = e->class_name + "(";
      for (std::size_t i = 0; i < e->fields.size(); ++i)
        out += (i ? ", " : "") + e->fields[i] + "=" + py::repr(self.attr(e->fields[i].c_str())).cast<std::string>();
      return out + ")";
    });
    entry_.build = [build](py::args a, py::kwargs k) { return Command(build(std::move(a), std::move(k))); };
    registry().push_back(entry_);
  }

 private:
  py::class_<T> cls_;
  CommandEntry entry_;
  std::shared_ptr<std::vector<std::function<void(T&, py::handle)>>> setters_ =
      std::make_shared<std::vector<std::function<void(T&, py::handle)>>>();
};

constexpr bool REQ = true;

}  // namespace

const std::vector<CommandEntry>& command_registry() { return registry(); }

void init_commands(py::module_& m) {
  ValueClass<ItemSpec> is(m, "ItemSpec",
                          "One item of an opinion: a topic code of the profile, its text and, optionally, its own "
                          "place (issue 14: it overrides the opinion's place for this item).");
  is.def(py::init([](py::handle topic, py::handle text, py::handle place) {
           return ItemSpec{arg_cast<std::string>(topic, "topic"), arg_cast<std::string>(text, "text"),
                           place_from(place)};
         }),
         py::arg("topic"), py::arg("text"), py::kw_only(), py::arg("place") = py::none())
      .def_readwrite("topic", &ItemSpec::topic).def_readwrite("text", &ItemSpec::text)
      .def_property(
          "place", [](const ItemSpec& x) { return x.place; },
          [](ItemSpec& x, py::handle v) { x.place = place_from(v); })
      .def("__eq__", [](const ItemSpec& a, const ItemSpec& b) {
        return a.topic == b.topic && a.text == b.text && a.place == b.place;
      })
      .state("place", [](const ItemSpec& x) { return py::cast(x.place); },
             [](ItemSpec& x, py::handle v) { x.place = place_from(v); });
  def_repr(is, "ItemSpec", {"topic", "text", "place"});

  ValueClass<Place> pl(m, "Place",
                       "Where an opinion's matter is (issue 14; R04, R18, Open311): WGS84 lat in [-90, 90], long in "
                       "[-180, 180] (finite) and an optional address text. Never a person's home address field.");
  pl.def(py::init([](py::handle lat, py::handle lon, py::handle address) {
           return Place{arg_number(lat, "lat"), arg_number(lon, "long"),
                        address.is_none() ? std::string() : arg_cast<std::string>(address, "address")};
         }),
         py::arg("lat"), py::arg("long"), py::arg("address") = "")
      .def_readwrite("lat", &Place::lat).def_readwrite("long", &Place::lon).def_readwrite("address", &Place::address)
      .def("__eq__", [](const Place& a, const Place& b) { return a == b; });
  def_repr(pl, "Place", {"lat", "long", "address"});

  ValueClass<Result> rs(m, "Result", "What a successful command returns.");
  rs.def_readonly("first_seq", &Result::first_seq).def_readonly("last_seq", &Result::last_seq)
      .def_property_readonly("id", [](const Result& r) -> py::object {
        return r.id ? py::object(py::int_(r.id)) : py::object(py::none());
      }, "The entity the command created (unit, person, opinion, new item...), or None.")
      .def_readonly("items", &Result::items).def_readonly("replayed", &Result::replayed)
      .def("to_dict", [](const Result& r) { return result_to_json(r); })
      .state("id", &Result::id);
  def_repr(rs, "Result", {"id", "items", "first_seq", "last_seq", "replayed"});

  // ---- directory ----
  Binder<cmd::CreateUnit>(m, "CreateUnit", "create_unit", "Creates a unit (R01); a top-level unit needs SYSTEM.")
      .field("name", &cmd::CreateUnit::name, REQ).field("level", &cmd::CreateUnit::level, REQ)
      .field("parent", &cmd::CreateUnit::parent).field("code", &cmd::CreateUnit::code)
      .field("created_on", &cmd::CreateUnit::created_on).field("remote", &cmd::CreateUnit::remote).done();
  Binder<cmd::RenameUnit>(m, "RenameUnit", "rename_unit", "Renames a unit; its old names stay readable (R01).")
      .field("unit", &cmd::RenameUnit::unit, REQ).field("name", &cmd::RenameUnit::name, REQ)
      .field("on", &cmd::RenameUnit::on).done();
  Binder<cmd::MergeUnit>(m, "MergeUnit", "merge_unit", "Merges a unit into another: children, agencies and open items move.")
      .field("unit", &cmd::MergeUnit::unit, REQ).field("into", &cmd::MergeUnit::into, REQ)
      .field("on", &cmd::MergeUnit::on).done();
  Binder<cmd::DissolveUnit>(m, "DissolveUnit", "dissolve_unit", "Dissolves a unit with no outstanding items.")
      .field("unit", &cmd::DissolveUnit::unit, REQ).field("on", &cmd::DissolveUnit::on).done();
  Binder<cmd::CreateAgency>(m, "CreateAgency", "create_agency", "Creates a specialized agency of a unit.")
      .field("unit", &cmd::CreateAgency::unit, REQ).field("name", &cmd::CreateAgency::name, REQ)
      .field("department", &cmd::CreateAgency::department).field("code", &cmd::CreateAgency::code).done();
  Binder<cmd::CreateOrganization>(m, "CreateOrganization", "create_organization",
                                  "Creates a socio-political organization of a unit.")
      .field("unit", &cmd::CreateOrganization::unit, REQ).field("name", &cmd::CreateOrganization::name, REQ)
      .field("kind", &cmd::CreateOrganization::kind).field("code", &cmd::CreateOrganization::code).done();
  Binder<cmd::RegisterPerson>(m, "RegisterPerson", "register_person", "Registers a person.")
      .field("name", &cmd::RegisterPerson::name, REQ).field("code", &cmd::RegisterPerson::code)
      .field("phone", &cmd::RegisterPerson::phone).field("citizen_id", &cmd::RegisterPerson::citizen_id)
      .field("address", &cmd::RegisterPerson::address)
      .field("consent_public", &cmd::RegisterPerson::consent_public).done();
  Binder<cmd::GrantRole>(m, "GrantRole", "grant_role", "Grants a role in a unit (R19).")
      .field("person", &cmd::GrantRole::person, REQ).field("role", &cmd::GrantRole::role, REQ)
      .field("unit", &cmd::GrantRole::unit, REQ).field("agency", &cmd::GrantRole::agency)
      .field("organization", &cmd::GrantRole::organization).done();
  Binder<cmd::RevokeRole>(m, "RevokeRole", "revoke_role", "Revokes a role.")
      .field("person", &cmd::RevokeRole::person, REQ).field("role", &cmd::RevokeRole::role, REQ)
      .field("unit", &cmd::RevokeRole::unit, REQ).field("agency", &cmd::RevokeRole::agency)
      .field("organization", &cmd::RevokeRole::organization).done();

  // ---- conferences ----
  Binder<cmd::PlanConference>(m, "PlanConference", "plan_conference", "Plans a conference (R02, R03).")
      .field("unit", &cmd::PlanConference::unit, REQ).field("kind", &cmd::PlanConference::kind)
      .field("audience", &cmd::PlanConference::audience).field("planned_on", &cmd::PlanConference::planned_on, REQ)
      .field("noticed_on", &cmd::PlanConference::noticed_on).field("plan_ref", &cmd::PlanConference::plan_ref)
      .field("department", &cmd::PlanConference::department).field("topic", &cmd::PlanConference::topic)
      .field("code", &cmd::PlanConference::code).field("format", &cmd::PlanConference::format)
      .field("cluster", &cmd::PlanConference::cluster).done();
  Binder<cmd::HoldConference>(m, "HoldConference", "hold_conference", "Records that a conference was held (R03).")
      .field("conference", &cmd::HoldConference::conference, REQ).field("held_on", &cmd::HoldConference::held_on)
      .field("chairs", &cmd::HoldConference::chairs).field("attendance", &cmd::HoldConference::attendance)
      .field("report", &cmd::HoldConference::report).field("co_chairs", &cmd::HoldConference::co_chairs).done();
  Binder<cmd::IssueConclusionNotice>(m, "IssueConclusionNotice", "issue_conclusion_notice",
                                     "Issues the heads' conclusion notice (R08).")
      .field("conference", &cmd::IssueConclusionNotice::conference, REQ)
      .field("number", &cmd::IssueConclusionNotice::number, REQ)
      .field("issued_on", &cmd::IssueConclusionNotice::issued_on).field("text", &cmd::IssueConclusionNotice::text)
      .done();
  Binder<cmd::CloseConference>(m, "CloseConference", "close_conference",
                               "Closes a conference whose items are all resolved or handed on (R03).")
      .field("conference", &cmd::CloseConference::conference, REQ).field("on", &cmd::CloseConference::on).done();

  // ---- opinions and items ----
  Binder<cmd::SubmitOpinion>(m, "SubmitOpinion", "submit_opinion",
                             "Submits an opinion holding one or more items (R04, R05).")
      .field("unit", &cmd::SubmitOpinion::unit, REQ).field("conference", &cmd::SubmitOpinion::conference)
      .field("channel", &cmd::SubmitOpinion::channel).field("raised_by", &cmd::SubmitOpinion::raised_by)
      .field("raised_by_org", &cmd::SubmitOpinion::raised_by_org).field("raised_on", &cmd::SubmitOpinion::raised_on)
      .field("topic", &cmd::SubmitOpinion::topic).field("items", &cmd::SubmitOpinion::items, REQ)
      .field("place", &cmd::SubmitOpinion::place)
      .field("attachments", &cmd::SubmitOpinion::attachments)
      .field("withhold_name", &cmd::SubmitOpinion::withhold_name).done();
  Binder<cmd::AnswerOnSpot>(m, "AnswerOnSpot", "answer_on_spot", "Records an answer given at the conference (R06).")
      .field("item", &cmd::AnswerOnSpot::item, REQ).field("answered_by", &cmd::AnswerOnSpot::answered_by, REQ)
      .field("gist", &cmd::AnswerOnSpot::gist, REQ).done();
  Binder<cmd::MergeDuplicate>(m, "MergeDuplicate", "merge_duplicate", "Merges a duplicate item into another (R07).")
      .field("item", &cmd::MergeDuplicate::item, REQ).field("into", &cmd::MergeDuplicate::into, REQ).done();

  // ---- follow-up ----
  Binder<cmd::Assign>(m, "Assign", "assign", "Assigns an item to an agency with a reply deadline (R09).")
      .field("item", &cmd::Assign::item, REQ).field("agency", &cmd::Assign::agency, REQ)
      .field("deadline", &cmd::Assign::deadline).done();
  Binder<cmd::WriteReply>(m, "WriteReply", "write_reply", "Writes the agency's reply (R10).")
      .field("item", &cmd::WriteReply::item, REQ).field("number", &cmd::WriteReply::number, REQ)
      .field("date", &cmd::WriteReply::date).field("signer", &cmd::WriteReply::signer, REQ)
      .field("text", &cmd::WriteReply::text, REQ).field("attachments", &cmd::WriteReply::attachments).done();
  Binder<cmd::RecordDelivery>(m, "RecordDelivery", "record_delivery", "Records a delivery of the reply (R10).")
      .field("item", &cmd::RecordDelivery::item, REQ).field("recipient", &cmd::RecordDelivery::recipient, REQ)
      .field("on", &cmd::RecordDelivery::on).done();
  Binder<cmd::Escalate>(m, "Escalate", "escalate", "Escalates an item to a higher unit as a formal proposal (R11).")
      .field("item", &cmd::Escalate::item, REQ).field("to_unit", &cmd::Escalate::to_unit, REQ)
      .field("to_agency", &cmd::Escalate::to_agency).field("proposal", &cmd::Escalate::proposal, REQ)
      .field("on", &cmd::Escalate::on).field("raiser_notified_on", &cmd::Escalate::raiser_notified_on, REQ).done();
  Binder<cmd::DecideIntake>(m, "DecideIntake", "decide_intake", "Decides the intake outcome of an item (R11).")
      .field("item", &cmd::DecideIntake::item, REQ).field("outcome", &cmd::DecideIntake::outcome, REQ)
      .field("reason", &cmd::DecideIntake::reason).field("target", &cmd::DecideIntake::target)
      .field("complex", &cmd::DecideIntake::complex).field("on", &cmd::DecideIntake::on)
      .field("raiser_notified_on", &cmd::DecideIntake::raiser_notified_on).done();
  Binder<cmd::Extend>(m, "Extend", "extend", "Extends a complex item's deadline with a notice to the raiser (R12).")
      .field("item", &cmd::Extend::item, REQ).field("deadline", &cmd::Extend::deadline, REQ)
      .field("notice_number", &cmd::Extend::notice_number, REQ).field("notice_date", &cmd::Extend::notice_date, REQ)
      .field("agency", &cmd::Extend::agency).field("reason", &cmd::Extend::reason).done();

  // ---- supervision ----
  Binder<cmd::RecordFinding>(m, "RecordFinding", "record_finding", "Records a supervision finding (R14).")
      .field("item", &cmd::RecordFinding::item, REQ).field("text", &cmd::RecordFinding::text, REQ)
      .field("satisfactory", &cmd::RecordFinding::satisfactory).field("on", &cmd::RecordFinding::on)
      .field("attachments", &cmd::RecordFinding::attachments).done();
  Binder<cmd::Reopen>(m, "Reopen", "reopen", "Reopens a resolved item with a new deadline (R14).")
      .field("item", &cmd::Reopen::item, REQ).field("reason", &cmd::Reopen::reason, REQ)
      .field("deadline", &cmd::Reopen::deadline).field("on", &cmd::Reopen::on).done();
  Binder<cmd::CloseItem>(m, "CloseItem", "close_item", "Closes a resolved item for good (R14).")
      .field("item", &cmd::CloseItem::item, REQ).field("note", &cmd::CloseItem::note).field("on", &cmd::CloseItem::on)
      .done();

  // ---- review before publication (R13, R14; profile "reply_review") ----
  Binder<cmd::ApproveReply>(m, "ApproveReply", "approve_reply",
                            "Approves a draft reply so it can be delivered and published (R13, R14).")
      .field("item", &cmd::ApproveReply::item, REQ).field("note", &cmd::ApproveReply::note)
      .field("on", &cmd::ApproveReply::on).done();
  Binder<cmd::ReturnReply>(m, "ReturnReply", "return_reply",
                           "Returns a draft reply to the agency for rework, with the reason (R13, R14).")
      .field("item", &cmd::ReturnReply::item, REQ).field("reason", &cmd::ReturnReply::reason, REQ)
      .field("on", &cmd::ReturnReply::on).done();
  Binder<cmd::RecordSatisfaction>(m, "RecordSatisfaction", "record_satisfaction",
                                  "The raiser's (or, for them, the front's) rating of a delivered reply, within the "
                                  "profile's window; not_satisfied puts the item on the front's supervision list "
                                  "(issue 14; R10, R14).")
      .field("item", &cmd::RecordSatisfaction::item, REQ).field("rating", &cmd::RecordSatisfaction::rating, REQ)
      .field("comment", &cmd::RecordSatisfaction::comment).field("on", &cmd::RecordSatisfaction::on).done();
  Binder<cmd::PlaceItem>(m, "PlaceItem", "place_item",
                         "Sets or corrects one item's own place, which overrides its opinion's (issue 14; R04, R18). "
                         "By the heads or office of the item's unit, or an officer of the agency it is assigned to; "
                         "refused on a merged or closed item.")
      .field("item", &cmd::PlaceItem::item, REQ).field("place", &cmd::PlaceItem::place, REQ)
      .field("on", &cmd::PlaceItem::on).done();

  // ---- the notification outbox (issue 15; doithoai/outbox.h) ----
  Binder<cmd::IssueReminders>(m, "IssueReminders", "issue_reminders",
                              "Issues the reminders due on a day (replies due soon, overdue items, conference "
                              "notices and results due), each once a day; at most limit (1..10000). on: the day (None: today).")
      .field("on", &cmd::IssueReminders::on, REQ).field("limit", &cmd::IssueReminders::limit).done();
  Binder<cmd::AcknowledgeNotice>(m, "AcknowledgeNotice", "acknowledge_notice",
                                 "Records a delivery attempt of a notice: outcome 'delivered' or 'failed'.")
      .field("notice", &cmd::AcknowledgeNotice::notice, REQ).field("outcome", &cmd::AcknowledgeNotice::outcome, REQ)
      .field("detail", &cmd::AcknowledgeNotice::detail).field("on", &cmd::AcknowledgeNotice::on).done();

  // ---- publication and the frequency of dialogues (views.h, docs/reports.md) ----
  Binder<cmd::PublishReply>(m, "PublishReply", "publish_reply",
                            "Publishes an item's reply to the public feed, redacted (R13).")
      .field("item", &cmd::PublishReply::item, REQ).field("on", &cmd::PublishReply::on).done();
  Binder<cmd::PublishConferenceResults>(m, "PublishConferenceResults", "publish_conference_results",
                                        "Publishes a held conference's results (R13); lateness is reported.")
      .field("conference", &cmd::PublishConferenceResults::conference, REQ)
      .field("date", &cmd::PublishConferenceResults::date).done();
  Binder<cmd::RecordCouncilSession>(m, "RecordCouncilSession", "record_council_session",
                                    "Records a session of the unit's council (HĐND); wards below owe a dialogue "
                                    "before it (R17).")
      .field("unit", &cmd::RecordCouncilSession::unit, REQ).field("date", &cmd::RecordCouncilSession::date, REQ)
      .field("reference", &cmd::RecordCouncilSession::reference).done();
  Binder<cmd::RecordVoterRequest>(m, "RecordVoterRequest", "record_voter_request",
                                  "Records voters of a commune asking for a dialogue, with the voter roll (R17).")
      .field("unit", &cmd::RecordVoterRequest::unit, REQ)
      .field("requesters", &cmd::RecordVoterRequest::requesters, REQ)
      .field("voters", &cmd::RecordVoterRequest::voters, REQ).field("on", &cmd::RecordVoterRequest::on)
      .field("reference", &cmd::RecordVoterRequest::reference).done();
  Binder<cmd::RecordReception>(m, "RecordReception", "record_reception",
                               "Records a day a head received citizens (tiếp công dân); the profile's "
                               "reception rules count the days per month (R17).")
      .field("unit", &cmd::RecordReception::unit, REQ).field("person", &cmd::RecordReception::person, REQ)
      .field("role", &cmd::RecordReception::role).field("agency", &cmd::RecordReception::agency)
      .field("on", &cmd::RecordReception::on).field("note", &cmd::RecordReception::note).done();

  m.def("command_from_dict", [](const nlohmann::json& j) { return command_from_json(j); }, py::arg("command"),
        "Decodes a command's JSON form ({\"type\": ..., ...}) into its command object.");
  m.def("command_to_dict", [](const Command& c) { return command_to_json(c); }, py::arg("command"));
  m.def("_command_fields", []() {
    py::list out;
    for (const auto& e : command_registry()) {
      py::list fs;
      for (std::size_t i = 0; i < e.fields.size(); ++i) fs.append(py::make_tuple(e.fields[i], bool(e.required[i])));
      out.append(py::make_tuple(e.class_name, e.method, fs));
    }
    return out;
  }, "(class name, method name, [(field, required)]) of every command (for stubs and docs).");
}

}  // namespace dtpy
