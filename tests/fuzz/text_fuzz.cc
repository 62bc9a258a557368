// libFuzzer target: the parsers and validators of people's text fields
// (e-mail, phone, business id, ids, UUIDs, dates, weekly times, event
// cursors) on any bytes; none may crash, and UTF-8 cuts stay on a boundary.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/domain/availability.h"
#include "services/domain/events.h"
#include "services/domain/utf8.h"
#include "services/domain/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)kokemus::domain::IsValidEmail(text);
  (void)kokemus::domain::IsValidBusinessId(text);
  (void)kokemus::domain::IsValidId(text);
  (void)kokemus::domain::IsValidUuid(text);
  (void)kokemus::domain::IsValidDate(text);
  (void)kokemus::domain::ParseDayTimes(text);
  (void)kokemus::domain::ParseEventCursor(text, "after");
  for (size_t at = 0; at <= text.size(); at += 7) {
    const size_t start = kokemus::domain::Utf8CharStart(text, at);
    if (start > at) std::abort();
  }
  return 0;
}
