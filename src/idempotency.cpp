#include "idempotency.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "doithoai/error.h"
#include "doithoai/json.h"
#include "doithoai/model.h"
#include "text.h"

namespace doithoai::detail {

std::string request_digest(PersonId actor, const Command& c) {
  std::string buf = "doithoai.request.v1";
  for (int i = 3; i >= 0; --i) buf.push_back(static_cast<char>((actor.value >> (8 * i)) & 0xFF));
  try {
    buf += command_to_json(c).dump();
  } catch (const nlohmann::json::exception&) {  // dump() refuses text that is not UTF-8
    throw Error(ErrorCode::invalid_argument, "the command holds text that is not valid UTF-8");
  }
  std::string out(32, '\0');
  unsigned int n = 0;
  if (!EVP_Digest(buf.data(), buf.size(), reinterpret_cast<unsigned char*>(out.data()), &n, EVP_sha256(), nullptr) ||
      n != 32)
    throw Error(ErrorCode::storage, "SHA-256 failed");
  return out;
}

void check_idempotency_key(std::string_view key) {
  if (key.size() > kMaxNameBytes)
    throw Error(ErrorCode::invalid_argument, "idempotency key longer than " + std::to_string(kMaxNameBytes) + " bytes");
  for (const unsigned char c : key)
    if (c < 0x20 || c == 0x7F)
      throw Error(ErrorCode::invalid_argument, "idempotency key holds a control character");
  if (!valid_utf8(key)) throw Error(ErrorCode::invalid_argument, "idempotency key is not valid UTF-8");
}

Result result_of(const std::vector<Recorded>& events) {
  Result r;
  r.first_seq = events.front().seq;
  r.last_seq = events.back().seq;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ev::UnitCreated>) r.id = e.unit.value;
        else if constexpr (std::is_same_v<E, ev::AgencyCreated>) r.id = e.agency.value;
        else if constexpr (std::is_same_v<E, ev::OrganizationCreated>) r.id = e.organization.value;
        else if constexpr (std::is_same_v<E, ev::PersonRegistered>) r.id = e.person.value;
        else if constexpr (std::is_same_v<E, ev::ConferencePlanned>) r.id = e.conference.value;
        else if constexpr (std::is_same_v<E, ev::NoticeIssued>) r.id = e.notice.value;  // issue_reminders
        else if constexpr (std::is_same_v<E, ev::NoticeAcknowledged>) r.id = e.notice.value;
        else if constexpr (std::is_same_v<E, ev::OpinionSubmitted>) {
          r.id = e.opinion.value;
          for (std::size_t k = 0; k < e.items.size(); ++k)
            r.items.push_back(ItemId(e.first_item.value + static_cast<std::uint32_t>(k)));
        } else if constexpr (std::is_same_v<E, ev::ItemEscalated>) {
          r.id = e.new_item.value;
          r.items.push_back(e.new_item);
        }
      },
      events.front().event);
  return r;
}

// ---- the window ----

std::optional<Result> IdempotencyWindow::replay(const EventStore& store, std::string_view key,
                                                const std::string& digest, std::uint64_t known_last) {
  auto it = keys_.find(std::string(key));
  Entry fetched;  // a key found in the store
  if (it == keys_.end()) {
    if (complete_) return std::nullopt;
    std::uint64_t seq = 0;
    std::string stored;
    if (!store.find_idempotency_key(key, seq, stored) || seq > known_last) return std::nullopt;
    std::vector<Recorded> first;
    store.read(seq, [&](const Recorded& r, std::string_view k) {
      if (r.seq == seq && k == key) first.push_back(r);
      return false;
    });
    if (first.empty())
      throw Error(ErrorCode::corruption, "idempotency key '" + std::string(key) + "' names event " +
                                             std::to_string(seq) + ", which does not carry it");
    fetched.result = result_of(first);
    set_digest(fetched, stored);
    it = insert(key, fetched.result);
    if (it != keys_.end()) it->second = fetched;  // else a window of 0: held by nobody
  } else if (it->second.state == Digest::unknown) {
    std::string stored;
    if (!store.idempotency_digest(key, stored)) stored.clear();
    set_digest(it->second, stored);
  }
  const Entry& e = it != keys_.end() ? it->second : fetched;
  if (e.state == Digest::known &&
      (digest.size() != e.digest.size() || std::memcmp(digest.data(), e.digest.data(), e.digest.size()) != 0))
    throw Error(ErrorCode::conflict, "idempotency key '" + std::string(key) +
                                         "' was first used for a different request (command or actor)");
  Result r = e.result;
  r.replayed = true;
  return r;
}

void IdempotencyWindow::remember(std::string_view key, const Result& result, const std::string* digest) {
  const auto it = insert(key, result);
  if (it != keys_.end() && digest) set_digest(it->second, *digest);
}

IdempotencyWindow::Map::iterator IdempotencyWindow::insert(std::string_view key, const Result& result) {
  if (capacity_ == 0) {
    complete_ = false;
    return keys_.end();
  }
  auto [it, fresh] = keys_.try_emplace(std::string(key));
  it->second.result = result;
  it->second.result.replayed = false;
  if (!fresh) return it;
  order_.push_back(&it->first);
  while (keys_.size() > capacity_) {
    keys_.erase(keys_.find(*order_.front()));  // never `it`: it is the newest
    order_.pop_front();
    complete_ = false;
  }
  return it;
}

void IdempotencyWindow::set_digest(Entry& e, const std::string& digest) {
  // A store row without a digest (written before digests), or a digest of another size
  // (not one this build writes): matches any request, as before windows.
  if (digest.size() != e.digest.size()) {
    e.state = Digest::none;
    return;
  }
  std::memcpy(e.digest.data(), digest.data(), e.digest.size());
  e.state = Digest::known;
}

std::unordered_map<std::string, Result> IdempotencyWindow::results() const {
  std::unordered_map<std::string, Result> out;
  out.reserve(keys_.size());
  for (const auto& [k, e] : keys_) out.emplace(k, e.result);
  return out;
}

void IdempotencyWindow::restore(std::unordered_map<std::string, Result> results) {
  keys_.clear();
  order_.clear();
  // A snapshot written with a smaller window (or by a build without one) may not hold every
  // key of the log: from now on a key not held is looked up.
  complete_ = false;
  std::vector<std::pair<const std::string*, const Result*>> by_seq;
  by_seq.reserve(results.size());
  for (const auto& [k, r] : results) by_seq.emplace_back(&k, &r);
  std::sort(by_seq.begin(), by_seq.end(),
            [](const auto& a, const auto& b) { return a.second->first_seq < b.second->first_seq; });
  const std::size_t skip = by_seq.size() > capacity_ ? by_seq.size() - capacity_ : 0;
  for (std::size_t i = skip; i < by_seq.size(); ++i) insert(*by_seq[i].first, *by_seq[i].second);
}

}  // namespace doithoai::detail
