// Evidence attachments over HTTP (issue 14; docs/service.md "Attachments"; docs/openapi.json):
//   PUT /v1/attachments                      (a key)  the body's bytes -> {"sha256", "size"}
//   GET /v1/public/attachments/{sha256}      (open)   the bytes of a public attachment (R13)
// Both go through the C ABI (dt_attachment_put, dt_public_attachment). The engine's store is
// configured by "engine": {"attachments": "DIR"} (c.h); limits.max_body_bytes bounds an upload.
#include <cstdlib>

#include "config.h"
#include "v1_util.h"

namespace doithoaid::v1 {
namespace {

struct Buffer {
  char* p = nullptr;
  ~Buffer() { dt_free(p); }
};
struct Err {
  dt_error* p = nullptr;
  ~Err() { dt_error_free(p); }
};
[[noreturn]] void fail(int st, const Err& e) { throw ServiceError(st, dt_error_message(e.p)); }

bool is_hash(const std::string& h) {
  if (h.size() != 64) return false;
  for (char c : h)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Response put_attachment(Context& ctx, Request& req) {
  const Query q(req, {});
  if (req.body.empty()) bad("the body holds the attachment's bytes (at least one)");
  Buffer sha;
  Err err;
  const int st = dt_attachment_put(ctx.engine.raw(), req.body.data(), req.body.size(), &sha.p, &err.p);
  if (st != DT_OK) fail(st, err);
  return json_response({{"sha256", std::string(sha.p)}, {"size", req.body.size()}}, 201);
}

Response get_public_attachment(Context& ctx, Request& req) {
  const Query q(req, {});
  const std::string h = req.params.at("sha256");
  // Anything that is not a hash names nothing here (no path is ever built from it).
  if (!is_hash(h)) throw ServiceError(DT_NOT_FOUND, "no public attachment " + std::string(valid_utf8(h) ? h : "?"));
  Buffer data;
  std::size_t n = 0;
  Err err;
  const int st = dt_public_attachment(ctx.engine.raw(), h.c_str(), &data.p, &n, &err.p);
  if (st != DT_OK) fail(st, err);
  Response r;
  r.content_type = "application/octet-stream";
  r.body.assign(data.p, n);
  // Content-addressed: the bytes under a hash never change.
  r.headers.push_back({"Cache-Control", "public, max-age=31536000, immutable"});
  r.headers.push_back({"ETag", "\"" + h + "\""});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back({"Content-Disposition", "attachment"});
  return r;
}

}  // namespace

void add_v1_attachment_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add("PUT", "/v1/attachments", Access::key, [c](Request& req) { return put_attachment(*c, req); });
  router.add("GET", "/v1/public/attachments/{sha256}", Access::open,
             [c](Request& req) { return get_public_attachment(*c, req); });
}

}  // namespace doithoaid::v1
