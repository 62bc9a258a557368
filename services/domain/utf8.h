// Cutting UTF-8 text without splitting a character.
//
//   text.resize(Utf8CharStart(text, 200));  // at most 200 bytes, whole characters
#ifndef KOKEMUS_SERVICES_DOMAIN_UTF8_H_
#define KOKEMUS_SERVICES_DOMAIN_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace kokemus::domain {

// The largest index not after `at` where a character of `text` starts (a
// byte that is not a continuation byte 10xxxxxx); text.size() when `at` is
// past the end.
inline size_t Utf8CharStart(absl::string_view text, size_t at) {
  if (at >= text.size()) return text.size();
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_UTF8_H_
