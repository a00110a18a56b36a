#include <type_traits>

#include "doithoai/events.h"
#include "reflect.h"

namespace doithoai {

Subjects subjects_of(const Event& e) {
  Subjects s;
  std::visit(
      [&](const auto& x) {
        detail::Reflect<std::decay_t<decltype(x)>>::each(x, [&](const char* name, const auto& f) {
          using F = std::decay_t<decltype(f)>;
          const std::string_view n(name);
          if constexpr (std::is_same_v<F, ItemId>) {
            if (n == "item" || n == "first_item") s.item = f;
            else if (n == "into" || n == "new_item") s.item2 = f;
          } else if constexpr (std::is_same_v<F, OpinionId>) {
            if (n == "opinion") s.opinion = f;
          } else if constexpr (std::is_same_v<F, ConferenceId>) {
            if (n == "conference") s.conference = f;
          } else if constexpr (std::is_same_v<F, UnitId>) {
            if (n == "unit") s.unit = f;
          }
        });
      },
      e);
  return s;
}

}  // namespace doithoai
