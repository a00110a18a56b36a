// API key verification and token buckets (keys.h).
#include "keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cmath>
#include <functional>
#include <memory>

namespace doithoaid {

namespace {
std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}
}  // namespace

std::string sha256_hex(std::string_view text) {
  static const char* digits = "0123456789abcdef";
  const auto h = sha256(text);
  std::string out;
  out.reserve(64);
  for (unsigned char b : h) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

KeyRing::KeyRing(const std::vector<ApiKey>& keys) : keys_(keys) {
  for (const ApiKey& k : keys) {
    std::array<unsigned char, 32> h{};
    for (std::size_t i = 0; i < 32 && 2 * i + 1 < k.sha256_hex.size(); ++i)
      h[i] = static_cast<unsigned char>(hex_digit(k.sha256_hex[2 * i]) * 16 + hex_digit(k.sha256_hex[2 * i + 1]));
    hashes_.push_back(h);
  }
}

const ApiKey* KeyRing::verify(std::string_view presented) const {
  const auto h = sha256(presented);
  const ApiKey* found = nullptr;
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    // Every hash is compared in full, whatever matched before.
    const bool same = CRYPTO_memcmp(h.data(), hashes_[i].data(), 32) == 0;
    if (same) found = &keys_[i];
  }
  return found;
}

bool TokenBucket::take(std::chrono::steady_clock::time_point now, int& retry_after_s) {
  if (!started_) {
    started_ = true;
    last_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  retry_after_s = std::max(1, static_cast<int>(std::ceil((1 - tokens_) / rate_)));
  return false;
}

RateLimiter::RateLimiter(const std::vector<ApiKey>& keys, double ip_rate, double ip_burst)
    : ip_rate_(ip_rate), ip_burst_(ip_burst) {
  for (const ApiKey& k : keys) {
    keys_.push_back(std::make_unique<KeySlot>());
    keys_.back()->bucket = TokenBucket(k.rate_per_second, k.burst);
  }
}

bool RateLimiter::allow_key(std::size_t key_index, int& retry_after_s) {
  KeySlot& slot = *keys_.at(key_index);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(slot.mutex);
  return slot.bucket.take(now, retry_after_s);
}

bool RateLimiter::allow_ip(const std::string& address, int& retry_after_s) {
  if (ip_rate_ <= 0) return true;
  IpShard& shard = shards_[std::hash<std::string>{}(address) % shards_.size()];
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(shard.mutex);
  // A full bucket is the same as no bucket: forget addresses idle long enough to have refilled,
  // so many distinct clients cannot grow the table without bound.
  if (shard.buckets.size() > 4096 && now - shard.last_sweep > std::chrono::seconds(1)) {
    shard.last_sweep = now;
    const double refill_s = ip_burst_ / ip_rate_;
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      if (std::chrono::duration<double>(now - it->second.last()).count() > refill_s) it = shard.buckets.erase(it);
      else ++it;
    }
  }
  auto it = shard.buckets.find(address);
  if (it == shard.buckets.end()) it = shard.buckets.emplace(address, TokenBucket(ip_rate_, ip_burst_)).first;
  return it->second.take(now, retry_after_s);
}

}  // namespace doithoaid
