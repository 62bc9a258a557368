// Resource names, pagination, list filters, field masks and etags: the
// request conventions shared by every resource (AIP-122, 132, 134, 154, 160).
//
//   auto query = ParseListQuery(parent, "experts", page_size, page_token, filter,
//                               ExpertFilterFields());
//   ... read query->page_size + 1 rows with id > query->after_id ...
//   token = NextPageToken(*query, last_id_of_page);
#ifndef KOKEMUS_SERVICES_DOMAIN_LISTING_H_
#define KOKEMUS_SERVICES_DOMAIN_LISTING_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {
struct MatchingSettings;  // services/domain/matching.h
}  // namespace kokemus::domain

namespace kokemus::domain {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// The ids in a child resource name "exchanges/{exchange}/{collection}/{id}".
struct ChildName {
  std::string exchange_id;
  std::string id;
};

// "exchanges/{exchange}" -> exchange id; INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseExchangeName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseChildName(
    absl::string_view name, absl::string_view collection, absl::string_view field);
std::string ExchangeName(absl::string_view exchange_id);
std::string ChildResourceName(
    absl::string_view exchange_id, absl::string_view collection, absl::string_view id);

// API keys: `exchanges/{exchange}/apiKeys/{key}`, or `apiKeys/{key}` for a
// national key (exchange_id ""), the top-level collection.
std::string ApiKeyName(absl::string_view exchange_id, absl::string_view key_id);
absl::StatusOr<ChildName> ParseApiKeyName(absl::string_view name, absl::string_view field);

// One `field OP value` term of a list filter, with the value in canonical
// form; OP is "=", or for ordered fields also ">=" or "<".
struct FilterTerm {
  std::string field;
  std::string value;
  std::string op = "=";
  bool operator==(const FilterTerm&) const = default;
};

// A field that a list can be filtered by, and how to make a value canonical
// (nullopt: the value is not allowed). Ordered fields also take >= and <.
struct FilterField {
  absl::string_view name;
  std::function<std::optional<std::string>(absl::string_view)> canonical;
  bool ordered = false;
};

std::vector<FilterField> ExchangeFilterFields();
std::vector<FilterField> ExpertFilterFields();
std::vector<FilterField> OrganizationFilterFields();
// state, organization (id or name), start_time (RFC 3339; canonical: Unix
// microseconds).
std::vector<FilterField> OrderFilterFields();
// state, expert (id or name).
std::vector<FilterField> AssignmentFilterFields();

// Parses `a = x AND b = "y"`; INVALID_ARGUMENT naming `filter` on error.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(
    absl::string_view filter, const std::vector<FilterField>& fields);

// A filter has at most this many terms and characters.
inline constexpr size_t kMaxFilterTerms = 8;
inline constexpr size_t kMaxFilterLength = 1000;

struct ListQuery {
  std::string scope;       // the parent, "" for top-level collections
  std::string collection;  // what is listed ("experts"): a page token fits one list only
  int page_size = kDefaultPageSize;
  std::string after_id;  // the cursor: rows after it come next (an id for most lists)
  std::string filter;    // as given, to tie page tokens to it
  std::vector<FilterTerm> terms;
};

absl::StatusOr<ListQuery> ParseListQuery(
    absl::string_view scope, absl::string_view collection, int page_size,
    absl::string_view page_token, absl::string_view filter, const std::vector<FilterField>& fields);
std::string NextPageToken(const ListQuery& query, absl::string_view cursor);

// "exchanges/{e}/orders/{o}/assignments/{a}".
struct AssignmentName {
  std::string exchange_id;
  std::string order_id;
  std::string id;
};
absl::StatusOr<AssignmentName> ParseAssignmentName(absl::string_view name, absl::string_view field);

// "exchanges/{e}/courses/{c}" and "exchanges/{e}/courses/{c}/trainees/{t}".
struct CourseName {
  std::string exchange_id;
  std::string id;
};
absl::StatusOr<CourseName> ParseCourseName(absl::string_view name, absl::string_view field);
struct TraineeName {
  std::string exchange_id;
  std::string course_id;
  std::string id;
};
absl::StatusOr<TraineeName> ParseTraineeName(absl::string_view name, absl::string_view field);
std::string FormatCourseName(absl::string_view exchange_id, absl::string_view course_id);
std::string FormatTraineeName(
    absl::string_view exchange_id, absl::string_view course_id, absl::string_view trainee_id);

// Etags are the quoted revision number: "\"3\"".
std::string FormatEtag(int64_t revision);
// The revision an etag names; 0 for an empty etag (no check);
// INVALID_ARGUMENT naming `field` for one not in the form this service gives
// ("1" instead of "\"1\"" is a malformed etag, not a conflict).
absl::StatusOr<int64_t> ParseEtag(absl::string_view etag, absl::string_view field = "etag");
// OK when `etag` is empty or names `revision`; ABORTED when it names another
// revision; INVALID_ARGUMENT naming `field` when malformed.
absl::Status CheckEtag(absl::string_view etag, int64_t revision, absl::string_view field = "etag");

// An update's field mask (AIP-134). `paths` as the caller gave them: each
// names a field to take from the request, "*" alone every updatable field.
// No paths: the fields the request sets (`set_fields`, the non-default ones
// of the resource message), those not updatable (name, etag, output-only
// times) ignored, so a caller that sends one field changes that field only.
struct UpdateMask {
  std::vector<std::string> paths;
  std::vector<std::string> set_fields;
};

// `target` takes the values of the fields `mask` selects from `patch`; an
// unknown or output-only path is refused with a violation naming it and
// `target` is left as it was. `applied` (optional) gets the fields taken,
// or "*" alone for every field.
absl::Status ApplyExchangeMask(
    const Exchange& patch, const UpdateMask& mask, Exchange& target,
    std::vector<std::string>* applied = nullptr);
absl::Status ApplyExpertMask(
    const Expert& patch, const UpdateMask& mask, Expert& target,
    std::vector<std::string>* applied = nullptr);
absl::Status ApplyOrderMask(
    const Order& patch, const UpdateMask& mask, Order& target,
    std::vector<std::string>* applied = nullptr);
absl::Status ApplyOrganizationMask(
    const Organization& patch, const UpdateMask& mask, Organization& target,
    std::vector<std::string>* applied = nullptr);
// Matching settings by their API field names: "weights" (all six) or one
// weight ("weights.travel"), "rest_after_heavy_hours", "offer_strategy",
// "round_size", "tier_interval_minutes", "answer_window_minutes".
absl::Status ApplyMatchingSettingsMask(
    const MatchingSettings& patch, const UpdateMask& mask, MatchingSettings& target);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_LISTING_H_
