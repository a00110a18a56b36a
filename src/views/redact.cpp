// R13: removing personal data of people who did not consent from public text.
//
// Text is compared in a folded form: each code point is decomposed (ICU NFD), combining
// marks dropped, đ/Đ mapped to d and the rest lower-cased, so "Nguyễn Văn An" (NFC or NFD),
// "NGUYỄN VĂN AN" and "Nguyen Van An" all match. Matching is by whole words; the span
// replaced in the original text covers the matched words with their combining marks.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "common.h"
#include "doithoai/views.h"

namespace doithoai {
using namespace detail;

namespace {

const char* const kName = "[họ tên đã ẩn]";
const char* const kAddress = "[địa chỉ đã ẩn]";
const char* const kPhone = "[số điện thoại đã ẩn]";
const char* const kIdNumber = "[số định danh đã ẩn]";
const char* const kAnonymous = "Người dân (ẩn danh)";

// Folding of one code point: 0 = a combining mark (belongs to the previous letter),
// 1 = part of a word (folded code point in cp), 2 = a separator.
struct Fold {
  std::uint8_t kind = 2;
  UChar32 cp = 0;
};

Fold fold_icu(UChar32 c) {
  UErrorCode ec = U_ZERO_ERROR;
  static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(ec);
  if (u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_ENCLOSING_MARK) return {0, 0};
  UChar32 base = c;
  icu::UnicodeString dec;
  if (nfd && nfd->getDecomposition(c, dec) && dec.length() > 0) base = dec.char32At(0);
  if (base == 0x0110 || base == 0x0111) base = 'd';
  base = u_tolower(base);
  if (u_isalnum(base)) return {1, base};
  return {2, 0};
}

// A table for the code points Vietnamese text lives in; the rest asks ICU each time.
constexpr UChar32 kTable = 0x2000;
const std::array<Fold, kTable>& fold_table() {
  static std::array<Fold, kTable> t;
  static std::once_flag once;
  std::call_once(once, [] {
    for (UChar32 c = 0; c < kTable; ++c) t[static_cast<std::size_t>(c)] = fold_icu(c);
  });
  return t;
}
inline Fold fold(UChar32 c) { return c < kTable ? fold_table()[static_cast<std::size_t>(c)] : fold_icu(c); }

// Decodes one UTF-8 code point at s[i] (input is valid UTF-8: commands check it).
inline UChar32 next_cp(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;
  UChar32 cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
  ++i;
  for (int k = 0; k < n && i < s.size(); ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return cp;
}

void append_utf8(std::string& out, UChar32 c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

struct Word {
  std::string folded;
  std::size_t begin = 0;  // byte span in the original text
  std::size_t end = 0;
};

std::vector<Word> words(std::string_view s) {
  std::vector<Word> out;
  std::size_t i = 0;
  bool in_word = false;
  while (i < s.size()) {
    const std::size_t at = i;
    const UChar32 c = next_cp(s, i);
    const Fold f = fold(c);
    if (f.kind == 1) {
      if (!in_word) {
        out.push_back(Word{{}, at, at});
        in_word = true;
      }
      append_utf8(out.back().folded, f.cp);
      out.back().end = i;
    } else if (f.kind == 0) {
      if (in_word) out.back().end = i;  // a mark stays with its letter
    } else {
      in_word = false;
    }
  }
  return out;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_digit(c) || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

// Phones and id numbers (and any known personal number in any grouping).
std::string redact_numbers_impl(std::string_view s, const std::unordered_set<std::string>* known) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const bool plus = s[i] == '+' && i + 1 < s.size() && is_digit(s[i + 1]);
    if ((is_digit(s[i]) || plus) && (i == 0 || !is_word_byte(s[i - 1]))) {
      std::size_t j = plus ? i + 1 : i;
      std::string digits;
      bool separated = false;
      while (j < s.size()) {
        if (is_digit(s[j])) {
          digits += s[j++];
        } else if ((s[j] == ' ' || s[j] == '.' || s[j] == '-') && j + 1 < s.size() && is_digit(s[j + 1])) {
          separated = true;
          ++j;
        } else {
          break;
        }
      }
      const bool boundary = j == s.size() || !is_word_byte(s[j]);
      const char* token = nullptr;
      if (boundary) {
        const std::size_t n = digits.size();
        if (known && known->count(digits)) token = n == 9 || n == 12 ? kIdNumber : kPhone;
        else if ((plus || digits.rfind("84", 0) == 0) && (n == 11 || n == 12) && digits.rfind("84", 0) == 0 && digits[2] != '0')
          token = kPhone;
        else if (digits[0] == '0' && (n == 10 || n == 11)) token = kPhone;
        else if (!separated && !plus && (n == 9 || n == 12)) token = kIdNumber;
      }
      if (token) {
        out += token;
      } else {
        out.append(s.data() + i, j - i);
      }
      i = j;
      continue;
    }
    out += s[i++];
  }
  return out;
}

bool has_combining(std::string_view s) {
  // U+0300..U+036F are encoded CC 80..CD AF.
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    if ((s[i] == '\xCC') || (s[i] == '\xCD' && static_cast<unsigned char>(s[i + 1]) <= 0xAF)) return true;
  return false;
}

std::string nfc(std::string s) {
  if (!has_combining(s)) return s;
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(ec);
  if (U_FAILURE(ec)) return s;
  icu::UnicodeString u = n->normalize(icu::UnicodeString::fromUTF8(s), ec);
  if (U_FAILURE(ec)) return s;
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

struct Redactor::Impl {
  std::unordered_map<std::string, const char*> phrases;  // folded phrase -> replacement
  std::unordered_set<std::string> first_words;
  std::unordered_set<std::string> known_numbers;
  std::size_t max_words = 0;
  std::vector<std::pair<bool, std::string>> people;  // by person id: consent, name

  void add_phrase(std::string_view text, const char* token) {
    const auto ws = words(text);
    if (ws.size() < 2) return;  // one word ("An", "Hà") would erase ordinary words
    std::string p;
    for (const auto& w : ws) p += (p.empty() ? "" : " ") + w.folded;
    phrases.emplace(p, token);
    first_words.insert(ws.front().folded);
    max_words = std::max(max_words, ws.size());
  }

  std::string phrases_out(std::string_view s) const {
    if (phrases.empty()) return std::string(s);
    const auto ws = words(s);
    std::string out;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < ws.size();) {
      std::size_t best = 0;
      const char* token = nullptr;
      if (first_words.count(ws[i].folded)) {
        std::string p = ws[i].folded;
        for (std::size_t k = 1; k < max_words && i + k < ws.size(); ++k) {
          p += ' ';
          p += ws[i + k].folded;
          auto it = phrases.find(p);
          if (it != phrases.end()) {
            best = k + 1;
            token = it->second;
          }
        }
      }
      if (!best) {
        ++i;
        continue;
      }
      out.append(s.data() + copied, ws[i].begin - copied);
      out += token;
      copied = ws[i + best - 1].end;
      i += best;
    }
    out.append(s.data() + copied, s.size() - copied);
    return out;
  }
};

Redactor::Redactor(const State& state) {
  auto impl = std::make_shared<Impl>();
  const StateImpl& s = state.impl();
  impl->people.resize(s.persons.size());
  for (std::size_t i = 1; i < s.persons.size(); ++i) {
    const Person& p = s.persons[i].value;
    impl->people[i] = {p.consent_public, p.name};
    if (p.consent_public) continue;
    impl->add_phrase(p.name, kName);
    impl->add_phrase(p.address, kAddress);
    if (!p.phone.empty()) {
      std::string d = digits_of(p.phone);
      if (d.size() >= 9) impl->known_numbers.insert(d);
      if (d.rfind("84", 0) == 0) impl->known_numbers.insert("0" + d.substr(2));
      if (d.rfind("0", 0) == 0) impl->known_numbers.insert("84" + d.substr(1));
    }
    if (!p.citizen_id.empty()) impl->known_numbers.insert(digits_of(p.citizen_id));
  }
  impl_ = std::move(impl);
}

std::string Redactor::redact(std::string_view text) const {
  return nfc(redact_numbers_impl(impl_->phrases_out(text), &impl_->known_numbers));
}

std::string Redactor::public_name(PersonId person) const {
  if (person.value < impl_->people.size() && impl_->people[person.value].first)
    return impl_->people[person.value].second;
  return kAnonymous;
}

std::string redact_numbers(std::string_view text) { return redact_numbers_impl(text, nullptr); }

}  // namespace doithoai
