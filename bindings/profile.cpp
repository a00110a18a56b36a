// bindings/profile.cpp: rule profiles (deadlines, recipients, supervisors, levels, topics,
// audiences) as read-only values; built-in profiles and loading from dicts or files.
#include "common.h"

namespace dtpy {

void init_profile(py::module_& m) {
  using namespace doithoai;
  ValueClass<Label> lb(m, "Label", "A code with its Vietnamese label (topics, audiences).");
  lb.def_readonly("code", &Label::code).def_readonly("label", &Label::label);
  def_repr(lb, "Label", {"code", "label"});

  using D = Profile::Deadlines;
  ValueClass<D> dl(m, "Deadlines", "Every deadline rule of a profile.");
  dl.def_readonly("conclusion_notice", &D::conclusion_notice).def_readonly("reply", &D::reply)
      .def_readonly("public_notice", &D::public_notice).def_readonly("publication", &D::publication)
      .def_readonly("reopen", &D::reopen).def_readonly("complaint", &D::complaint)
      .def_readonly("complaint_complex", &D::complaint_complex).def_readonly("complaint_remote", &D::complaint_remote)
      .def_readonly("complaint_remote_complex", &D::complaint_remote_complex)
      .def_readonly("denunciation", &D::denunciation);
  def_repr(dl, "Deadlines", {"conclusion_notice", "reply", "reopen"});

  ValueClass<Profile, std::shared_ptr<Profile>> p(m, "Profile",
                                                  "A rule profile: every number the rules use, as data.");
  p.def_readonly("name", &Profile::name).def_readonly("title", &Profile::title)
      .def_readonly("citation", &Profile::citation).def_readonly("zone_offset_minutes", &Profile::zone_offset_minutes)
      .def_readonly("calendar", &Profile::calendar).def_readonly("deadlines", &Profile::deadlines)
      .def_readonly("reply_recipients", &Profile::reply_recipients).def_readonly("supervisors", &Profile::supervisors)
      .def_readonly("levels", &Profile::levels).def_readonly("public_notice_levels", &Profile::public_notice_levels)
      .def_readonly("topics", &Profile::topics).def_readonly("audiences", &Profile::audiences)
      .def_property_readonly("source", [](const Profile& p) { return p.source; },
                             "The document it was loaded from, as a dict.")
      .def("has_topic", &Profile::has_topic, py::arg("code"))
      .def("has_audience", &Profile::has_audience, py::arg("code"))
      .def("supervised_by", &Profile::supervised_by, py::arg("supervisor"))
      .def("requires_recipient", &Profile::requires_recipient, py::arg("recipient"))
      .def_property_readonly("commune_dialogue", [](const Profile& p) -> py::object {
        const nlohmann::json j = profile_to_json(p);
        return j.contains("commune_dialogue") ? py::cast(j["commune_dialogue"]) : py::none();
      }, "The art. 43 section (levels, formats, co_chair_required, citation) as a dict, or None.")
      .def_property_readonly("reception", [](const Profile& p) {
        const nlohmann::json j = profile_to_json(p);
        return j.contains("reception") ? j["reception"] : nlohmann::json::array();
      }, "The R17 citizen reception rules as a list of dicts (role, levels, min_days_per_month, enabled, citation).")
      .def_property_readonly("reporting", [](const Profile& p) -> py::object {
        const nlohmann::json j = profile_to_json(p);
        return j.contains("reporting") ? py::cast(j["reporting"]) : py::none();
      }, "The R16 reporting section (periods, recipients by level, citation) as a dict, or None.")
      // R12 extension caps and R13/R14 review before publication (issue 15)
      .def_property_readonly("extension_limits", [](const Profile& p) {
        const nlohmann::json j = profile_to_json(p);
        return j.contains("extension_limits") ? j["extension_limits"] : nlohmann::json::array();
      }, "The R12 extension caps as a list of dicts (topics, max_count, max_days, day_type, citation).")
      .def_property_readonly("reply_review", [](const Profile& p) -> py::object {
        const nlohmann::json j = profile_to_json(p);
        return j.contains("reply_review") ? py::cast(j["reply_review"]) : py::none();
      }, "The R13/R14 review before publication (reviewer \"office\" or \"front\", citation) as a dict, or None.")
      .def("to_dict", [](const Profile& p) { return profile_to_json(p); }, "The profile as a JSON dict.")
      .whole_state([](const Profile& p) { return json_to_py(profile_to_json(p)); },
                   [](py::handle h) { return load_profile(py_to_json(h)); });
  def_repr(p, "Profile", {"name", "calendar", "levels"});

  m.def("load_profile", [](py::object doc) {
    nlohmann::json j = py::isinstance<py::str>(doc) ? parse_json(doc.cast<std::string>()) : py_to_json(doc);
    return std::make_shared<Profile>(load_profile(j));
  }, py::arg("document"), "Validates and loads a profile from a dict (or JSON text); InvalidArgument names the path.");
  m.def("load_profile_file", [](const std::string& path) { return std::make_shared<Profile>(load_profile_file(path)); },
        py::arg("path"));
  m.def("builtin_profile_names", &builtin_profile_names, "Names of the profiles compiled into the library.");
  m.def("builtin_profile", [](std::string_view name) { return std::make_shared<Profile>(builtin_profile(name)); },
        py::arg("name"), "A built-in profile by name (\"hanoi-2200\", \"national-default\", \"vn-2025\"); NotFound if unknown.");
  m.def("calendar_for", [](const Profile& p) { return std::const_pointer_cast<Calendar>(calendar_for(p)); },
        py::arg("profile"), "The calendar a profile names.");
}

}  // namespace dtpy
