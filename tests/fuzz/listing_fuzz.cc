// libFuzzer target: the request conventions every list and name goes through
// (resource names, filters, page tokens, etags), on any bytes. The first byte
// picks the list's fields; the rest is split into parent, filter and token.
// A crash, a sanitizer finding or a token that fails to round-trip stops it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "services/domain/listing.h"

namespace {

using kokemus::domain::FilterField;

const std::vector<FilterField>& Fields(uint8_t pick) {
  static const std::vector<std::vector<FilterField>> all = {
      kokemus::domain::ExpertFilterFields(), kokemus::domain::OrganizationFilterFields(),
      kokemus::domain::OrderFilterFields(), kokemus::domain::AssignmentFilterFields(),
      kokemus::domain::ExchangeFilterFields()};
  return all[pick % all.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\x01', 2));
  const std::string parent = parts[0];
  const std::string filter = parts.size() > 1 ? parts[1] : "";
  const std::string token = parts.size() > 2 ? parts[2] : "";
  (void)kokemus::domain::ParseExchangeName(parent, "parent");
  (void)kokemus::domain::ParseChildName(parent, "experts", "name");
  (void)kokemus::domain::ParseAssignmentName(parent, "name");
  (void)kokemus::domain::ParseApiKeyName(parent, "name");
  (void)kokemus::domain::ParseEtag(filter);
  auto query =
      kokemus::domain::ParseListQuery(parent, "experts", 0, token, filter, Fields(data[0]));
  if (query.ok()) {
    // A token this service gives back names the same list and cursor.
    const std::string next = kokemus::domain::NextPageToken(*query, "cursor-1");
    auto again =
        kokemus::domain::ParseListQuery(parent, "experts", 0, next, filter, Fields(data[0]));
    if (!again.ok() || again->after_id != "cursor-1") std::abort();
  }
  return 0;
}
