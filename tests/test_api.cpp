// The public API's shape: what engine.h and state.h show (and do not), and the reads that
// go through the library's exported read_with (docs/design-notes.md, "Engine behind a
// private implementation").
//
// engine.h is included first and alone, so the checks below see what it pulls in.
#include "doithoai/engine.h"

#if defined(INCLUDE_NLOHMANN_JSON_HPP_)
constexpr bool kEngineHeaderHasFullJson = true;
#else
constexpr bool kEngineHeaderHasFullJson = false;
#endif
#if defined(INCLUDE_NLOHMANN_JSON_FWD_HPP_)
constexpr bool kEngineHeaderHasJsonFwd = true;
#else
constexpr bool kEngineHeaderHasJsonFwd = false;
#endif
// The include guards of libstdc++ and libc++.
#if defined(_GLIBCXX_SHARED_MUTEX) || defined(_LIBCPP_SHARED_MUTEX)
constexpr bool kEngineHeaderHasSharedMutex = true;
#else
constexpr bool kEngineHeaderHasSharedMutex = false;
#endif
#if defined(_GLIBCXX_MUTEX) || defined(_LIBCPP_MUTEX)
constexpr bool kEngineHeaderHasMutex = true;
#else
constexpr bool kEngineHeaderHasMutex = false;
#endif

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "fixture.h"

using namespace doithoai;
using fx::World;

namespace {

// Whether the public headers let a user call these (access is part of the check: a private
// member is as absent as a missing one).
template <class T, class = void>
struct can_apply : std::false_type {};
template <class T>
struct can_apply<T, std::void_t<decltype(std::declval<T&>().apply(std::declval<const Recorded&>()))>>
    : std::true_type {};
template <class T, class = void>
struct can_impl : std::false_type {};
template <class T>
struct can_impl<T, std::void_t<decltype(std::declval<const T&>().impl())>> : std::true_type {};

// A value read() must hand back although it has no default constructor and cannot be copied.
struct Sealed {
  explicit Sealed(std::uint64_t v) : value(std::make_unique<std::uint64_t>(v)) {}
  std::unique_ptr<std::uint64_t> value;
};

}  // namespace

TEST_CASE("engine.h shows only the contract and pulls in no locks or full JSON") {
  CHECK_FALSE(kEngineHeaderHasFullJson);
  CHECK(kEngineHeaderHasJsonFwd);  // execute_json's signature
  CHECK_FALSE(kEngineHeaderHasSharedMutex);
  CHECK_FALSE(kEngineHeaderHasMutex);
  // Everything the engine holds is behind one pointer (src/engine_impl.h).
  CHECK(sizeof(Engine) == sizeof(void*));
}

TEST_CASE("State offers users no apply nor impl nor text pool constructor") {
  CHECK_FALSE(can_apply<State>::value);
  CHECK_FALSE(can_impl<State>::value);
  // Internal constructors taking the text pool (a shared_ptr) are gone from State and
  // MemoryStore: only null could be passed, and neither accepts it.
  CHECK_FALSE(std::is_constructible_v<State, std::nullptr_t>);
  CHECK_FALSE(std::is_constructible_v<MemoryStore, std::nullptr_t>);
  CHECK(std::is_default_constructible_v<State>);
  CHECK(std::is_nothrow_move_constructible_v<State>);
}

TEST_CASE("read and read_as_of return what f returns through the exported read_with") {
  World w;
  const ItemId i = w.letter(w.resident);
  const std::uint64_t seq = w.engine->last_seq();

  // A plain value, a value without default constructor or copy, and void.
  CHECK(w.engine->read([](const State& s) { return s.last_seq(); }) == seq);
  const Sealed sealed = w.engine->read([](const State& s) { return Sealed(s.last_seq()); });
  CHECK(*sealed.value == seq);
  std::uint64_t seen = 0;
  w.engine->read([&](const State& s) { seen = s.item_count(); });
  CHECK(seen == 1);
  auto nothing = [](const State&) {};
  static_assert(std::is_same_v<decltype(w.engine->read(nothing)), void>);
  // A reference returned by f comes back as a copy (as `auto` always did).
  const std::string topic = w.engine->read([&](const State& s) -> const std::string& {
    static thread_local Item keep;
    keep = s.item(i);
    return keep.topic;
  });
  CHECK(topic == w.engine->item(i).topic);

  // read_with itself, with a named callable.
  std::size_t items = 0;
  auto count = [&](const State& s) { items = s.item_count(); };
  w.engine->read_with(count);
  CHECK(items == 1);

  // An exception from f reaches the caller, and the lock is released: a command commits.
  REQUIRE_ERROR(not_found, w.engine->read([](const State& s) { return s.item(ItemId(99)); }));
  CHECK_THROWS_AS(w.engine->read([](const State&) -> int { throw std::runtime_error("f failed"); }),
                  std::runtime_error);
  w.letter(w.resident);
  CHECK(w.engine->last_seq() > seq);

  // read_as_of: today from the live state, a past day from a state rebuilt from the log.
  const Date today = w.engine->today();
  CHECK(w.engine->read_as_of(today, [](const State& s) { return s.item_count(); }) == 2);
  const Date before = today - boost::gregorian::days(1);
  CHECK(w.engine->read_as_of(before, [](const State& s) { return s.item_count(); }) == 0);
  bool answered = false;
  w.engine->read_as_of(before, [&](const State& s) { answered = s.answers_for(before); });
  CHECK(answered);
  REQUIRE_ERROR(invalid_argument, w.engine->read_as_of(Date(), [](const State& s) { return s.last_seq(); }));
}
