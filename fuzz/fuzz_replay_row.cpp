// Binary replay rows (the `bin` column of a SQLite store's replay cache, and PostgreSQL's:
// src/binary.h): byte 0 the event type index, then the fields. Opening a store decodes every
// cache row and compares it with the JSON truth (SqliteStore's check_cache_locked) before the
// engine replays it, so any bytes must decode or be refused with Error(corruption). A row that
// decodes must re-encode to bytes that decode to the same encoding; its JSON text is written or
// refused with Error, and is what event_to_json writes whenever its fields pass the import checks.
#include <string>

#include "binary.h"
#include "doithoai/json.h"
#include "fuzz_common.h"
#include "json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  if (size < 1) return 0;
  const char* b = reinterpret_cast<const char*>(data);
  Event ev;
  if (!fuzz::accepts([&] {
        detail::BinReader rd(b + 1, b + size);
        ev = detail::decode_event(rd, static_cast<unsigned char>(b[0]));
      }))
    return 0;
  std::string once;
  detail::encode_event(ev, once);
  detail::BinReader rd(once.data() + 1, once.data() + once.size());
  const Event again = detail::decode_event(rd, static_cast<unsigned char>(once[0]));
  FUZZ_CHECK(rd.pos() == once.data() + once.size());
  std::string twice;
  detail::encode_event(again, twice);
  FUZZ_CHECK(once == twice);
  // What opening a store does with it: the event's name, version and JSON text.
  (void)event_type(ev);
  (void)event_schema_version(ev);
  std::string text;  // refused (Error) only for text that is not valid UTF-8
  const bool has_text = fuzz::accepts([&] { text = detail::event_json_text(ev); });
  if (fuzz::accepts([&] { detail::check_event_fields(ev); })) {
    FUZZ_CHECK(has_text);
    FUZZ_CHECK(text == event_to_json(ev).dump());
    fuzz::accepts([&] {  // ids and enum values event_from_json refuses are a refused row
      std::string back;
      detail::encode_event(event_from_json(event_type(ev), event_schema_version(ev), parse_json(text)), back);
      FUZZ_CHECK(back == once);
    });
  }
  return 0;
}
