// doithoai/postgres_attachments.h: evidence bytes in a PostgreSQL table (issue 14), for
// integrators whose events are already in PostgreSQL (target doithoai::postgres).
//
//   auto bytes = std::make_shared<doithoai::PostgresAttachmentStore>("host=/run/postgresql dbname=dt");
//   doithoai::EngineOptions o;  o.attachments = bytes;
//
// Table (created on first use): doithoai_attachments(sha256 text PRIMARY KEY, size bigint,
// bytes bytea). put is one INSERT ... ON CONFLICT DO NOTHING of the bytes and their hash
// (a transaction: a reader sees the row whole or not at all; two servers putting the same
// content race harmlessly); get, has and size are one indexed SELECT. Every statement has
// parameters (never a hash spliced into SQL). Contract: doithoai/attachments.h. Thread
// safety: one connection behind a mutex. Values above max_bytes are refused before any I/O
// (bytea holds up to 1 GB; the default is 64 MiB).
#pragma once

#include <memory>
#include <string>

#include "doithoai/attachments.h"
#include "doithoai/export.h"

namespace doithoai {

class DOITHOAI_API PostgresAttachmentStore final : public AttachmentStore {
 public:
  // Error(storage) when the server is unreachable or the table cannot be created.
  explicit PostgresAttachmentStore(const std::string& conninfo, std::uint64_t max_bytes = 64ull << 20);
  ~PostgresAttachmentStore() override;
  PostgresAttachmentStore(const PostgresAttachmentStore&) = delete;
  PostgresAttachmentStore& operator=(const PostgresAttachmentStore&) = delete;
  std::string put(std::string_view bytes) override;
  std::string get(std::string_view sha256) const override;
  bool has(std::string_view sha256) const override;
  std::optional<std::uint64_t> size(std::string_view sha256) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace doithoai
