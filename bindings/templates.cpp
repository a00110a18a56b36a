// bindings/templates.cpp: reply templates (doithoai/templates.h): the profile's templates as
// read-only values and render_template on an engine. Rendering records nothing: pass
// RenderedTemplate.text to the command that records it (write_reply's text, decide_intake's
// reason, extend's reason, escalate's proposal, issue_conclusion_notice's text).
// Kinds are plain strings ("reply", "refusal", "transfer", "extension_notice",
// "escalation_proposal", "conclusion_notice"). values is a Mapping[str, str]; a key or value
// of another type raises TypeError naming it.
#include "common.h"
#include "engine.h"

namespace dtpy {
namespace {
using namespace doithoai;

#define RO(T, f) def_readonly(#f, &T::f)

TemplateValues values_of(py::handle h) {
  TemplateValues out;
  if (h.is_none()) return out;
  if (!PyDict_Check(h.ptr()) && !py::isinstance(h, py::module_::import("collections.abc").attr("Mapping")))
    wrong_type(h, "values", "a Mapping[str, str]");
  py::object items = h.attr("items")();
  for (py::handle kv : items) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(kv);
    const std::string k = arg_cast<std::string>(t[0], "values key");
    out[k] = arg_cast<std::string>(t[1], ("values['" + k + "']").c_str());
  }
  return out;
}

}  // namespace

void init_templates(py::module_& m) {
  ValueClass<ReplyTemplate> rt(m, "ReplyTemplate",
                               "A reply template of the profile (mẫu văn bản): its kind, topic, title, legal basis "
                               "(citation) and text with {placeholders}.");
  rt.RO(ReplyTemplate, key)
      .def_property_readonly("kind", [](const ReplyTemplate& t) { return std::string(to_string(t.kind)); },
                             "'reply', 'refusal', 'transfer', 'extension_notice', 'escalation_proposal' or "
                             "'conclusion_notice'.")
      .state_enum("kind", &ReplyTemplate::kind)
      .RO(ReplyTemplate, topic).RO(ReplyTemplate, title).RO(ReplyTemplate, citation).RO(ReplyTemplate, text)
      .RO(ReplyTemplate, placeholders)
      .def("to_dict", [](const ReplyTemplate& t) { return template_to_json(t); });
  def_repr(rt, "ReplyTemplate", {"key", "kind", "topic", "title"});

  ValueClass<RenderedTemplate> rd(m, "RenderedTemplate",
                                  "A template rendered for an item or a conference: pass text to the command that "
                                  "records it; the event stores it as given.");
  rd.RO(RenderedTemplate, key)
      .def_property_readonly("kind", [](const RenderedTemplate& t) { return std::string(to_string(t.kind)); })
      .state_enum("kind", &RenderedTemplate::kind)
      .RO(RenderedTemplate, title).RO(RenderedTemplate, citation).RO(RenderedTemplate, text)
      .RO(RenderedTemplate, values)
      .def("to_dict", [](const RenderedTemplate& r) { return rendered_to_json(r); });
  def_repr(rd, "RenderedTemplate", {"key", "kind", "text"});

  m.def("profile_templates", [](const Profile& p) { return profile_templates(p); }, py::arg("profile"),
        "The profile's reply templates, by key.");
  m.def("find_template", [](const Profile& p, const std::string& key) { return find_template(p, key); },
        py::arg("profile"), py::arg("key"), "The template with this key; NotFound if the profile has none.");
  m.def("templates_for", [](const Profile& p, const std::string& kind, const std::string& topic) {
    return templates_for(p, parse_template_kind(kind), topic);
  }, py::arg("profile"), py::arg("kind"), py::arg("topic") = "",
  "The templates of a kind for a topic: the topic's own first, then those for any topic.");
  m.def("engine_placeholders", [](const std::string& kind) { return engine_placeholders(parse_template_kind(kind)); },
        py::arg("kind"), "The placeholders the engine fills from the state for this kind.");
  m.def("caller_placeholders", [](const std::string& kind) { return caller_placeholders(parse_template_kind(kind)); },
        py::arg("kind"), "The placeholders the caller passes in values for this kind.");
  m.def("fill_template", [](const ReplyTemplate& t, py::object values) { return fill_template(t, values_of(values)); },
        py::arg("template"), py::arg("values"),
        "Fills every placeholder from values (no state); InvalidArgument names a missing one.");
  m.def("render_template", [](const PyEngine& en, const std::string& key, ItemId item, ConferenceId conference,
                              py::object values) {
    RenderRequest rq;
    rq.key = key;
    rq.item = item;
    rq.conference = conference;
    rq.values = values_of(values);
    py::gil_scoped_release nogil;
    return render_template(*en.use(), rq);
  }, py::arg("engine"), py::arg("key"), py::kw_only(), py::arg("item") = py::none(),
  py::arg("conference") = py::none(), py::arg("values") = py::none(),
  "Renders a template of the engine's profile for an item (or, for a conclusion notice, a conference): the "
  "engine fills what the state knows, values the rest. Records nothing. NotFound: unknown key, item or "
  "conference; InvalidArgument: a placeholder without a value, a value the engine fills, bad text, a result "
  "beyond the text limit.");
}

}  // namespace dtpy
