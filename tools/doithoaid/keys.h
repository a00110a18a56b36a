// API keys and rate limits of doithoaid (docs/service.md, "Keys and scopes", "Limits").
//
// Keys: the configuration holds only SHA-256 hashes; a presented key is hashed and compared
// with every configured hash in constant time (no early exit), so timing tells nothing about
// which key, or how much of one, matched. Rate limits: a token bucket per key and one per client
// address for keyless requests; buckets are sharded so concurrent requests rarely share a lock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "service.h"

namespace doithoaid {

// Lower-case hex SHA-256 of text (OpenSSL).
std::string sha256_hex(std::string_view text);

class KeyRing {
 public:
  explicit KeyRing(const std::vector<ApiKey>& keys);
  // The configured key whose hash is SHA-256(presented), or null.
  const ApiKey* verify(std::string_view presented) const;
  std::size_t size() const { return keys_.size(); }
  // Index of a key of this ring (for its rate bucket).
  std::size_t index_of(const ApiKey* key) const { return static_cast<std::size_t>(key - keys_.data()); }

 private:
  const std::vector<ApiKey>& keys_;
  std::vector<std::array<unsigned char, 32>> hashes_;
};

class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  // Takes one token; when none is left returns false and sets retry_after_s (whole seconds, >= 1).
  bool take(std::chrono::steady_clock::time_point now, int& retry_after_s);
  std::chrono::steady_clock::time_point last() const { return last_; }

 private:
  double rate_ = 1;
  double burst_ = 1;
  double tokens_ = 1;
  std::chrono::steady_clock::time_point last_{};
  bool started_ = false;
};

class RateLimiter {
 public:
  RateLimiter(const std::vector<ApiKey>& keys, double ip_rate, double ip_burst);
  // true: go on. false: over the limit; retry_after_s says when to come back.
  bool allow_key(std::size_t key_index, int& retry_after_s);
  bool allow_ip(const std::string& address, int& retry_after_s);

 private:
  struct KeySlot {
    std::mutex mutex;
    TokenBucket bucket;
  };
  struct IpShard {
    std::mutex mutex;
    std::unordered_map<std::string, TokenBucket> buckets;
    std::chrono::steady_clock::time_point last_sweep{};
  };
  std::vector<std::unique_ptr<KeySlot>> keys_;
  double ip_rate_;
  double ip_burst_;
  std::array<IpShard, 16> shards_;
};

}  // namespace doithoaid
