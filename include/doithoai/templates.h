// doithoai/templates.h: reply templates (mẫu văn bản), rendered from the engine's state.
//
// Offices write the same kinds of documents hundreds of times a year: a written reply (R10),
// a refusal with its reason and a transfer to the competent body (R11), an extension notice
// to the raiser (R12), an escalation proposal to the higher unit (R11), a conclusion notice
// (R08). A profile carries them as data in its "templates" section (docs/templates.md): each
// template has a key, its kind, optionally a topic, a Vietnamese title, its legal basis
// (citation) and a text with named placeholders "{raiser}", "{item_text}", ... ("{{" and "}}"
// stand for literal braces). The built-in profiles ship theirs in profiles/templates/.
//
// Rendering is a read: render_template fills the placeholders the engine knows from the state
// (item text, topic, unit, agency, deadlines, the raiser as the public view shows them, the
// template's legal basis), takes the ones only the caller knows (signer, number, answer,
// reason, ...) from `values`, and returns the text. It records nothing: the caller passes the
// text (as read and signed by the official) to the command that records it (WriteReply::text,
// DecideIntake::reason, Extend::reason, Escalate::proposal, IssueConclusionNotice::text), so
// the event stores the rendered text and replay never renders again (docs/design-notes.md).
//
// Errors (doithoai::Error): an unknown template key, item or conference is not_found; a
// placeholder without a value (not passed, or not in the state: an item never assigned has no
// {agency}), a value the template's kind does not know or the engine fills itself, a value
// that is not valid UTF-8 or holds a control character other than tab and newline, and a
// result longer than kMaxTextBytes are invalid_argument naming the placeholder or template.
// Templates are validated when the profile loads: an unknown placeholder, an unbalanced
// brace, an unknown kind or topic, a missing citation is invalid_argument naming the path.
// Thread safety: pure functions of their arguments; the Engine overload reads under the
// engine's shared lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "doithoai/export.h"
#include "doithoai/ids.h"

namespace doithoai {

class Engine;
class State;
struct Profile;

// The document a template produces. Part of the profile format: never renamed.
enum class TemplateKind : std::uint8_t {
  reply = 1,                // văn bản trả lời (R10): WriteReply::text
  refusal = 2,              // từ chối, nêu rõ lý do (R11): DecideIntake{refused}::reason
  transfer = 3,             // chuyển đến cơ quan có thẩm quyền (R11): DecideIntake{transferred}
  extension_notice = 4,     // thông báo gia hạn gửi người nêu (R12): Extend
  escalation_proposal = 5,  // văn bản đề xuất lên cấp trên (R11): Escalate::proposal
  conclusion_notice = 6,    // thông báo kết luận hội nghị (R08): IssueConclusionNotice::text
};
DOITHOAI_API std::string_view to_string(TemplateKind);
// Throws Error(invalid_argument) for an unknown name.
DOITHOAI_API TemplateKind parse_template_kind(std::string_view name);

struct ReplyTemplate {
  std::string key;       // unique in the profile: "tra_loi", "tra_loi.land", ...
  TemplateKind kind = TemplateKind::reply;
  std::string topic;     // a topic code of the profile; empty: any topic
  std::string title;     // Vietnamese title
  std::string citation;  // its legal basis, filled into {legal_basis}
  std::string text;      // with placeholders
  std::vector<std::string> placeholders;  // distinct names used, in order of first use
};

// Values by placeholder name (without braces).
using TemplateValues = std::map<std::string, std::string>;

// The placeholder names a kind knows: those the engine fills from the state, and those the
// caller passes. Conclusion notices are about a conference, every other kind about an item.
// Item kinds, engine: raiser, item_text, topic, unit, agency, deadline, original_deadline,
//   raised_on, conference_date, legal_basis; caller: signer, number, date, answer, reason,
//   target, new_deadline, to_unit.
// Conclusion notice, engine: unit, conference_date, notice_deadline, reply_deadline,
//   plan_ref, legal_basis; caller: signer, number, date, conclusions.
DOITHOAI_API const std::vector<std::string>& engine_placeholders(TemplateKind kind);
DOITHOAI_API const std::vector<std::string>& caller_placeholders(TemplateKind kind);

// The profile's templates, by key. Throws as load_profile would for a malformed section
// (a loaded Profile has passed these checks already).
DOITHOAI_API std::vector<ReplyTemplate> profile_templates(const Profile& profile);
// Throws Error(not_found) naming the key.
DOITHOAI_API ReplyTemplate find_template(const Profile& profile, std::string_view key);
// The templates of a kind that suit a topic: those naming the topic first, then those for any
// topic, each group by key. Possibly empty.
DOITHOAI_API std::vector<ReplyTemplate> templates_for(const Profile& profile, TemplateKind kind,
                                                      std::string_view topic);

// Fills every placeholder of t from values (pure). Throws Error(invalid_argument) naming the
// first placeholder with no value or an empty one, a value that is not valid UTF-8 or holds a
// control character (tab, newline and carriage return allowed), or a result beyond
// kMaxTextBytes. Values the template does not use are ignored.
DOITHOAI_API std::string fill_template(const ReplyTemplate& t, const TemplateValues& values);

struct RenderRequest {
  std::string key;          // the template
  ItemId item;              // the subject of an item kind
  ConferenceId conference;  // the subject of a conclusion notice
  TemplateValues values;    // the caller's placeholders (see caller_placeholders)
};

struct RenderedTemplate {
  std::string key;
  TemplateKind kind = TemplateKind::reply;
  std::string title;
  std::string citation;  // the template's legal basis
  std::string text;      // what the caller passes to the command that records it
  TemplateValues values; // every value used, the engine's and the caller's
};

// Renders a template of the profile for its subject on the state. Throws as described above;
// a subject of the wrong kind (an item for a conclusion notice, no item for a reply) is
// invalid_argument. Reads only; changes nothing.
DOITHOAI_API RenderedTemplate render_template(const State& state, const Profile& profile, const RenderRequest& request);
// The same on the engine's live state and profile.
DOITHOAI_API RenderedTemplate render_template(const Engine& engine, const RenderRequest& request);

DOITHOAI_API nlohmann::json template_to_json(const ReplyTemplate& t);
DOITHOAI_API nlohmann::json rendered_to_json(const RenderedTemplate& r);

}  // namespace doithoai
