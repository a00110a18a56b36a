// Rules of evidence attachments (issue 14): the attachments of an opinion (R04), a written
// reply (R10) or a supervision finding (R14) are checked against the profile's "attachments"
// limits and, when the engine has an AttachmentStore, against the bytes in it.
// Decision (docs/design-notes.md "Evidence attachments"): with a store configured the bytes
// come first (put, then the command); a command naming content the store lacks is refused
// (not_found) and nothing is recorded. Without a store the engine records metadata only and
// verify_attachments against a store later reports what is missing.
// Tests: tests/test_rules_evidence.cpp. Shared checks: decider.h.
#include "rules/decider.h"

namespace doithoai::detail::rules {

void Decider::evidence(const std::vector<Attachment>& v) const {
  if (v.empty()) return;
  const AttachmentRule& rule = p.attachments;
  if (v.size() > rule.max_count)
    invalid(std::to_string(v.size()) + " attachments: profile " + p.name + " allows at most " +
            std::to_string(rule.max_count) + " per command");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Attachment& a = v[i];
    const std::string at = "attachments[" + std::to_string(i) + "]";
    name(a.name, (at + ".name").c_str());
    name(a.media_type, (at + ".media_type").c_str());
    if (!rule.allows(a.media_type))
      invalid(at + ".media_type '" + a.media_type + "' is not allowed by profile " + p.name);
    if (a.size == 0) invalid(at + ".size: an attachment holds at least one byte");
    if (a.size > rule.max_bytes)
      invalid(at + ".size " + std::to_string(a.size) + " is over the profile's limit of " +
              std::to_string(rule.max_bytes) + " bytes");
    if (!is_sha256_hex(a.sha256)) invalid(at + ".sha256: expected 64 lowercase hex digits (SHA-256)");
    for (std::size_t k = 0; k < i; ++k)
      if (v[k].sha256 == a.sha256) invalid(at + ": the same content is attached twice");
    if (in.attachments) {
      const auto stored = in.attachments->size(a.sha256);
      if (!stored)
        throw Error(ErrorCode::not_found, at + ": the attachment store holds no content with SHA-256 " + a.sha256 +
                                              " (put the bytes first)");
      if (*stored != a.size)
        invalid(at + ".size " + std::to_string(a.size) + " differs from the " + std::to_string(*stored) +
                " bytes stored under its SHA-256");
    }
  }
}

}  // namespace doithoai::detail::rules
