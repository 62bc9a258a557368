#include "services/storage/calendar_feed_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/domain/sign_in.h"
#include "services/domain/validation.h"
#include "services/storage/secret_token.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kInsert[] =
    "INSERT INTO calendar_feeds (exchange_id, id, expert_id, organization_id, secret_hash, "
    "create_time) VALUES (:x, :id, :expert, :org, :hash, :t)";
constexpr char kCountExpert[] = "SELECT COUNT(*) FROM experts WHERE exchange_id = :x AND id = :id";
constexpr char kCountOrganization[] =
    "SELECT COUNT(*) FROM organizations WHERE exchange_id = :x AND id = :id";
constexpr char kOfPerson[] =
    "SELECT exchange_id, id, expert_id, organization_id, create_time, secret_hash FROM "
    "calendar_feeds WHERE exchange_id = :x AND expert_id = :expert AND organization_id = :org";
constexpr char kExchangeName[] = "SELECT display_name FROM exchanges WHERE id = :x";
constexpr char kById[] =
    "SELECT exchange_id, id, expert_id, organization_id, create_time, secret_hash FROM "
    "calendar_feeds WHERE id = :id";
constexpr char kDelete[] =
    "DELETE FROM calendar_feeds WHERE exchange_id = :x AND expert_id = :expert AND "
    "organization_id = :org AND id = :id";
// The tasks of a feed, with what their entries say; SEQUENCE counts the
// assignment's events (each move is a change of the entry).
constexpr char kTasks[] =
    "SELECT a.order_id, a.id, a.state, o.role, o.topic, o.start_time, o.duration_minutes, "
    "o.remote, o.address, o.municipality, g.display_name, x.display_name, x.contact_email, "
    "x.default_language, (SELECT COUNT(*) FROM events e WHERE e.exchange_id = a.exchange_id AND "
    "e.assignment = 'exchanges/' || a.exchange_id || '/orders/' || a.order_id || "
    "'/assignments/' || a.id) FROM assignments a JOIN orders o ON o.exchange_id = a.exchange_id "
    "AND o.id = a.order_id JOIN organizations g ON g.exchange_id = o.exchange_id AND g.id = "
    "o.organization_id JOIN exchanges x ON x.id = a.exchange_id WHERE a.exchange_id = :x AND "
    "a.start_time >= :from AND ((:expert <> '' AND a.expert_id = :expert2 AND a.state IN "
    "('ACCEPTED', 'CONFIRMED')) OR (:org <> '' AND o.organization_id = :org2 AND a.state = "
    "'CONFIRMED')) ORDER BY a.start_time, a.order_id, a.id";

struct Row {
  CalendarFeed feed;
  std::string hash;
};

Row ReadFeed(const soci::row& row) {
  RowReader r(row);
  Row out;
  out.feed.exchange_id = r.Text();
  out.feed.id = r.Text();
  out.feed.expert_id = r.Text();
  out.feed.organization_id = r.Text();
  out.feed.create_time = r.Time();
  out.hash = r.Text();
  return out;
}

}  // namespace

std::string CalendarFeed::Name() const {
  const std::string person =
      expert_id.empty() ? domain::ChildResourceName(exchange_id, "organizations", organization_id)
                        : domain::ChildResourceName(exchange_id, "experts", expert_id);
  return absl::StrCat(person, "/calendarFeeds/", id);
}

CalendarFeedStore::CalendarFeedStore(Database& db) : db_(db) {}

absl::StatusOr<std::pair<CalendarFeed, std::string>> CalendarFeedStore::Create(
    const std::string& person, absl::Time now) {
  auto who = PersonOf(person, "parent");
  if (!who.ok()) return who.status();
  CalendarFeed feed;
  feed.exchange_id = who->exchange_id;
  feed.id = domain::GenerateId();
  feed.expert_id = who->expert_id;
  feed.organization_id = who->organization_id;
  feed.create_time = absl::FromUnixMicros(Micros(now));
  const std::string secret = NewSecret();
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    const bool expert = !feed.expert_id.empty();
    if (Count(
            sql, expert ? kCountExpert : kCountOrganization,
            {feed.exchange_id, expert ? feed.expert_id : feed.organization_id}) == 0) {
      return absl::NotFoundError(absl::StrCat(person, " not found"));
    }
    Execute(
        sql, kInsert,
        {feed.exchange_id, feed.id, feed.expert_id, feed.organization_id, SecretHash(secret),
         Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return std::make_pair(feed, absl::StrCat(feed.id, "_", secret));
}

absl::StatusOr<std::vector<CalendarFeed>> CalendarFeedStore::List(const std::string& person) {
  auto who = PersonOf(person, "parent");
  if (!who.ok()) return who.status();
  std::vector<CalendarFeed> feeds;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    for (Row& row : Query<Row>(
             sql, kOfPerson, {who->exchange_id, who->expert_id, who->organization_id}, ReadFeed)) {
      feeds.push_back(std::move(row.feed));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return feeds;
}

absl::Status CalendarFeedStore::Revoke(const std::string& person, const std::string& id) {
  auto who = PersonOf(person, "name");
  if (!who.ok()) return who.status();
  return db_.Write([&](soci::session& sql) -> absl::Status {
    if (Execute(sql, kDelete, {who->exchange_id, who->expert_id, who->organization_id, id}) == 0) {
      return absl::NotFoundError(absl::StrCat(person, "/calendarFeeds/", id, " not found"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<CalendarFeedStore::Feed> CalendarFeedStore::Entries(
    absl::string_view token, absl::Time now) {
  const absl::Status unknown = absl::NotFoundError("no such calendar feed");
  const std::optional<domain::LinkToken> parts = domain::ParseLinkToken(token);
  if (!parts) return unknown;
  Feed feed;
  std::vector<domain::CalendarEvent>& entries = feed.entries;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    std::vector<Row> feeds = Query<Row>(sql, kById, {parts->id}, ReadFeed);
    if (feeds.empty() || !SameHash(feeds[0].hash, SecretHash(parts->secret))) return unknown;
    const CalendarFeed& f = feeds[0].feed;
    Query<int>(sql, kExchangeName, {f.exchange_id}, [&](const soci::row& row) {
      feed.name = RowReader(row).Text();
      return 0;
    });
    Query<int>(
        sql, kTasks,
        {f.exchange_id, Micros(now - domain::kCalendarFeedLookBack), f.expert_id, f.expert_id,
         f.organization_id, f.organization_id},
        [&](const soci::row& row) {
      RowReader r(row);
      const std::string order_id = r.Text();
      const std::string assignment_id = r.Text();
      const std::string state = r.Text();
      domain::Notice n;
      n.role = r.Enum<domain::Role>();
      n.topic = r.Text();
      n.start_time = r.Time();
      n.duration_minutes = static_cast<int>(r.Int());
      n.remote = r.Int() != 0;
      n.address = r.Text();
      n.municipality = r.Text();
      n.orderer_name = r.Text();
      n.exchange_name = r.Text();
      n.reply_to = r.Text();
      n.language = r.Text();
      const int changes = static_cast<int>(r.Int());
      const std::string name = absl::StrCat(
          domain::ChildResourceName(f.exchange_id, "orders", order_id), "/assignments/",
          assignment_id);
      domain::CalendarEvent e =
          domain::CalendarEventFor(n, name, std::max(changes - 1, 0), false, now);
      // An accepted task waits for the coordinator's confirmation.
      e.tentative = state == "ACCEPTED";
      entries.push_back(std::move(e));
      return 0;
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return feed;
}

}  // namespace kokemus::storage
