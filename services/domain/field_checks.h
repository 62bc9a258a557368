// The field-check primitives every validator uses, so that a text field, a
// range or an enum is judged the same way wherever it appears (an order's
// topic and an expert's name refuse control characters alike). Each adds a
// violation under its path to `v` and never stops: a request hears of every
// bad field at once.
//
//   FieldViolations v;
//   CheckText(o.topic, Text::kLine, 500, /*required=*/true, FieldPath("order", "topic"), v);
//   CheckRange(o.duration_minutes, 15, 720, FieldPath("order", "duration_minutes"), v);
#ifndef KOKEMUS_SERVICES_DOMAIN_FIELD_CHECKS_H_
#define KOKEMUS_SERVICES_DOMAIN_FIELD_CHECKS_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/domain/enum_names.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

// "prefix.field", or "field" without a prefix.
std::string FieldPath(absl::string_view prefix, absl::string_view field);
// "path[i]".
std::string Indexed(absl::string_view path, size_t i);

enum class Text {
  kLine,       // one line (names, titles, topics, addresses): no control characters
  kParagraphs  // free text (notes, comments): line breaks and tabs too
};

// Length in characters of valid UTF-8 text of `kind`, or npos for invalid
// UTF-8 or a control character the kind does not allow.
size_t TextLength(absl::string_view s, Text kind);

// Empty is refused only when `required`; otherwise UTF-8 of `kind` with at
// most `max_length` characters.
void CheckText(
    absl::string_view value, Text kind, size_t max_length, bool required, std::string path,
    FieldViolations& v);
// lo <= value <= hi.
void CheckRange(int64_t value, int64_t lo, int64_t hi, std::string path, FieldViolations& v);
// A Statistics Finland municipality code; empty is refused only when `required`.
void CheckMunicipality(
    absl::string_view value, bool required, std::string path, FieldViolations& v);
// A date YYYY-MM-DD.
void CheckDate(absl::string_view value, std::string path, FieldViolations& v);

// A known value other than UNSPECIFIED.
template <typename E>
void CheckRequiredEnum(E value, std::string path, FieldViolations& v) {
  if (!IsKnown(value)) {
    v.Add(std::move(path), "unknown enum value");
  } else if (static_cast<int>(value) == 0) {
    v.Add(std::move(path), "is required (must not be UNSPECIFIED)");
  }
}

// Known values other than UNSPECIFIED, none twice; at least one if `required`.
template <typename E>
void CheckEnumList(
    const std::vector<E>& values, bool required, const std::string& path, FieldViolations& v) {
  if (values.empty() && required) v.Add(path, "at least one value is required");
  for (size_t i = 0; i < values.size(); ++i) {
    if (!IsKnown(values[i]) || static_cast<int>(values[i]) == 0) {
      v.Add(Indexed(path, i), "unknown or UNSPECIFIED enum value");
    } else if (std::find(values.begin(), values.begin() + i, values[i]) != values.begin() + i) {
      v.Add(Indexed(path, i), "duplicate value");
    }
  }
}

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_FIELD_CHECKS_H_
