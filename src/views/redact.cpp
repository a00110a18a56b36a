// R13: removing personal data from public text.
//
// Three passes, in this order:
//   1. e-mail addresses (local@domain.tld, letters of any script, NFC or NFD);
//   2. words: the names and addresses of registered people who did not consent, and the
//      name written after an honorific ("ông An", "bà Nguyễn Thị Hoa"), unless it is the name
//      of a consenting person and of no one who did not consent;
//   3. numbers shaped like phone or id numbers, and any registered person's number.
// Text is compared in a folded form: each code point is decomposed (ICU NFD), combining
// marks dropped, đ/Đ mapped to d and the rest lower-cased, so "Nguyễn Văn An" (NFC or NFD),
// "NGUYỄN VĂN AN" and "Nguyen Van An" all match. Matching is by whole words; the span
// replaced in the original text covers the matched words with their combining marks.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <cstring>
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
const char* const kEmail = "[thư điện tử đã ẩn]";
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

// ---- numbers: phones and id numbers ----------------------------------------------------
//
// A run is a sequence of tokens separated by single spaces; a token is groups of digits joined
// by '.' or '-', never split ("150.000.000", "2022-10-30" are one token), optionally with "+"
// first or a parenthesised area code "(024)" as its first token. A candidate is one or more
// consecutive tokens of a run, tried longest first (at most 15 digits, E.164) from each token;
// it is replaced when its digits have the shape of a phone or id number (classify). A
// candidate never starts inside a token, so the tail of "1.500.000.000" is never a number.

struct Tok {
  std::size_t begin = 0, end = 0;  // byte span in the text, with "+" and parentheses
  std::size_t digits_at = 0;       // where its digits start in Run::digits
  std::size_t ndigits = 0;
  std::size_t groups = 0;          // digit groups inside the token
  std::size_t first_group = 0;     // digits in the first group
  std::size_t min_group = 0;       // over all groups
  bool rest_by_3 = true;           // every group after the first has 3 digits
  bool all_3 = true;               // every group has 3 digits
  char sep = 0;                    // '.' or '-' between groups (0: one group)
  bool mixed = false;              // both '.' and '-'
  bool plus = false, paren = false;
  bool clean_end = false;          // not glued to a following letter or digit
};

struct Run {
  std::vector<Tok> toks;
  std::string digits;
};

void add_group(Tok& t, std::size_t len) {
  if (t.groups == 0) {
    t.first_group = t.min_group = len;
  } else {
    t.min_group = std::min(t.min_group, len);
    t.rest_by_3 = t.rest_by_3 && len == 3;
  }
  t.all_3 = t.all_3 && len == 3;
  ++t.groups;
  t.ndigits += len;
}

// Parses one token at s[i] into run; false when there is none.
bool parse_tok(std::string_view s, std::size_t i, Run& run) {
  const bool first = run.toks.empty();
  const bool after_plus = run.toks.size() == 1 && run.toks[0].plus;  // "+84 (24) 3825 1234"
  const std::size_t n = s.size();
  Tok t;
  t.begin = i;
  t.digits_at = run.digits.size();
  if (first && s[i] == '+' && i + 1 < n && is_digit(s[i + 1])) {
    t.plus = true;
    ++i;
  }
  if ((first || after_plus) && !t.plus && s[i] == '(') {  // "(024)", "(0236)": an area code
    std::size_t j = i + 1;
    while (j < n && is_digit(s[j])) ++j;
    const std::size_t len = j - i - 1;
    if (len < 2 || len > 4 || j >= n || s[j] != ')') return false;
    run.digits.append(s.data() + i + 1, len);
    add_group(t, len);
    t.paren = true;
    t.end = j + 1;
    t.clean_end = t.end == n || !is_word_byte(s[t.end]) || is_digit(s[t.end]);  // "(024)3825..." goes on
    run.toks.push_back(t);
    return true;
  }
  if (i >= n || !is_digit(s[i])) return false;
  for (;;) {
    std::size_t j = i;
    while (j < n && is_digit(s[j])) ++j;
    run.digits.append(s.data() + i, j - i);
    add_group(t, j - i);
    i = j;
    if (i + 1 < n && (s[i] == '.' || s[i] == '-') && is_digit(s[i + 1])) {
      if (t.sep && t.sep != s[i]) t.mixed = true;
      t.sep = s[i];
      ++i;
      continue;
    }
    break;
  }
  t.end = i;
  t.clean_end = i == n || !is_word_byte(s[i]);
  run.toks.push_back(t);
  return true;
}

// Whether a currency word follows position i: "150 000 000 đồng" is an amount.
bool currency_follows(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  static const char* const kWords[] = {"đồng", "Đồng", "ĐỒNG", "đ", "vnđ", "VNĐ", "vnd", "VND", "triệu", "tỷ", "nghìn", "ngàn"};
  for (const char* w : kWords) {
    const std::size_t len = std::strlen(w);
    if (s.substr(i, len) == w && (i + len == s.size() || !is_word_byte(s[i + len]))) return true;
  }
  return false;
}

// Whether the few words before position i name an id document ("CMND số", "CCCD:", "căn
// cước", "định danh"): then 9 or 12 digits are an id number whatever their grouping.
bool id_named_before(std::string_view s, std::size_t i) {
  const std::size_t from = i > 32 ? i - 32 : 0;
  std::string before(s.substr(from, i - from));
  for (char& c : before)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const char* w : {"cmnd", "cccd", "cmt", "căn cước", "định danh", "hộ chiếu"})
    if (before.find(w) != std::string::npos) return true;
  return false;
}

// Tokens [a, b] of the run: a replacement label, or nullptr to keep them.
const char* classify(std::string_view s, const Run& run, std::size_t a, std::size_t b,
                     const std::unordered_set<std::string>* known) {
  const Tok& fa = run.toks[a];
  const Tok& fb = run.toks[b];
  const std::size_t n = fb.digits_at + fb.ndigits - fa.digits_at;
  const std::string_view d(run.digits.data() + fa.digits_at, n);
  if (known && n >= 9 && known->count(std::string(d))) return n == 9 || n == 12 ? kIdNumber : kPhone;
  if (fa.plus) return n >= 9 && n <= 15 ? kPhone : nullptr;  // international notation
  if ((n == 9 || n == 12) && id_named_before(s, fa.begin)) return kIdNumber;  // "CMND số 123.456.789"
  const bool separated = a != b || fa.groups > 1 || fa.paren;
  const bool p84 = n >= 3 && d[0] == '8' && d[1] == '4' && d[2] != '0';
  if (!separated) {
    if (d[0] == '0' && (n == 10 || n == 11)) return kPhone;
    if (p84 && (n == 11 || n == 12)) return kPhone;
    if (n == 9 || n == 12) return kIdNumber;
    return nullptr;
  }
  std::size_t min_group = fa.min_group;
  bool all_3 = true, one_group_each = true;
  for (std::size_t k = a; k <= b; ++k) {
    const Tok& t = run.toks[k];
    min_group = std::min(min_group, t.min_group);
    all_3 = all_3 && t.all_3;
    one_group_each = one_group_each && t.groups == 1;
  }
  // An amount or count grouped by thousands (first group 1-3 digits, then 3s, no leading
  // zero): with dots it is always a number ("1.500.000", "150.000.000"); with spaces only
  // before a currency word, since id numbers are written 3 by 3 too.
  if (d[0] != '0' && fa.first_group <= 3 && !fa.paren) {
    if (a == b && fa.sep == '.' && !fa.mixed && fa.rest_by_3) return nullptr;
    if (a != b && one_group_each) {
      bool by_3 = true;
      for (std::size_t k = a + 1; k <= b; ++k) by_3 = by_3 && run.toks[k].ndigits == 3;
      if (by_3 && currency_follows(s, fb.end)) return nullptr;
    }
  }
  if (min_group < 2) return nullptr;  // "0 1 2 3 4": a list, not a number
  // Mobile numbers are 0 + 9 digits (03, 05, 07, 08, 09...); landlines 02x + 8 digits, and the
  // 11-digit 01x mobiles of before 2018; the same with 84 for the 0.
  if (d[0] == '0' && ((n == 10 && d[1] >= '3') || (n == 11 && (d[1] == '1' || d[1] == '2')))) return kPhone;
  if (p84 && ((n == 11 && d[2] >= '3') || (n == 12 && (d[2] == '1' || d[2] == '2')))) return kPhone;
  // Id numbers in groups: 12-digit citizen ids start with a province code 001-096; old 9-digit
  // identity cards are written by 3s ("2022 2023 2024" is neither).
  if ((n == 9 || n == 12) && (d[0] == '0' || all_3)) return kIdNumber;
  return nullptr;
}

std::string redact_numbers_impl(std::string_view s, const std::unordered_set<std::string>* known) {
  std::string out;
  Run run;
  std::size_t copied = 0;
  const std::size_t size = s.size();
  for (std::size_t i = 0; i < size;) {
    const char c = s[i];
    const bool starts = is_digit(c) || ((c == '+' || c == '(') && i + 1 < size && is_digit(s[i + 1]));
    if (!starts || (i > 0 && is_word_byte(s[i - 1]))) {
      ++i;
      continue;
    }
    run.toks.clear();
    run.digits.clear();
    for (std::size_t j = i; parse_tok(s, j, run);) {
      const Tok& t = run.toks.back();
      j = t.end;
      if (!t.clean_end) break;
      if (t.paren && j < size && is_digit(s[j])) continue;                  // "(024)38251234"
      const bool next = j + 1 < size && s[j] == ' ' &&
                        (is_digit(s[j + 1]) || (s[j + 1] == '(' && run.toks.size() == 1 && run.toks[0].plus));
      if (!next) break;  // else the next token
      ++j;
    }
    if (run.toks.empty()) {  // a '(' that opens no area code
      ++i;
      continue;
    }
    const std::size_t k = run.toks.size();
    for (std::size_t a = 0; a < k;) {
      std::size_t last = a;
      while (last + 1 < k && run.toks[last + 1].digits_at + run.toks[last + 1].ndigits - run.toks[a].digits_at <= 15) ++last;
      const char* token = nullptr;
      std::size_t b = last + 1;
      while (b-- > a)
        if (run.toks[b].clean_end && (token = classify(s, run, a, b, known))) break;
      if (!token) {
        ++a;
        continue;
      }
      if (out.empty()) out.reserve(s.size() + 32);
      out.append(s.data() + copied, run.toks[a].begin - copied);
      out += token;
      copied = run.toks[b].end;
      a = b + 1;
    }
    i = run.toks.back().end;
  }
  if (copied == 0) return std::string(s);
  out.append(s.data() + copied, size - copied);
  return out;
}

// ---- e-mail addresses ------------------------------------------------------------------

// Decodes the code point that ends just before s[i]; `at` receives where it starts.
inline UChar32 prev_cp(std::string_view s, std::size_t i, std::size_t& at) {
  std::size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  at = j;
  std::size_t k = j;
  return next_cp(s, k);
}

// A letter, digit or combining mark of any script (fold kinds 0 and 1).
inline bool is_letter_cp(UChar32 c) { return fold(c).kind != 2; }
// The punctuation addresses use in practice (RFC 5322 allows more, but "'an@x.vn'" must keep
// its quote).
inline bool is_local_ascii(char c) { return c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

std::string redact_emails(std::string_view s) {
  std::size_t at = s.find('@');
  if (at == std::string_view::npos) return std::string(s);
  std::string out;
  std::size_t copied = 0;
  for (; at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (at < copied) continue;
    // The local part: letters, digits, marks and the ASCII specials, leftwards.
    std::size_t l = at;
    while (l > copied) {
      const char c = s[l - 1];
      if (static_cast<unsigned char>(c) < 0x80) {
        if (!(is_word_byte(c) || is_local_ascii(c))) break;
        --l;
      } else {
        std::size_t from;
        if (!is_letter_cp(prev_cp(s, l, from))) break;
        l = from;
      }
    }
    while (l < at && s[l] == '.') ++l;
    if (l == at) continue;
    // The domain: labels of letters, digits, marks and '-', joined by dots; at least two labels,
    // the last of at least two characters.
    std::size_t r = at + 1, end = at + 1, label = 0;
    int dots = 0;
    bool valid_end = false;
    while (r < s.size()) {
      const char c = s[r];
      if (c == '.' || c == '-') {
        if (label == 0) break;
        if (c == '.') {
          ++dots;
          label = 0;
        }
        ++r;
        continue;
      }
      std::size_t next = r;
      const UChar32 cp = next_cp(s, next);
      if (!(static_cast<unsigned char>(c) < 0x80 ? is_word_byte(c) : is_letter_cp(cp))) break;
      r = next;
      ++label;
      if (dots > 0 && label >= 2) {
        end = r;
        valid_end = true;
      }
    }
    if (!valid_end) continue;
    out.append(s.data() + copied, l - copied);
    out += kEmail;
    copied = end;
  }
  if (copied == 0) return std::string(s);
  out.append(s.data() + copied, s.size() - copied);
  return out;
}

// ---- names after an honorific -------------------------------------------------------------

// The word's text lower-cased and in NFC (for the few words whose accents decide).
std::string exact_lower(std::string_view w) {
  UErrorCode ec = U_ZERO_ERROR;
  static const icu::Normalizer2* nfc_ = icu::Normalizer2::getNFCInstance(ec);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(w.data(), static_cast<int32_t>(w.size())));
  u.toLower();
  if (nfc_) u = nfc_->normalize(u, ec);
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool is_ascii(std::string_view w) {
  for (char c : w)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Sets of a few dozen words: string_views compare lengths first, so a miss costs little.
template <std::size_t N>
bool in(std::string_view w, const std::string_view (&set)[N]) {
  for (std::string_view x : set)
    if (w == x) return true;
  return false;
}

// ông, bà, anh, chị, em, cô, chú, bác, cụ, cháu: their folded forms, and as written.
constexpr std::string_view kHonorificFolded[] = {"ong", "ba", "anh", "chi", "em", "co", "chu", "bac", "cu", "chau"};
constexpr std::string_view kHonorific[] = {"ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "cháu"};
// A word before the honorific that makes it part of a place: "phố Bà Triệu", "huyện Cô Tô".
constexpr std::string_view kPlaceBefore[] = {"phố", "đường", "ngõ", "ngách", "hẻm", "chợ", "tỉnh", "huyện", "quận", "xã",
                                    "phường", "thôn", "ấp", "bản", "làng", "cầu", "sông", "núi", "đảo", "đền",
                                    "chùa", "miếu", "đình", "khu", "rạch", "kênh", "pho", "duong", "ngo", "ngach",
                                    "hem", "tinh", "huyen", "phuong", "thon"};
// Places and public figures written with an honorific (folded honorific + next word).
constexpr std::string_view kFixedNames[] = {"ba ria", "bac ho", "co to", "ba den", "ba na", "ba chieu", "ba diem", "ba trieu",
                                   "ba huyen", "ong ich", "co giang", "co bac", "ong lanh", "ba queo", "ba hom"};
// Titles that follow an honorific ("ông Chủ tịch", "bà Bí thư"): folded first two words.
constexpr std::string_view kTitles[] = {"chu tich", "chu nhiem", "pho chu", "pho bi", "pho giam", "pho truong", "pho chanh",
                               "bi thu", "giam doc", "truong phong", "truong ban", "truong thon", "truong khu",
                               "to truong", "can bo", "dai bieu", "dai dien", "thu truong", "chanh van", "tong giam",
                               "hieu truong", "ke toan", "cong an", "bac si", "luat su", "dong chi", "thuong ta",
                               "trung ta", "thieu ta", "dai ta", "dai uy", "thuong uy", "trung uy"};
// Words that end a name: units and acronyms ("ông An Phường Bồ Đề", "ông An UBND").
constexpr std::string_view kNameStops[] = {"phường", "quận", "huyện", "tỉnh", "thôn", "ấp", "xóm", "xã", "tổ", "khu", "đường",
                                  "phố", "ngõ", "ngách", "hẻm", "số", "ubnd", "ubmttq", "mttq", "hđnd", "cccd", "cmnd",
                                  "sđt", "đt"};
constexpr std::string_view kNameStopsFolded[] = {"phuong", "quan", "huyen", "tinh", "thon", "ap", "xom", "xa", "to", "khu",
                                        "duong", "pho", "ngo", "ngach", "hem", "so", "ubnd", "ubmttq", "mttq", "hdnd",
                                        "cccd", "cmnd", "sdt", "dt"};

bool is_upper_start(std::string_view w) {
  std::size_t i = 0;
  const UChar32 c = next_cp(w, i);
  return u_isupper(c) || u_istitle(c);
}

// An all-capital word without a vowel is an acronym (HĐND, MTTQ), never a name.
bool acronym(const Word& w, std::string_view text) {
  bool vowel = false;
  for (char c : w.folded) vowel = vowel || std::strchr("aeiouy", c);
  if (vowel) return false;
  std::string_view t = text.substr(w.begin, w.end - w.begin);
  for (std::size_t i = 0; i < t.size();) {
    const UChar32 c = next_cp(t, i);
    if (u_islower(c)) return false;
  }
  return true;
}

inline bool only_spaces(std::string_view s, std::size_t from, std::size_t to) {
  if (from >= to) return false;
  for (std::size_t i = from; i < to; ++i)
    if (s[i] != ' ' && s[i] != '\t') return false;
  return true;
}

// If ws[i] is an honorific followed by a name, the number of name words (1-4); else 0.
std::size_t name_after_honorific(std::string_view s, const std::vector<Word>& ws, std::size_t i) {
  const std::string& f = ws[i].folded;
  // Cheap tests first: most words are not an honorific before a capital.
  if (f.size() > 4 || f.size() < 2 || !std::strchr("oabce", f[0])) return 0;
  if (i + 1 >= ws.size() || !only_spaces(s, ws[i].end, ws[i + 1].begin)) return 0;
  if (!is_upper_start(s.substr(ws[i + 1].begin, ws[i + 1].end - ws[i + 1].begin))) return 0;
  if (!in(f, kHonorificFolded)) return 0;
  const std::string_view hw = s.substr(ws[i].begin, ws[i].end - ws[i].begin);
  // Written with its own accents ("bà", "Ông"), or without any accent ("ba", "Ong"): then the
  // name must be unaccented too, so "Ba Đình" and "có Nguyễn" are not honorific + name.
  bool unaccented = false;
  if (!in(exact_lower(hw), kHonorific)) {
    if (!is_ascii(hw)) return 0;
    unaccented = true;
  }
  if (i > 0 && only_spaces(s, ws[i - 1].end, ws[i].begin) &&
      in(exact_lower(s.substr(ws[i - 1].begin, ws[i - 1].end - ws[i - 1].begin)), kPlaceBefore))
    return 0;
  if (in(f + " " + ws[i + 1].folded, kFixedNames)) return 0;
  if (i + 2 < ws.size() && only_spaces(s, ws[i + 1].end, ws[i + 2].begin) &&
      in(ws[i + 1].folded + " " + ws[i + 2].folded, kTitles))
    return 0;
  std::size_t k = 0;
  for (std::size_t j = i + 1; j < ws.size() && k < 4; ++j, ++k) {
    if (!only_spaces(s, ws[j - 1].end, ws[j].begin)) break;
    const std::string_view w = s.substr(ws[j].begin, ws[j].end - ws[j].begin);
    if (!is_upper_start(w) || (unaccented && !is_ascii(w)) || acronym(ws[j], s)) break;
    if (in(ws[j].folded, kNameStopsFolded) && in(exact_lower(w), kNameStops)) break;
  }
  return k;
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
  // Folded endings of names ("an", "van an", "nguyen van an"): of consenting people, and of
  // the others. A name after an honorific stays only if it ends a consenting person's name
  // and no one else's: "ông An" could be any An.
  std::unordered_set<std::string> consenting_endings, other_endings;

  void add_phrase(std::string_view text, const char* token) {
    const auto ws = words(text);
    if (ws.size() < 2) return;  // one word ("An", "Hà") would erase ordinary words
    std::string p;
    for (const auto& w : ws) p += (p.empty() ? "" : " ") + w.folded;
    phrases.emplace(p, token);
    first_words.insert(ws.front().folded);
    max_words = std::max(max_words, ws.size());
  }
  void add_endings(std::string_view name, bool consent) {
    const auto ws = words(name);
    std::string e;
    for (std::size_t k = ws.size(); k-- > 0;) {
      e = ws[k].folded + (e.empty() ? "" : " ") + e;
      (consent ? consenting_endings : other_endings).insert(e);
    }
  }
  bool name_may_show(const std::vector<Word>& ws, std::size_t from, std::size_t count) const {
    std::string e;
    for (std::size_t k = from; k < from + count; ++k) e += (e.empty() ? "" : " ") + ws[k].folded;
    return consenting_endings.count(e) && !other_endings.count(e);
  }

  // The longest registered phrase starting at word i: its length in words and its label.
  std::pair<std::size_t, const char*> phrase_at(const std::vector<Word>& ws, std::size_t i) const {
    std::size_t best = 0;
    const char* token = nullptr;
    if (phrases.empty() || i >= ws.size() || !first_words.count(ws[i].folded)) return {0, nullptr};
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
    return {best, token};
  }

  // Pass 2: registered names and addresses, and names after an honorific.
  std::string words_out(std::string_view s) const {
    const auto ws = words(s);
    std::string out;
    std::size_t copied = 0;
    const auto replace = [&](std::size_t from, std::size_t count, const char* token) {
      out.append(s.data() + copied, ws[from].begin - copied);
      out += token;
      copied = ws[from + count - 1].end;
    };
    for (std::size_t i = 0; i < ws.size();) {
      if (const auto [best, token] = phrase_at(ws, i); best) {
        replace(i, best, token);
        i += best;
        continue;
      }
      const std::size_t name = name_after_honorific(s, ws, i);
      if (!name) {
        ++i;
        continue;
      }
      if (const auto [best, token] = phrase_at(ws, i + 1); best >= name) {  // a registered name, maybe longer
        replace(i + 1, best, token);
        i += 1 + best;
        continue;
      }
      if (!name_may_show(ws, i + 1, name)) replace(i + 1, name, kName);
      i += 1 + name;
    }
    if (copied == 0) return std::string(s);
    out.append(s.data() + copied, s.size() - copied);
    return out;
  }
};

Redactor::Redactor(const State& state) {
  // The tables depend on the persons only: built once per version of them and shared by
  // every Redactor of this state (StateImpl::redaction), instead of on every public export.
  const StateImpl& s = detail::StateAccess::impl(state);
  impl_ = std::static_pointer_cast<const Impl>(s.redaction.get(s.persons_version, [&s]() -> std::shared_ptr<const void> {
    auto impl = std::make_shared<Impl>();
    impl->people.resize(s.persons.size());
    for (std::size_t i = 1; i < s.persons.size(); ++i) {
      const Person& p = s.persons[i].value;
      impl->people[i] = {p.consent_public, p.name};
      impl->add_endings(p.name, p.consent_public);
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
    return impl;
  }));
}

std::string Redactor::redact(std::string_view text) const {
  std::string no_mail;
  if (text.find('@') != std::string_view::npos) {  // most text has none: no copy
    no_mail = redact_emails(text);
    text = no_mail;
  }
  return redact_numbers_impl(nfc(impl_->words_out(text)), &impl_->known_numbers);
}

std::string Redactor::public_name(PersonId person) const {
  if (person.value < impl_->people.size() && impl_->people[person.value].first)
    return impl_->people[person.value].second;
  return kAnonymous;
}

std::string redact_numbers(std::string_view text) { return redact_numbers_impl(text, nullptr); }

namespace detail {
// Issue 14: the public text of an item whose raiser withheld their name on its opinion. The
// Redactor keeps a consenting person's name; here the opinion wins: the raiser's registered
// name and address (two words or more, folded as the Redactor folds) are removed as well.
std::string public_text(const StateImpl& s, const Redactor& red, std::uint32_t item, std::string_view text) {
  std::string out = red.redact(text);
  const OpinionRec& o = s.opinions[s.items[item].opinion];
  if (!name_withheld(o) || !o.raised_by || !s.has_person(o.raised_by)) return out;
  const Person& p = s.persons[o.raised_by.value].value;
  if (!p.consent_public) return out;  // a non-consenting raiser was redacted already
  for (const auto& [phrase, token] : {std::pair<const std::string&, const char*>{p.name, kName}, {p.address, kAddress}}) {
    const auto target = words(phrase);
    if (target.size() < 2) continue;
    const auto ws = words(out);
    std::string next;
    std::size_t copied = 0;
    for (std::size_t i = 0; i + target.size() <= ws.size();) {
      bool match = true;
      for (std::size_t k = 0; match && k < target.size(); ++k) match = ws[i + k].folded == target[k].folded;
      if (!match) {
        ++i;
        continue;
      }
      next.append(out, copied, ws[i].begin - copied);
      next += token;
      copied = ws[i + target.size() - 1].end;
      i += target.size();
    }
    if (copied) {
      next.append(out, copied, std::string::npos);
      out = std::move(next);
    }
  }
  return out;
}

// src/similar.h: the words duplicate suggestions compare, folded as the redaction folds them.
std::vector<std::string> folded_words(std::string_view text) {
  std::vector<std::string> out;
  for (Word& w : words(text)) out.push_back(std::move(w.folded));
  return out;
}
}  // namespace detail

}  // namespace doithoai
