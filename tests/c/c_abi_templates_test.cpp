// tests/c/c_abi_templates_test.cpp: reply templates through the C ABI's JSON dispatch
// (dt_call "templates" and "render_template", docs/c-abi.md): a written reply rendered from
// the state and recorded by the ordinary reply command stores the rendered text (R10); a
// missing placeholder, an unknown key, a value that is not a string, an engine-filled value
// come back as statuses and change nothing. Exit status 0 when every check passed.
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

// The status of a dt_call, its output in *out and its error message in *message.
int call(dt_engine* e, const char* method, const std::string& args, std::string* out = nullptr,
         std::string* message = nullptr) {
  char* o = nullptr;
  dt_error* err = nullptr;
  const int rc = dt_call(e, method, args.c_str(), &o, &err);
  if (out) *out = o ? o : "";
  if (message) *message = err ? dt_error_message(err) : "";
  dt_free(o);
  dt_error_free(err);
  return rc;
}

// Executes a command; returns the "id" of its result (0 when none or failed).
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

std::string id(long v) { return std::to_string(v); }

}  // namespace

int main() {
  dt_engine* e = nullptr;
  CHECK(dt_engine_open("{\"profile\": \"hanoi-2200\", \"clock\": \"2022-09-20T09:00:00+07:00\"}", &e, nullptr) == DT_OK);
  const std::string sys = "\"system\"";
  const long ward = exec(e, sys, R"({"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa"})");
  const long land = exec(e, sys, R"({"type": "create_agency", "unit": )" + id(ward) + R"(, "name": "Bộ phận Địa chính"})");
  auto person = [&](const char* name, const char* role, long agency) {
    const long p = exec(e, sys, std::string(R"({"type": "register_person", "name": ")") + name + "\"}");
    exec(e, sys, R"({"type": "grant_role", "person": )" + id(p) + R"(, "role": ")" + role + R"(", "unit": )" + id(ward) +
                     (agency ? R"(, "agency": )" + id(agency) : std::string()) + "}");
    return p;
  };
  const long office = person("Văn phòng", "office", 0);
  const long officer = person("Cán bộ địa chính", "agency_officer", land);
  const long resident = person("Trần Văn Bình", "resident", 0);
  std::string out;
  char* res = nullptr;
  const std::string submit = "{\"actor\": " + id(resident) + R"(, "command": {"type": "submit_opinion", "unit": )" + id(ward) +
                             R"(, "channel": "letter", "raised_by": )" + id(resident) +
                             R"(, "items": [{"topic": "land", "text": "Lấn chiếm đất công ngõ 12"}]}})";
  CHECK(dt_execute(e, submit.c_str(), &res, nullptr) == DT_OK);
  const std::string r = res ? res : "";
  dt_free(res);
  const auto ip = r.find("\"items\":[");
  const long item = ip == std::string::npos ? 0 : std::stol(r.substr(ip + 9));
  exec(e, id(office), R"({"type": "assign", "item": )" + id(item) + R"(, "agency": )" + id(land) + "}");

  // The templates of a kind for a topic: the topic's own first.
  CHECK(call(e, "templates", R"({"kind": "reply", "topic": "land"})", &out) == DT_OK);
  CHECK(out.find("\"key\":\"tra_loi.land\"") < out.find("\"key\":\"tra_loi\""));
  CHECK(call(e, "templates", R"({"topic": "land"})") == DT_INVALID_ARGUMENT);

  std::string seq_before;
  CHECK(call(e, "last_seq", "{}", &seq_before) == DT_OK);
  std::string msg;
  const std::string values = R"("signer": "Nguyễn Văn Luyện", "number": "12/UBND", "date": "01/10/2022")";
  CHECK(call(e, "render_template", R"({"key": "tra_loi", "item": )" + id(item) + ", \"values\": {" + values + "}}",
             nullptr, &msg) == DT_INVALID_ARGUMENT);
  CHECK(msg.find("{answer}") != std::string::npos);
  CHECK(call(e, "render_template", R"({"key": "khong_co", "item": )" + id(item) + "}") == DT_NOT_FOUND);
  CHECK(call(e, "render_template", R"({"key": "tra_loi", "item": )" + id(item) + R"(, "values": {"answer": 7}})") ==
        DT_INVALID_ARGUMENT);
  CHECK(call(e, "render_template", R"({"key": "tra_loi", "item": )" + id(item) + R"(, "values": {"agency": "x"}})") ==
        DT_INVALID_ARGUMENT);
  CHECK(call(e, "render_template", R"({"key": "tra_loi", "item": )" + id(item) + R"(, "values": []})") ==
        DT_INVALID_ARGUMENT);
  std::string seq_after;
  CHECK(call(e, "last_seq", "{}", &seq_after) == DT_OK);
  CHECK(seq_before == seq_after);

  // R10: rendered, then recorded by the reply command; the item holds the rendered text.
  CHECK(call(e, "render_template",
             R"({"key": "tra_loi", "item": )" + id(item) + ", \"values\": {" + values +
                 R"(, "answer": "Đã lập biên bản, yêu cầu tháo dỡ trong 15 ngày."}})",
             &out) == DT_OK);
  CHECK(out.find("Lấn chiếm đất công ngõ 12") != std::string::npos);
  CHECK(out.find("Bộ phận Địa chính") != std::string::npos);
  const auto tp = out.find("\"text\":");
  CHECK(tp != std::string::npos);
  // The JSON string of the text, as the service or a binding would pass it on.
  std::size_t end = tp + 8;
  while (end < out.size() && !(out[end] == '"' && out[end - 1] != '\\')) ++end;
  const std::string text_json = out.substr(tp + 7, end - tp - 6);
  exec(e, id(officer), R"({"type": "write_reply", "item": )" + id(item) +
                           R"(, "number": "12/UBND", "date": "2022-09-20", "signer": )" + id(officer) +
                           ", \"text\": " + text_json + "}");
  std::string it;
  CHECK(call(e, "item", R"({"id": )" + id(item) + "}", &it) == DT_OK);
  CHECK(it.find(text_json) != std::string::npos);

  dt_engine_close(e);
  std::printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
