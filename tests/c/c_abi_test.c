/* tests/c/c_abi_test.c: the C ABI (include/doithoai/c.h) from plain C99.
 *
 * Drives the Bồ Đề ward conference of 30/9/2022 end to end on a SQLite file (directory,
 * plan, opinions collected ahead and raised in the room, answers on the spot, assignment,
 * conclusion notice, an extension, written replies with their four deliveries, a late
 * reply, supervision with a reopen and a close), checks deadlines, standing, overdue lists,
 * accounting as of past dates, the report, exports, history, subscriptions and the hash
 * chain; imports of JSON rows and of a CSV file; then the error cases: bad JSON, unknown ids, methods and arguments, NULL handles
 * and out-parameters, invalid UTF-8, refused permissions and every injected exception kind.
 * Usage: c_abi_test [database.db]   (default: c_abi_test.db in the current directory)
 * Exit status 0 when every check passed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doithoai/c.h"

static int checks = 0;
static int failures = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    ++checks;                                                                    \
    if (!(cond)) {                                                               \
      ++failures;                                                                \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                            \
  } while (0)

static dt_engine* E = NULL;
/* Set by the conference for the error cases: a resident, an assigned item, an agency. */
static long g_resident, g_item, g_agency, g_unit;

/* ---- a few JSON helpers: the library's output is compact (no spaces) ---- */

/* The unsigned integer after "key": in json (first occurrence), or -1. */
static long json_num(const char* json, const char* key) {
  char pat[128];
  const char* p;
  sprintf(pat, "\"%s\":", key);
  p = strstr(json, pat);
  if (!p) return -1;
  p += strlen(pat);
  if (*p < '0' || *p > '9') return -1;
  return strtol(p, NULL, 10);
}

/* The integers of the array after "key": (at most max); returns how many. */
static int json_nums(const char* json, const char* key, long* out, int max) {
  char pat[128];
  const char* p;
  int n = 0;
  sprintf(pat, "\"%s\":[", key);
  p = strstr(json, pat);
  if (!p) return -1;
  p += strlen(pat);
  while (*p && *p != ']') {
    char* end;
    long v = strtol(p, &end, 10);
    if (end == p) return -1;
    if (n < max) out[n] = v;
    ++n;
    p = end;
    if (*p == ',') ++p;
  }
  return n;
}

static int contains(const char* json, const char* text) { return json && strstr(json, text) != NULL; }

/* ---- running things ---- */

static char buf[16384];

static const char* fmt(const char* f, ...) {
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

static void die(const char* what, dt_error* err) {
  fprintf(stderr, "%s failed: %s (%s)\n", what, dt_error_message(err), dt_status_name(dt_error_code(err)));
  dt_error_free(err);
  dt_engine_close(E);
  exit(1);
}

/* Executes {"actor": actor (SYS: "system"), "command": command}; returns the result's "id" (0 for none) and
 * fills items (when not NULL) with the new items. Any failure ends the test. */
#define SYS 0L
static long exec(long actor, const char* command, long* items, int* n_items) {
  static char request[16384];
  char who[32];
  char* out = NULL;
  dt_error* err = NULL;
  long id;
  if (actor == SYS) strcpy(who, "\"system\"");
  else sprintf(who, "%ld", actor);
  snprintf(request, sizeof request, "{\"actor\": %s, \"command\": %s}", who, command);
  if (dt_execute(E, request, &out, &err) != DT_OK) {
    fprintf(stderr, "request: %s\n", request);
    die("dt_execute", err);
  }
  id = json_num(out, "id");
  if (items) *n_items = json_nums(out, "items", items, 64);
  dt_free(out);
  return id < 0 ? 0 : id;
}

/* dt_call that must succeed; the caller frees the answer with dt_free. */
static char* call(const char* method, const char* args) {
  char* out = NULL;
  dt_error* err = NULL;
  if (dt_call(E, method, args, &out, &err) != DT_OK) {
    fprintf(stderr, "method %s, args %s\n", method, args);
    die("dt_call", err);
  }
  return out;
}

static void set_day(int y, int m, int d) {
  char* out = call("set_clock", fmt("{\"now\": \"%04d-%02d-%02dT09:00:00+07:00\"}", y, m, d));
  dt_free(out);
}

/* The status of a failing dt_call, checking that an error object came back with it. */
static int call_status(const char* method, const char* args) {
  char* out = (char*)1;
  dt_error* err = NULL;
  int rc = dt_call(E, method, args, &out, &err);
  if (rc != DT_OK) {
    CHECK(out == NULL);
    CHECK(err != NULL);
    CHECK(dt_error_code(err) == rc);
    CHECK(strlen(dt_error_message(err)) > 0);
  } else {
    dt_free(out);
  }
  dt_error_free(err);
  return rc;
}

static int exec_status(const char* request) {
  char* out = (char*)1;
  dt_error* err = NULL;
  int rc = dt_execute(E, request, &out, &err);
  if (rc != DT_OK) {
    CHECK(out == NULL);
    CHECK(err != NULL && dt_error_code(err) == rc);
  } else {
    dt_free(out);
  }
  dt_error_free(err);
  return rc;
}

/* ---- subscriber ---- */

typedef struct {
  int events;
  long last_seq;
  int replies_delivered;
} Seen;

static void on_event(void* user, const char* event_json, size_t length) {
  Seen* seen = (Seen*)user;
  ++seen->events;
  if (strlen(event_json) == length) seen->last_seq = json_num(event_json, "seq");
  if (contains(event_json, "\"type\":\"reply_delivered\"")) ++seen->replies_delivered;
}

/* ---- the conference ---- */

static void conference(const char* path) {
  long hanoi, longbien, bode, land, urban, district_land;
  long party_head, gov_head, office, front, officer_land, officer_urban, district_officer, district_office, women_rep;
  long residents[6], women;
  long conf, adv_items[8], items[64], all[64];
  int n_adv = 0, n = 0, n_all = 0, i, k;
  long escalated, complex_item, reopened, late, new_item;
  char* out;
  dt_error* err = NULL;
  dt_subscription* sub = NULL;
  Seen seen = {0, 0, 0};
  char opts[1024];

  snprintf(opts, sizeof opts,
           "{\"store\": \"%s\", \"profile\": \"hanoi-2200\", \"clock\": \"2022-08-15T09:00:00+07:00\"}", path);
  if (dt_engine_open(opts, &E, &err) != DT_OK) die("dt_engine_open", err);
  CHECK(err == NULL);
  if (dt_subscribe(E, on_event, &seen, &sub, &err) != DT_OK) die("dt_subscribe", err);

  /* Directory (R01, R19) */
  hanoi = exec(SYS, "{\"type\": \"create_unit\", \"name\": \"Thành phố Hà Nội\", \"level\": \"tinh\", \"code\": \"HN\"}", NULL, NULL);
  longbien = exec(SYS, fmt("{\"type\": \"create_unit\", \"name\": \"Quận Long Biên\", \"level\": \"huyen\", \"parent\": %ld, \"code\": \"HN-LB\"}", hanoi), NULL, NULL);
  bode = exec(SYS, fmt("{\"type\": \"create_unit\", \"name\": \"Phường Bồ Đề\", \"level\": \"xa\", \"parent\": %ld, \"code\": \"HN-LB-BD\"}", longbien), NULL, NULL);
  CHECK(hanoi > 0 && longbien > hanoi && bode > longbien);
  land = exec(SYS, fmt("{\"type\": \"create_agency\", \"unit\": %ld, \"name\": \"Bộ phận Địa chính - Xây dựng phường\", \"code\": \"BD-DC\"}", bode), NULL, NULL);
  urban = exec(SYS, fmt("{\"type\": \"create_agency\", \"unit\": %ld, \"name\": \"Đội Trật tự đô thị phường\", \"code\": \"BD-TTDT\"}", bode), NULL, NULL);
  district_land = exec(SYS, fmt("{\"type\": \"create_agency\", \"unit\": %ld, \"name\": \"Phòng Tài nguyên và Môi trường quận Long Biên\", \"department\": true, \"code\": \"LB-TNMT\"}", longbien), NULL, NULL);
  {
    women = exec(SYS, fmt("{\"type\": \"create_organization\", \"unit\": %ld, \"name\": \"Hội Liên hiệp Phụ nữ phường\", \"kind\": \"women_union\"}", bode), NULL, NULL);
#define PERSON(var, name, role, unit, extra)                                                                   \
  var = exec(SYS, "{\"type\": \"register_person\", \"name\": \"" name "\"}", NULL, NULL);            \
  exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"" role "\", \"unit\": %ld" extra "}", \
                         var, unit), NULL, NULL)
    PERSON(party_head, "Nguyễn Thị Thanh Hằng", "party_head", bode, "");
    PERSON(gov_head, "Nguyễn Văn Luyện", "government_head", bode, "");
    PERSON(office, "Văn phòng Đảng ủy - UBND phường Bồ Đề", "office", bode, "");
    PERSON(front, "Chủ tịch Ủy ban MTTQ phường Bồ Đề", "front_chair", bode, "");
    officer_land = exec(SYS, "{\"type\": \"register_person\", \"name\": \"Trưởng bộ phận Địa chính\"}", NULL, NULL);
    exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"agency_head\", \"unit\": %ld, \"agency\": %ld}", officer_land, bode, land), NULL, NULL);
    officer_urban = exec(SYS, "{\"type\": \"register_person\", \"name\": \"Đội trưởng Trật tự đô thị\"}", NULL, NULL);
    exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"agency_head\", \"unit\": %ld, \"agency\": %ld}", officer_urban, bode, urban), NULL, NULL);
    district_officer = exec(SYS, "{\"type\": \"register_person\", \"name\": \"Trưởng phòng TN-MT quận Long Biên\"}", NULL, NULL);
    exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"agency_head\", \"unit\": %ld, \"agency\": %ld}", district_officer, longbien, district_land), NULL, NULL);
    PERSON(district_office, "Văn phòng Quận ủy - UBND quận Long Biên", "office", longbien, "");
    women_rep = exec(SYS, "{\"type\": \"register_person\", \"name\": \"Chủ tịch Hội LHPN phường\"}", NULL, NULL);
    exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"organization_rep\", \"unit\": %ld, \"organization\": %ld}", women_rep, bode, women), NULL, NULL);
    for (i = 0; i < 6; ++i) {
      residents[i] = exec(SYS, fmt("{\"type\": \"register_person\", \"name\": \"Đại diện Nhân dân tổ dân phố %d\"}", i + 1), NULL, NULL);
      exec(SYS, fmt("{\"type\": \"grant_role\", \"person\": %ld, \"role\": \"resident\", \"unit\": %ld}", residents[i], bode), NULL, NULL);
    }
#undef PERSON
  }
  out = call("find_unit", "{\"code\": \"HN-LB-BD\"}");
  CHECK(atol(out) == bode);
  dt_free(out);

  /* Plan (R02, R03): notice on 20/9 for 30/9 */
  set_day(2022, 9, 20);
  conf = exec(office, fmt("{\"type\": \"plan_conference\", \"unit\": %ld, \"kind\": \"periodic\", \"audience\": \"all_residents\", \"planned_on\": \"2022-09-30\", \"plan_ref\": \"Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên\"}", bode), NULL, NULL);
  CHECK(conf > 0);
  /* Opinions collected in advance (R04) */
  set_day(2022, 9, 23);
  exec(women_rep, fmt("{\"type\": \"submit_opinion\", \"unit\": %ld, \"conference\": %ld, \"channel\": \"collected_in_advance\", \"raised_by_org\": %ld, \"items\": [{\"topic\": \"culture_society\", \"text\": \"Sân chơi cho trẻ em khu tập thể\"}, {\"topic\": \"urban_order\", \"text\": \"Rác thải tồn đọng tại điểm tập kết tổ 9\"}]}", bode, conf, women), adv_items, &n_adv);
  CHECK(n_adv == 2);

  /* Hold on 30/9/2022, chaired by the two heads */
  set_day(2022, 9, 30);
  exec(office, fmt("{\"type\": \"hold_conference\", \"conference\": %ld, \"chairs\": [%ld, %ld], \"report\": \"Báo cáo 9 tháng đầu năm 2022\"}", conf, party_head, gov_head), NULL, NULL);
  out = call("conference", fmt("{\"id\": %ld}", conf));
  CHECK(contains(out, "\"status\":\"held\""));
  CHECK(contains(out, "\"reply_due\":\"2022-10-30\""));
  dt_free(out);
  /* Six opinions raised in the room, two issues each */
  {
    static const char* texts[12][2] = {
        {"land", "Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3"},
        {"land", "Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài"},
        {"land", "Đất tái định cư cho các hộ di dời"},
        {"urban_order", "Lấn chiếm vỉa hè phố Bồ Đề"},
        {"urban_order", "Rác thải tồn đọng tại điểm tập kết"},
        {"urban_order", "Ngập úng ngõ 30 khi mưa lớn"},
        {"urban_order", "Đèn chiếu sáng ngõ 58 hỏng"},
        {"land", "Thủ tục tách thửa còn chậm"},
        {"urban_order", "Mặt đường ngõ 172 xuống cấp"},
        {"land", "Công khai quy hoạch sử dụng đất"},
        {"urban_order", "Thoát nước khu tập thể"},
        {"land", "Đo đạc lại ranh giới thửa đất tổ 7"}};
    for (i = 0; i < 6; ++i) {
      long got[4];
      int n_got = 0;
      exec(office, fmt("{\"type\": \"submit_opinion\", \"unit\": %ld, \"conference\": %ld, \"channel\": \"at_conference\", \"raised_by\": %ld, \"items\": [{\"topic\": \"%s\", \"text\": \"%s\"}, {\"topic\": \"%s\", \"text\": \"%s\"}]}",
                                   bode, conf, residents[i], texts[2 * i][0], texts[2 * i][1], texts[2 * i + 1][0], texts[2 * i + 1][1]),
           got, &n_got);
      CHECK(n_got == 2);
      for (k = 0; k < n_got && n < 64; ++k) items[n++] = got[k];
    }
  }
  CHECK(n == 12);
  escalated = items[1];
  complex_item = items[2];
  reopened = items[5];
  late = items[6];
  /* R07: the advance item on rubbish duplicates the one raised in the room */
  exec(office, fmt("{\"type\": \"merge_duplicate\", \"item\": %ld, \"into\": %ld}", adv_items[1], items[4]), NULL, NULL);
  /* R06: the chairs answer two issues on the spot */
  exec(office, fmt("{\"type\": \"answer_on_spot\", \"item\": %ld, \"answered_by\": %ld, \"gist\": \"Chủ tọa trả lời trực tiếp tại hội nghị\"}", items[9], party_head), NULL, NULL);
  exec(office, fmt("{\"type\": \"answer_on_spot\", \"item\": %ld, \"answered_by\": %ld, \"gist\": \"Chủ tọa trả lời trực tiếp tại hội nghị\"}", items[11], gov_head), NULL, NULL);
  out = call("reconciliation", fmt("{\"conference\": %ld}", conf));
  CHECK(contains(out, fmt("\"duplicates\":[{\"duplicate\":%ld,\"original\":%ld}]", adv_items[1], items[4])));
  dt_free(out);

  /* After the conference (R08, R09, R11) */
  set_day(2022, 10, 3);
  new_item = exec(office, fmt("{\"type\": \"escalate\", \"item\": %ld, \"to_unit\": %ld, \"to_agency\": %ld, \"proposal\": \"Đề nghị UBND quận xem xét đơn giá bồi thường GPMB\", \"raiser_notified_on\": \"2022-10-03\"}", escalated, longbien, district_land), NULL, NULL);
  CHECK(new_item > 0);
  for (i = 0; i < n; ++i) {
    if (i == 1 || i == 9 || i == 11) continue;
    exec(office, fmt("{\"type\": \"assign\", \"item\": %ld, \"agency\": %ld}", items[i], i % 2 ? urban : land), NULL, NULL);
  }
  exec(office, fmt("{\"type\": \"assign\", \"item\": %ld, \"agency\": %ld}", adv_items[0], urban), NULL, NULL);
  out = call("item", fmt("{\"id\": %ld}", items[0]));
  CHECK(contains(out, "\"status\":\"assigned\""));
  CHECK(contains(out, "\"deadline\":\"2022-10-30\""));
  dt_free(out);
  set_day(2022, 10, 7);
  exec(office, fmt("{\"type\": \"issue_conclusion_notice\", \"conference\": %ld, \"number\": \"Thông báo kết luận số 125-TB/ĐU\", \"text\": \"Kết luận của người đứng đầu cấp ủy, chính quyền phường\"}", conf), NULL, NULL);
  /* R12: the complex issue gets a later deadline with a written notice */
  set_day(2022, 10, 25);
  exec(office, fmt("{\"type\": \"extend\", \"item\": %ld, \"deadline\": \"2022-11-30\", \"notice_number\": \"Thông báo 210/TB-UBND\", \"notice_date\": \"2022-10-25\", \"reason\": \"Liên quan nhiều ngành, cần thời gian xác minh quỹ đất\"}", complex_item), NULL, NULL);
  out = call("explain_deadline", fmt("{\"item\": %ld}", complex_item));
  CHECK(contains(out, "\"source\":\"extension\""));
  CHECK(contains(out, "\"original_deadline\":\"2022-10-30\""));
  dt_free(out);

  /* Written replies (R10), four deliveries each; the street light reply is late */
  {
    long order[16];
    int m = 0;
    for (i = 0; i < n; ++i)
      if (i != 1 && i != 9 && i != 11 && i != 2 && i != 6) order[m++] = i;
    for (k = 0; k < m; ++k) {
      const long item = items[order[k]];
      const long officer = order[k] % 2 ? officer_urban : officer_land;
      set_day(2022, 10, 20 + k % 8);
      exec(officer, fmt("{\"type\": \"write_reply\", \"item\": %ld, \"number\": \"%d/UBND-VP\", \"signer\": %ld, \"text\": \"Trả lời bằng văn bản\"}", item, 300 + k, officer), NULL, NULL);
      exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"party_head\"}", item), NULL, NULL);
      exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"government_head\"}", item), NULL, NULL);
      exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"front_chair\"}", item), NULL, NULL);
      exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"raiser\"}", item), NULL, NULL);
    }
  }
  /* Between the deadline and the late reply: overdue and accounting as of 1/11 */
  out = call("overdue", "{\"as_of\": \"2022-11-01\"}");
  {
    long od[32];
    int n_od = json_nums(fmt("{\"x\":%s}", out), "x", od, 32), found_late = 0, found_adv = 0;
    for (i = 0; i < n_od && i < 32; ++i) {
      if (od[i] == late) found_late = 1;
      if (od[i] == adv_items[0]) found_adv = 1;
    }
    CHECK(found_late && found_adv);
  }
  dt_free(out);
  set_day(2022, 11, 2);
  exec(officer_land, fmt("{\"type\": \"write_reply\", \"item\": %ld, \"number\": \"350/UBND-VP\", \"signer\": %ld, \"text\": \"Đã thay bóng đèn\"}", late, officer_land), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"party_head\"}", late), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"government_head\"}", late), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"front_chair\"}", late), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"raiser\"}", late), NULL, NULL);
  /* The standing of the late item: overdue on 1/11, resolved on 2/11 (exact as of any day) */
  out = call("standing", fmt("{\"item\": %ld, \"as_of\": \"2022-11-01\"}", late));
  CHECK(strcmp(out, "\"overdue\"") == 0);
  dt_free(out);
  out = call("standing", fmt("{\"item\": %ld, \"as_of\": \"2022-11-02\"}", late));
  CHECK(strcmp(out, "\"resolved\"") == 0);
  dt_free(out);
  out = call("due_within", "{\"from\": \"2022-11-02\", \"days\": 30}");
  CHECK(contains(out, fmt("%ld", complex_item)));
  dt_free(out);

  /* The district replies to the escalated item; the complex one is answered in time */
  (void)district_officer;
  set_day(2022, 11, 25);
  exec(officer_land, fmt("{\"type\": \"write_reply\", \"item\": %ld, \"number\": \"400/UBND-VP\", \"signer\": %ld, \"text\": \"Đã bố trí quỹ đất tái định cư\"}", complex_item, officer_land), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"party_head\"}", complex_item), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"government_head\"}", complex_item), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"front_chair\"}", complex_item), NULL, NULL);
  exec(office, fmt("{\"type\": \"record_delivery\", \"item\": %ld, \"recipient\": \"raiser\"}", complex_item), NULL, NULL);

  /* Supervision (R14): the Front reopens one and closes another */
  set_day(2022, 11, 28);
  exec(front, fmt("{\"type\": \"record_finding\", \"item\": %ld, \"text\": \"Ngõ 30 vẫn ngập khi mưa ngày 26/11\", \"satisfactory\": false}", reopened), NULL, NULL);
  exec(front, fmt("{\"type\": \"reopen\", \"item\": %ld, \"reason\": \"Kết quả giải quyết chưa thỏa đáng\"}", reopened), NULL, NULL);
  out = call("item", fmt("{\"id\": %ld}", reopened));
  CHECK(contains(out, "\"status\":\"assigned\""));
  CHECK(contains(out, "\"reopened\":1"));
  dt_free(out);
  exec(front, fmt("{\"type\": \"close_item\", \"item\": %ld, \"note\": \"MTTQ phường giám sát: đã giải quyết\"}", items[0]), NULL, NULL);
  out = call("item_status", fmt("{\"id\": %ld}", items[0]));
  CHECK(strcmp(out, "\"closed\"") == 0);
  dt_free(out);

  /* Accounting as of past days (R15): 30/10 (before any late reply) and 1/11 */
  out = call("accounting", fmt("{\"unit\": %ld, \"as_of\": \"2022-11-01\"}", bode));
  CHECK(json_num(out, "items") == 14);
  CHECK(json_num(out, "overdue") == 2); /* the street light and the advance playground item */
  CHECK(json_num(out, "resolved") + json_num(out, "outstanding") == json_num(out, "items"));
  dt_free(out);
  out = call("items", fmt("{\"unit\": %ld, \"standing\": \"overdue\", \"as_of\": \"2022-11-01\"}", bode));
  n_all = json_nums(fmt("{\"x\":%s}", out), "x", all, 64);
  CHECK(n_all == 2);
  dt_free(out);
  out = call("items", fmt("{\"unit\": %ld, \"status\": \"assigned\", \"expand\": true}", bode));
  CHECK(contains(out, "Ngập úng ngõ 30")); /* reopened: assigned again */
  CHECK(contains(out, "Sân chơi cho trẻ em khu tập thể")); /* never replied */
  dt_free(out);

  /* Report (R16) for 2022 as of 31/12 */
  out = call("report", fmt("{\"unit\": %ld, \"period\": {\"kind\": \"year\", \"year\": 2022}, \"as_of\": \"2022-12-31\"}", bode));
  CHECK(contains(out, "\"schema\":\"doithoai.report/1\""));
  CHECK(contains(out, "\"conferences\":{\"current\":1,"));
  CHECK(contains(out, "\"items\":{\"current\":14,"));
  CHECK(contains(out, "\"opinions\":{\"current\":7,"));
  dt_free(out);
  out = call("report", fmt("{\"unit\": %ld, \"period\": {\"kind\": \"quarter\", \"year\": 2022, \"quarter\": 4}, \"format\": \"html\", \"lang\": \"en\"}", bode));
  CHECK(out[0] == '"' && contains(out, "<html"));
  dt_free(out);
  out = call("compliance", fmt("{\"unit\": %ld, \"period\": {\"kind\": \"year\", \"year\": 2022}}", hanoi));
  CHECK(contains(out, "doithoai.compliance/1"));
  dt_free(out);

  /* Exports */
  out = call("export_items", fmt("{\"format\": \"csv\", \"unit\": %ld, \"visibility\": \"internal\"}", bode));
  CHECK(strncmp(out, "\"\xEF\xBB\xBF", 4) == 0); /* a JSON string holding the CSV, BOM first */
  dt_free(out);
  out = call("export_items", fmt("{\"format\": \"json\", \"unit\": %ld, \"visibility\": \"internal\", \"as_of\": \"2022-11-01\"}", bode));
  CHECK(contains(out, "\"schema\":\"doithoai.items/1\""));
  dt_free(out);
  out = call("export_items", fmt("{\"format\": \"ical\", \"agency\": %ld, \"visibility\": \"internal\"}", land));
  CHECK(contains(out, "BEGIN:VCALENDAR"));
  dt_free(out);
  /* The item filter: that item's entry only, or none; bad ids are refused, unknown ones not found */
  out = call("export_items", fmt("{\"format\": \"open311\", \"unit\": %ld, \"visibility\": \"internal\", \"item\": %ld}", bode, late));
  CHECK(contains(out, fmt("\"service_request_id\":\"%ld\"", late)));
  CHECK(strstr(strstr(out, "service_request_id") + 1, "service_request_id") == NULL);
  dt_free(out);
  out = call("export_items", fmt("{\"format\": \"open311\", \"unit\": %ld, \"item\": %ld}", bode, late));
  CHECK(strcmp(out, "[]") == 0); /* public view: not published */
  dt_free(out);
  out = call("export_items", fmt("{\"format\": \"json\", \"visibility\": \"internal\", \"as_of\": \"2022-11-01\", \"item\": %ld}", late));
  CHECK(contains(out, fmt("\"id\":%ld,", late)));
  CHECK(strstr(strstr(out, "\"opinion\":") + 1, "\"opinion\":") == NULL);
  dt_free(out);
  CHECK(call_status("export_items", fmt("{\"format\": \"csv\", \"item\": %ld}", late)) == DT_OK);
  CHECK(call_status("export_items", "{\"item\": 987654}") == DT_NOT_FOUND);
  CHECK(call_status("export_items", "{\"format\": \"open311\", \"item\": 4294967294}") == DT_NOT_FOUND);
  CHECK(call_status("export_items", "{\"item\": 0}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": -3}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": 4294967295}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": 18446744073709551616}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": \"7\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": 1.5}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": true}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("export_items", "{\"item\": [1]}") == DT_INVALID_ARGUMENT);

  /* History (R20) */
  out = call("history", fmt("{\"item\": %ld}", late));
  CHECK(contains(out, "\"type\":\"item_assigned\""));
  CHECK(contains(out, "\"type\":\"reply_delivered\""));
  dt_free(out);

  /* Subscribers saw every event, in order, once */
  out = call("flush_subscribers", NULL);
  CHECK(strcmp(out, "true") == 0);
  dt_free(out);
  out = call("last_seq", "{}");
  CHECK(seen.last_seq == atol(out));
  CHECK(seen.events == atol(out));
  CHECK(seen.replies_delivered == 4 * 9);
  dt_free(out);
  out = call("subscriber_stats", NULL);
  CHECK(json_num(out, "callback_errors") == 0);
  dt_free(out);
  CHECK(dt_unsubscribe(sub) == DT_OK);

  /* The hash chain on the SQLite file */
  out = call("verify", NULL);
  CHECK(contains(out, "\"ok\":true"));
  dt_free(out);
  (void)district_office;
  (void)new_item;
  g_resident = residents[0];
  g_item = adv_items[0];
  g_agency = land;
  g_unit = bode;
}

/* ---- imports: JSON rows and a CSV file, resumable row by row ---- */

static void imports(void) {
  char* out;
  char* before;
  char* after;
  FILE* f;
  const char* csv = "c_abi_import.csv";
  /* A row that cannot be decoded imports nothing */
  before = call("last_seq", NULL);
  CHECK(call_status("import_opinions", fmt("{\"actor\": %ld, \"rows\": [{\"unit\": %ld, \"channel\": \"letter\", \"raised_by\": %ld, \"items\": [{\"topic\": \"land\", \"text\": \"Đơn thư 1\"}]}, {\"unit\": %ld, \"colour\": 1}]}",
                                           g_resident, g_unit, g_resident, g_unit)) == DT_INVALID_ARGUMENT);
  after = call("last_seq", NULL);
  CHECK(strcmp(before, after) == 0);
  dt_free(before);
  dt_free(after);
  /* skip: the row naming an unknown unit is listed, the other committed */
  out = call("import_opinions", fmt("{\"actor\": %ld, \"on_error\": \"skip\", \"idempotency_prefix\": \"letters-2022/\", \"rows\": [{\"unit\": %ld, \"channel\": \"letter\", \"raised_by\": %ld, \"items\": [{\"topic\": \"land\", \"text\": \"Đơn thư 1\"}]}, {\"unit\": 999999, \"channel\": \"letter\", \"raised_by\": %ld, \"items\": [{\"topic\": \"land\", \"text\": \"Đơn thư 2\"}]}]}",
                                    g_resident, g_unit, g_resident, g_resident));
  CHECK(json_num(out, "submitted") == 1 && json_num(out, "failed") == 1 && json_num(out, "items") == 1);
  CHECK(contains(out, "\"errors\":[{\"code\":\"not_found\""));
  dt_free(out);
  /* The same import again: the first row's key is recognised, nothing is appended */
  before = call("last_seq", NULL);
  out = call("import_opinions", fmt("{\"actor\": %ld, \"idempotency_prefix\": \"letters-2022/\", \"rows\": [{\"unit\": %ld, \"channel\": \"letter\", \"raised_by\": %ld, \"items\": [{\"topic\": \"land\", \"text\": \"Đơn thư 1\"}]}]}",
                                    g_resident, g_unit, g_resident));
  after = call("last_seq", NULL);
  CHECK(strcmp(before, after) == 0);
  dt_free(before);
  dt_free(after);
  dt_free(out);

  /* CSV: two rows of one opinion, one of another; line 4 fails in raise mode */
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fprintf(f, "\xEF\xBB\xBFunit,raised_by,topic,text,opinion\r\n");
  fprintf(f, "HN-LB-BD,%ld,land,\"Hồ sơ đất, tổ 3\",a\r\n", g_resident);
  fprintf(f, "HN-LB-BD,%ld,urban_order,Đèn đường tổ 3,a\r\n", g_resident);
  fprintf(f, "HN-LB-BD,%ld,no_such_topic,Chủ đề lạ,b\r\n", g_resident);
  fprintf(f, "%ld,%ld,land,Ranh giới thửa đất,c\r\n", g_unit, g_resident);
  fclose(f);
  {
    dt_error* err = NULL;
    int rc = dt_call(E, "import_csv", fmt("{\"actor\": %ld, \"path\": \"%s\"}", g_resident, csv), &out, &err);
    CHECK(rc != DT_OK && out == NULL);
    CHECK(contains(dt_error_message(err), "row 4"));
    CHECK(contains(dt_error_message(err), "start_row 4"));
    dt_error_free(err);
  }
  out = call("import_csv", fmt("{\"actor\": %ld, \"path\": \"%s\", \"start_row\": 5}", g_resident, csv));
  CHECK(json_num(out, "submitted") == 1 && json_num(out, "items") == 1);
  dt_free(out);
  CHECK(call_status("import_csv", fmt("{\"actor\": %ld, \"path\": \"no-such-file.csv\"}", g_resident)) == DT_NOT_FOUND);
  remove(csv);
}

/* ---- errors ---- */

static void errors(void) {
  dt_engine* none = NULL;
  dt_error* err = NULL;
  char* out = NULL;
  const char* lib = NULL;
  int abi = 0, schema = 0;

  CHECK(dt_version(&lib, &abi, &schema) == DT_OK);
  CHECK(lib && strlen(lib) > 0 && abi == DT_ABI_VERSION && schema == 1);
  CHECK(dt_version(NULL, NULL, NULL) == DT_OK);
  CHECK(strcmp(dt_status_name(DT_NOT_FOUND), "not_found") == 0);
  CHECK(strcmp(dt_status_name(12345), "unknown") == 0);

  /* NULL handles and out-parameters */
  CHECK(dt_execute(NULL, "{}", &out, &err) == DT_INVALID_ARGUMENT && out == NULL);
  CHECK(dt_error_code(err) == DT_INVALID_ARGUMENT);
  dt_error_free(err);
  CHECK(dt_call(NULL, "item", "{\"id\": 1}", &out, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_call(E, NULL, "{}", &out, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_call(E, "last_seq", "{}", NULL, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_execute(E, NULL, &out, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_engine_open("{}", NULL, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_subscribe(NULL, on_event, NULL, NULL, NULL) == DT_INVALID_ARGUMENT);
  {
    dt_subscription* s = NULL;
    CHECK(dt_subscribe(E, NULL, NULL, &s, NULL) == DT_INVALID_ARGUMENT && s == NULL);
  }
  CHECK(dt_engine_close(NULL) == DT_OK);
  CHECK(dt_unsubscribe(NULL) == DT_OK);
  dt_free(NULL);
  dt_error_free(NULL);
  CHECK(dt_error_code(NULL) == DT_INVALID_ARGUMENT);
  CHECK(strcmp(dt_error_message(NULL), "") == 0);

  /* Bad JSON, wrong shapes, unknown fields and methods */
  CHECK(exec_status("{\"actor\": \"system\", \"command\": ") == DT_INVALID_ARGUMENT);
  CHECK(exec_status("[1, 2]") == DT_INVALID_ARGUMENT);
  CHECK(exec_status("{\"actor\": \"system\", \"command\": {\"type\": \"no_such_command\"}}") == DT_INVALID_ARGUMENT);
  CHECK(exec_status("{\"actor\": -1, \"command\": {\"type\": \"create_unit\", \"name\": \"X\", \"level\": \"xa\"}}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("no_such_method", "{}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("item", "{\"id\": 1, \"colour\": \"red\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("item", "{\"id\": \"one\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("item", "[1]") == DT_INVALID_ARGUMENT);
  CHECK(call_status("item", "{") == DT_INVALID_ARGUMENT);
  CHECK(call_status("item", "{}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("overdue", "{\"as_of\": \"2022-02-30\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("report", "{\"period\": {\"kind\": \"fortnight\", \"year\": 2022}}") == DT_INVALID_ARGUMENT);
  /* Deep nesting is refused before parsing */
  {
    char deep[300];
    int i;
    for (i = 0; i < 100; ++i) deep[i] = '[';
    for (i = 100; i < 200; ++i) deep[i] = ']';
    deep[200] = '\0';
    CHECK(exec_status(deep) == DT_INVALID_ARGUMENT);
  }

  /* Unknown ids */
  CHECK(call_status("item", "{\"id\": 999999}") == DT_NOT_FOUND);
  CHECK(call_status("standing", "{\"item\": 999999, \"as_of\": \"2022-12-31\"}") == DT_NOT_FOUND);
  CHECK(exec_status("{\"actor\": \"system\", \"command\": {\"type\": \"assign\", \"item\": 999999, \"agency\": 1}}") == DT_NOT_FOUND);

  /* Invalid UTF-8: in the JSON text itself, and in a value; the message stays valid UTF-8 */
  CHECK(exec_status("{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"Ph\xff\xfe\", \"level\": \"xa\"}}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("find_unit", "{\"code\": \"\xc3\x28\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("find_unit\xff", "{}") == DT_INVALID_ARGUMENT);
  {
    int rc = dt_call(E, "no_such_\xff", "{}", &out, &err);
    const unsigned char* m;
    CHECK(rc == DT_INVALID_ARGUMENT);
    m = (const unsigned char*)dt_error_message(err);
    for (; *m; ++m) CHECK(*m != 0xff);
    dt_error_free(err);
  }

  /* Refused by the rules: a resident may not assign (R19); nothing changes */
  {
    char* before = call("last_seq", NULL);
    char* after;
    char request[256];
    sprintf(request, "{\"actor\": %ld, \"command\": {\"type\": \"assign\", \"item\": %ld, \"agency\": %ld}}",
            g_resident, g_item, g_agency);
    CHECK(exec_status(request) == DT_PERMISSION_DENIED);
    after = call("last_seq", NULL);
    CHECK(strcmp(before, after) == 0);
    dt_free(before);
    dt_free(after);
  }

  /* Every kind of exception injected inside the library comes back as a status */
  CHECK(call_status("debug_throw", "{\"what\": \"error\"}") == DT_STORAGE);
  CHECK(call_status("debug_throw", "{\"what\": \"bad_alloc\"}") == DT_OUT_OF_MEMORY);
  CHECK(call_status("debug_throw", "{\"what\": \"runtime_error\"}") == DT_INTERNAL);
  CHECK(call_status("debug_throw", "{\"what\": \"json\"}") == DT_INVALID_ARGUMENT);
  CHECK(call_status("debug_throw", "{\"what\": \"int\"}") == DT_INTERNAL);

  /* Store failures: a file in a directory that does not exist; a read-only store */
  CHECK(dt_engine_open("{\"store\": \"/nonexistent-dir/x/y.db\"}", &none, &err) == DT_STORAGE);
  CHECK(none == NULL && dt_error_code(err) == DT_STORAGE);
  dt_error_free(err);
  CHECK(dt_engine_open("{\"store\": \":memory:\", \"profile\": \"no-such-profile\"}", &none, NULL) == DT_NOT_FOUND);
  CHECK(dt_engine_open("{\"stor\": \":memory:\"}", &none, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_engine_open("{\"store\": \":memory:\", \"import_jsonl\": \"x.jsonl\"}", &none, NULL) == DT_UNSUPPORTED);
  CHECK(call_status("set_clock", "{\"now\": \"2022-12-01\"}") == DT_INVALID_ARGUMENT); /* not an instant */
  CHECK(none == NULL);
}

/* A second engine on the same file sees the whole conference (replay from SQLite), read-only
 * refuses writes, and a memory engine has no hash chain to verify. */
static void reopen(const char* path) {
  dt_engine* ro = NULL;
  dt_engine* mem = NULL;
  char opts[1024];
  char* out = NULL;
  snprintf(opts, sizeof opts, "{\"store\": \"%s\", \"sqlite\": {\"read_only\": true}}", path);
  CHECK(dt_engine_open(opts, &ro, NULL) == DT_OK);
  if (ro) {
    int rc;
    CHECK(dt_call(ro, "accounting", "{\"unit\": 1, \"as_of\": \"2022-11-01\"}", &out, NULL) == DT_OK); /* Hà Nội */
    CHECK(json_num(out, "items") == 15); /* with the district's escalated item */
    dt_free(out);
    rc = dt_execute(ro, "{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"Phường mới\", \"level\": \"xa\"}}", &out, NULL);
    CHECK(rc == DT_STORAGE || rc == DT_UNSUPPORTED);
    CHECK(out == NULL);
    dt_engine_close(ro);
  }
  CHECK(dt_engine_open(NULL, &mem, NULL) == DT_OK);
  CHECK(dt_call(mem, "verify", NULL, &out, NULL) == DT_UNSUPPORTED);
  dt_engine_close(mem);
}

/* Evidence attachments (issue 14): bytes in through dt_attachment_put, out through
 * dt_public_attachment only once the reply is published with the attachment publishable. */
static void attachments(const char* dir) {
  dt_engine* a = NULL;
  dt_engine* mem = NULL;
  dt_error* err = NULL;
  char opts[2048];
  char* sha = NULL;
  char* bytes = NULL;
  size_t n = 99;
  static const char photo[] = "\xff\xd8 photo\0with a NUL";
  const size_t photo_len = sizeof photo - 1;
  snprintf(opts, sizeof opts, "{\"attachments\": {\"directory\": \"%s\", \"max_bytes\": 1024}}", dir);
  CHECK(dt_engine_open(opts, &a, NULL) == DT_OK);
  if (!a) return;
  CHECK(dt_attachment_put(a, photo, photo_len, &sha, NULL) == DT_OK);
  CHECK(sha != NULL && strlen(sha) == 64);
  CHECK(dt_attachment_put(a, photo, 0, &bytes, &err) == DT_INVALID_ARGUMENT); /* empty */
  CHECK(bytes == NULL && err != NULL);
  dt_error_free(err);
  err = NULL;
  CHECK(dt_attachment_put(a, NULL, 5, &bytes, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_attachment_put(a, photo, photo_len, NULL, NULL) == DT_INVALID_ARGUMENT);
  /* Not public (nothing refers to it): not found; a path or a bad hash: invalid. */
  CHECK(dt_public_attachment(a, sha, &bytes, &n, &err) == DT_NOT_FOUND);
  CHECK(bytes == NULL && n == 0);
  dt_error_free(err);
  CHECK(dt_public_attachment(a, "../../etc/passwd", &bytes, &n, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_public_attachment(a, NULL, &bytes, &n, NULL) == DT_INVALID_ARGUMENT);
  CHECK(dt_public_attachment(a, sha, NULL, &n, NULL) == DT_INVALID_ARGUMENT);
  {
    char* out = NULL;
    CHECK(dt_call(a, "verify_attachments", NULL, &out, NULL) == DT_OK);
    CHECK(out && contains(out, "\"ok\":true"));
    dt_free(out);
  }
  dt_free(sha);
  dt_engine_close(a);
  /* Without a store: unsupported. */
  CHECK(dt_engine_open(NULL, &mem, NULL) == DT_OK);
  CHECK(dt_attachment_put(mem, photo, photo_len, &sha, NULL) == DT_UNSUPPORTED);
  CHECK(sha == NULL);
  CHECK(dt_engine_open("{\"attachments\": 3}", &a, NULL) == DT_INVALID_ARGUMENT);
  dt_engine_close(mem);
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "c_abi_test.db";
  char aside[1024];
  remove(path);
  snprintf(aside, sizeof aside, "%s-wal", path);
  remove(aside);
  snprintf(aside, sizeof aside, "%s-shm", path);
  remove(aside);
  conference(path);
  imports();
  errors();
  dt_engine_close(E);
  E = NULL;
  reopen(path);
  snprintf(aside, sizeof aside, "%s-attachments", path);
  attachments(aside);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
