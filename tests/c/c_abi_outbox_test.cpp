// tests/c/c_abi_outbox_test.cpp: the notification outbox through the C ABI's JSON dispatch
// (dt_call "outbox_fetch", "outbox_ack", "outbox", "outbox_counts"; docs/c-abi.md): a written
// reply issues its four R10 notices; fetched notices are leased; acknowledgements are
// idempotent; bad arguments come back as statuses and change nothing. Exit status 0 when every
// check passed.
#include "doithoai/c.h"

#include <cstdio>
#include <string>

namespace {

int checks = 0, failures = 0;
#define CHECK(cond)                                                                   \
  do {                                                                                \
    ++checks;                                                                         \
    if (!(cond)) {                                                                    \
      ++failures;                                                                     \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                                 \
  } while (0)

int call(dt_engine* e, const char* method, const std::string& args, std::string* out = nullptr) {
  char* o = nullptr;
  dt_error* err = nullptr;
  const int rc = dt_call(e, method, args.c_str(), &o, &err);
  if (out) *out = o ? o : "";
  dt_free(o);
  dt_error_free(err);
  return rc;
}

long exec(dt_engine* e, const std::string& actor, const std::string& command) {
  char* o = nullptr;
  dt_error* err = nullptr;
  const std::string request = "{\"actor\": " + actor + ", \"command\": " + command + "}";
  const int rc = dt_execute(e, request.c_str(), &o, &err);
  if (rc != DT_OK) {
    std::fprintf(stderr, "execute %s: %s\n", command.c_str(), dt_error_message(err));
    ++failures;
  }
  std::string s = o ? o : "";
  dt_free(o);
  dt_error_free(err);
  const auto p = s.find("\"id\":");
  if (p == std::string::npos || p + 5 >= s.size() || s[p + 5] < '0' || s[p + 5] > '9') return 0;
  return std::stol(s.substr(p + 5));
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
std::string id(long v) { return std::to_string(v); }

}  // namespace

int main() {
  // The built-in profile's document with the outbox on.
  dt_engine* plain = nullptr;
  CHECK(dt_engine_open("{\"profile\": \"hanoi-2200\"}", &plain, nullptr) == DT_OK);
  std::string doc;
  CHECK(call(plain, "profile", "{}", &doc) == DT_OK);
  dt_engine_close(plain);
  doc.insert(1, "\"outbox\": {\"reply_due_days\": 3}, ");
  dt_engine* e = nullptr;
  const std::string options = "{\"profile\": " + doc + ", \"clock\": \"2022-09-20T09:00:00+07:00\"}";
  CHECK(dt_engine_open(options.c_str(), &e, nullptr) == DT_OK);
  if (!e) return 1;

  const long ward = exec(e, "\"system\"", R"({"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa"})");
  const long land = exec(e, "\"system\"", R"({"type": "create_agency", "unit": )" + id(ward) + R"(, "name": "Địa chính"})");
  const long office = exec(e, "\"system\"", R"({"type": "register_person", "name": "Văn phòng"})");
  exec(e, "\"system\"", R"({"type": "grant_role", "person": )" + id(office) + R"(, "role": "office", "unit": )" + id(ward) + "}");
  exec(e, "\"system\"", R"({"type": "grant_role", "person": )" + id(office) + R"(, "role": "agency_officer", "unit": )" +
                            id(ward) + R"(, "agency": )" + id(land) + "}");
  const long resident = exec(e, "\"system\"", R"({"type": "register_person", "name": "Trần Văn Bình"})");
  exec(e, id(office), R"({"type": "submit_opinion", "unit": )" + id(ward) + R"(, "channel": "letter", "raised_by": )" +
                          id(resident) + R"(, "items": [{"topic": "land", "text": "Đất"}]})");
  exec(e, id(office), R"({"type": "assign", "item": 1, "agency": )" + id(land) + "}");
  exec(e, id(office), R"({"type": "write_reply", "item": 1, "number": "1/TL", "signer": )" + id(office) +
                          R"(, "text": "Trả lời"})");

  std::string out;
  CHECK(call(e, "outbox", "{}", &out) == DT_OK);
  CHECK(count(out, "\"kind\":\"reply\"") == 4);
  CHECK(count(out, "\"rule\":\"R10\"") == 4);
  CHECK(call(e, "outbox_fetch", R"({"limit": 3, "lease_seconds": 60})", &out) == DT_OK);
  CHECK(count(out, "\"kind\":") == 3);
  CHECK(call(e, "outbox_fetch", "{}", &out) == DT_OK);
  CHECK(count(out, "\"kind\":") == 1);  // the others are leased
  CHECK(call(e, "outbox_ack", R"({"notice": 1, "outcome": "delivered", "detail": "250 OK"})", &out) == DT_OK);
  CHECK(out.find("\"first_seq\":0") == std::string::npos);
  CHECK(call(e, "outbox_ack", R"({"notice": 1, "outcome": "delivered"})", &out) == DT_OK);
  CHECK(out.find("\"first_seq\":0") != std::string::npos);  // idempotent: nothing recorded
  CHECK(call(e, "outbox_counts", R"({"as_of": "2022-09-20"})", &out) == DT_OK);
  CHECK(out.find("\"delivered\":1") != std::string::npos && out.find("\"pending\":3") != std::string::npos);
  CHECK(call(e, "outbox", R"({"status": "delivered"})", &out) == DT_OK);
  CHECK(count(out, "\"kind\":") == 1);
  // Bad arguments: statuses, nothing changed.
  CHECK(call(e, "outbox_ack", R"({"notice": 99, "outcome": "delivered"})") == DT_NOT_FOUND);
  CHECK(call(e, "outbox_ack", R"({"notice": 2, "outcome": "lost"})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_ack", R"({"notice": 2})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_fetch", R"({"limit": 0})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_fetch", R"({"limit": -1})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_fetch", R"({"lease_seconds": 100000000})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_fetch", R"({"lease": 5})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox", R"({"status": 3})") == DT_INVALID_ARGUMENT);
  CHECK(call(e, "outbox_counts", R"({"as_of": "2022-09-20"})", &out) == DT_OK);
  CHECK(out.find("\"delivered\":1") != std::string::npos);
  // Reminders through dt_execute: once a day.
  char* o = nullptr;
  CHECK(dt_execute(e, R"({"actor": "system", "command": {"type": "issue_reminders", "on": "2022-10-19"}})", &o, nullptr) ==
        DT_OK);
  CHECK(o && std::string(o).find("\"first_seq\":0") == std::string::npos);
  dt_free(o);
  o = nullptr;
  CHECK(dt_execute(e, R"({"actor": "system", "command": {"type": "issue_reminders", "on": "2022-10-19"}})", &o, nullptr) ==
        DT_OK);
  CHECK(o && std::string(o).find("\"first_seq\":0") != std::string::npos);
  dt_free(o);
  dt_engine_close(e);
  std::printf("c_abi_outbox_test: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
