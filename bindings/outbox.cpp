// bindings/outbox.cpp: the notification outbox's values (doithoai/outbox.h): Notice,
// NoticeRecipient, OutboxCounts. The Engine's methods (outbox_fetch, outbox_ack, outbox,
// outbox_counts) are in engine.cpp; the commands IssueReminders and AcknowledgeNotice in
// commands.cpp.
#include "common.h"

#include "doithoai/outbox.h"

namespace dtpy {

using namespace doithoai;

void init_outbox(py::module_& m) {
  ValueClass<NoticeRecipient> to(m, "NoticeRecipient",
                                 "Who a notice is for: role is party_head, government_head, front_chair, office "
                                 "(of unit), agency, raiser (person or organization), residents or public (of unit).");
  to.def_readonly("role", &NoticeRecipient::role).def_readonly("unit", &NoticeRecipient::unit)
      .def_readonly("agency", &NoticeRecipient::agency).def_readonly("person", &NoticeRecipient::person)
      .def_readonly("organization", &NoticeRecipient::organization);

  ValueClass<Notice> n(m, "Notice",
                       "A notice of the outbox (issue 15): who is to be told what (a template key and its resolved "
                       "data), by when (due) and why (rule, citation), and its delivery so far.");
  n.def_readonly("id", &Notice::id).def_readonly("kind", &Notice::kind)
      .def_readonly("template_key", &Notice::template_key).def_readonly("to", &Notice::to)
      .def_readonly("data", &Notice::data).def_readonly("issued_on", &Notice::issued_on)
      .def_readonly("due", &Notice::due).def_readonly("rule", &Notice::rule)
      .def_readonly("citation", &Notice::citation).def_readonly("item", &Notice::item)
      .def_readonly("conference", &Notice::conference).def_readonly("opinion", &Notice::opinion)
      .def_readonly("cause", &Notice::cause).def_readonly("seq", &Notice::seq)
      .def_readonly("status", &Notice::status).def_readonly("delivered_on", &Notice::delivered_on)
      .def_readonly("late", &Notice::late).def_readonly("failed_attempts", &Notice::failed_attempts)
      .def_readonly("last_detail", &Notice::last_detail)
      .def("to_dict", [](const Notice& x) { return notice_to_json(x); },
           "The JSON form (docs/json.md, \"The notification outbox\"): dates as ISO strings.");
  def_repr(n, "Notice", {"id", "kind", "to", "due", "rule", "status"});

  ValueClass<OutboxCounts> c(m, "OutboxCounts", "Notices issued, delivered, late, pending as of a day.");
  c.def_readonly("issued", &OutboxCounts::issued).def_readonly("delivered", &OutboxCounts::delivered)
      .def_readonly("late", &OutboxCounts::late).def_readonly("pending", &OutboxCounts::pending)
      .def_readonly("failed_attempts", &OutboxCounts::failed_attempts)
      .def("to_dict", [](const OutboxCounts& x) { return outbox_counts_to_json(x); });
}

}  // namespace dtpy
