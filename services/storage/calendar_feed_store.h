// Calendar feeds: an expert's (or an organization's contact person's) upcoming
// tasks as an iCalendar feed at a secret address that Google, Outlook and
// Apple calendars subscribe to. The address is "{id}_{secret}" like a
// sign-in link's token (domain/sign_in.h), shown once; only the secret's hash
// is kept; revoking a feed deletes it, and its address answers 404.
//
//   CalendarFeedStore feeds(db);
//   auto made = feeds.Create("exchanges/ph/experts/kaisa", now);   // made->second: the token
//   auto entries = feeds.Entries(token, now);                     // for IcsText(..., kPublish)
#ifndef KOKEMUS_SERVICES_STORAGE_CALENDAR_FEED_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_CALENDAR_FEED_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/notifications.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct CalendarFeed {
  std::string exchange_id;
  std::string id;
  std::string expert_id;        // the expert's feed, or ...
  std::string organization_id;  // ... the organization's
  absl::Time create_time = absl::UnixEpoch();
  // "exchanges/x/experts/y/calendarFeeds/z" (or .../organizations/y/...).
  std::string Name() const;
};

class CalendarFeedStore final {
 public:
  explicit CalendarFeedStore(Database& db);

  // A new feed for `person` ("exchanges/x/experts/y" or
  // "exchanges/x/organizations/y"), and its token. NOT_FOUND for no such person.
  absl::StatusOr<std::pair<CalendarFeed, std::string>> Create(
      const std::string& person, absl::Time now);
  absl::StatusOr<std::vector<CalendarFeed>> List(const std::string& person);
  // NOT_FOUND for a feed that is not the person's.
  absl::Status Revoke(const std::string& person, const std::string& id);
  // The feed whose token this is: its name (the exchange's), and the
  // expert's accepted and confirmed tasks (the organization's confirmed
  // ones) from a week ago on, in the exchange's language. NOT_FOUND for
  // anything else.
  struct Feed {
    std::string name;
    std::vector<domain::CalendarEvent> entries;
  };
  absl::StatusOr<Feed> Entries(absl::string_view token, absl::Time now);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_CALENDAR_FEED_STORE_H_
