#include "services/domain/field_checks.h"

#include "absl/strings/str_cat.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

std::string Indexed(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

size_t TextLength(absl::string_view s, Text kind) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    const unsigned char c = s[i];
    const bool allowed_control = kind == Text::kParagraphs && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7f) && !allowed_control) return absl::string_view::npos;
    const size_t extra = c < 0x80           ? 0
                         : (c >> 5) == 0x06 ? 1
                         : (c >> 4) == 0x0e ? 2
                         : (c >> 3) == 0x1e ? 3
                                            : 4;
    if (extra == 4 || (extra > 0 && i + extra >= s.size())) return absl::string_view::npos;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return absl::string_view::npos;
    }
    i += extra + 1;
  }
  return count;
}

void CheckText(
    absl::string_view value, Text kind, size_t max_length, bool required, std::string path,
    FieldViolations& v) {
  if (value.empty()) {
    if (required) v.Add(std::move(path), "is required");
    return;
  }
  const size_t length = TextLength(value, kind);
  if (length == absl::string_view::npos) {
    v.Add(
        std::move(path), kind == Text::kLine
                             ? "must be UTF-8 text without control characters"
                             : "must be UTF-8 text without control characters other than "
                               "line breaks and tabs");
  } else if (length > max_length) {
    v.Add(std::move(path), absl::StrCat("must be at most ", max_length, " characters"));
  }
}

void CheckRange(int64_t value, int64_t lo, int64_t hi, std::string path, FieldViolations& v) {
  if (value < lo || value > hi) {
    v.Add(std::move(path), absl::StrCat("must be between ", lo, " and ", hi));
  }
}

void CheckMunicipality(
    absl::string_view value, bool required, std::string path, FieldViolations& v) {
  if (value.empty()) {
    if (required) v.Add(std::move(path), "is required");
  } else if (reference::ReferenceData::Get().FindMunicipality(value) == nullptr) {
    v.Add(std::move(path), "not a Statistics Finland municipality code (3 digits, 398 is Lahti)");
  }
}

void CheckDate(absl::string_view value, std::string path, FieldViolations& v) {
  if (!IsValidDate(value)) v.Add(std::move(path), "must be a date YYYY-MM-DD");
}

}  // namespace kokemus::domain
