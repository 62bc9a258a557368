#include "services/storage/data_subject_store.h"

#include "absl/strings/str_cat.h"
#include "services/domain/access.h"
#include "services/domain/listing.h"
#include "services/domain/payroll.h"
#include "services/domain/validation.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kExpert[] =
    "SELECT display_name, email, phone, home_municipality, languages, experience_areas, roles, "
    "trainings, service_municipalities, max_travel_km, remote_ok, weekly_availability, "
    "unavailable_periods, max_assignments_per_month, monthly_earnings_limit_cents, "
    "payment_method, state, consent_time, consent_notice_version, create_time, update_time, "
    "benefit_limit, withholding_permille, identity_code_sealed FROM experts WHERE exchange_id = "
    ":x AND id = :id";

// The keys of the expert's assignments, by a subquery both databases take (its
// parameters have their own names: SQLite binds equal names once).
constexpr char kTheirAssignments[] =
    "(SELECT a.order_id, a.id FROM assignments a WHERE a.exchange_id = :sx AND a.expert_id = :sid)";

constexpr char kTheirAssignmentRows[] =
    "SELECT a.order_id, a.id, a.state, a.start_time, a.end_time, a.fee_cents, a.travel_cents, "
    "a.travel_km, a.cancelled_by, a.cancel_reason, a.decline_reason, o.role, o.organization_id, "
    "o.topic FROM "
    "assignments a JOIN "
    "orders o ON o.exchange_id = a.exchange_id AND o.id = a.order_id WHERE a.exchange_id = :x "
    "AND a.expert_id = :id ORDER BY a.start_time, a.order_id, a.id";
constexpr char kTheirTasks[] =
    "SELECT order_id, id, state, start_time, offer_deadline FROM assignments WHERE "
    "exchange_id = :x AND expert_id = :id ORDER BY start_time, order_id, id";
constexpr char kTheirKeys[] =
    "SELECT id, display_name, create_time, expire_time, revoke_time FROM api_keys WHERE "
    "exchange_id = :x AND expert_id = :id ORDER BY id";
constexpr char kAccessesToThem[] =
    "SELECT time, key_id, role, method, outcome FROM audit_log WHERE resource = :r ORDER BY "
    "time, seq";
constexpr char kRetentionDue[] =
    "SELECT e.id FROM experts e WHERE e.exchange_id = :x AND e.state = 'INACTIVE' AND "
    "e.update_time < :cutoff AND e.id NOT LIKE 'erased-%' AND NOT EXISTS (SELECT 1 "
    "FROM assignments a WHERE a.exchange_id = e.exchange_id AND a.expert_id = e.id AND "
    "a.end_time >= :cutoff2) ORDER BY e.id";
constexpr char kPaymentMethod[] =
    "SELECT payment_method, create_time FROM experts WHERE exchange_id = :x AND id = :id";
constexpr char kExpertAddresses[] =
    "SELECT email, phone FROM experts WHERE exchange_id = :x AND id = :id";
// The messages to an erased expert keep only that they were sent; one not yet
// sent never goes.
constexpr char kForgetMessages[] =
    "UPDATE outbox SET recipient = '', subject = '', body = '', link_for = '', "
    "last_error = 'erased', "
    "state = CASE WHEN state = 'PENDING' THEN 'DEAD' ELSE state END "
    "WHERE exchange_id = :x AND recipient = :email AND recipient <> ''";
// Messages to others about her tasks name her (the coordinator's, the
// orderer's): their texts and calendar entries go, the rest stays.
constexpr char kForgetMessagesAboutHer[] =
    "UPDATE outbox SET subject = '', body = '', attachment = '', link_for = '', "
    "last_error = 'erased', "
    "state = CASE WHEN state = 'PENDING' THEN 'DEAD' ELSE state END "
    "WHERE exchange_id = :x AND resource IN (SELECT 'exchanges/' || a.exchange_id || "
    "'/orders/' || a.order_id || '/assignments/' || a.id FROM assignments a "
    "WHERE a.exchange_id = :sx AND a.expert_id = :sid)";
constexpr char kInsertPseudonym[] =
    "INSERT INTO experts (exchange_id, id, display_name, email, phone, home_municipality, "
    "languages, experience_areas, roles, trainings, service_municipalities, max_travel_km, "
    "remote_ok, weekly_availability, unavailable_periods, max_assignments_per_month, "
    "monthly_earnings_limit_cents, payment_method, state, consent_time, "
    "consent_notice_version, revision, create_time, update_time) VALUES (:x, :id, "
    "'Poistettu', '', '', '', '[]', '[]', '[]', '[]', '[]', 0, 0, '[]', '[]', 0, 0, :pm, "
    "'INACTIVE', 0, '', 1, :c, :u)";
constexpr char kReassignAssignments[] =
    "UPDATE assignments SET expert_id = :p, cancel_reason = 'UNSPECIFIED', "
    "decline_reason = 'UNSPECIFIED' WHERE exchange_id = :x AND expert_id = :id";
constexpr char kRevokeTheirKeys[] =
    "UPDATE api_keys SET expert_id = :p, display_name = 'Poistettu', revoke_time = CASE "
    "WHEN revoke_time = 0 THEN :t ELSE revoke_time END WHERE exchange_id = :x AND "
    "expert_id = :id";
constexpr char kRenameCreateRequests[] =
    "UPDATE create_requests SET resource_id = :p WHERE scope = :scope AND collection = "
    "'experts' AND resource_id = :id";
constexpr char kDeleteExpert[] = "DELETE FROM experts WHERE exchange_id = :x AND id = :id";
// Events name experts by id only; hers now name the pseudonym.
constexpr char kPseudonymizeEvents[] =
    "UPDATE events SET expert_id = :pseudonym WHERE exchange_id = :x AND expert_id = :id";
// Her sign-in links, spent or not, go: none may sign anyone in as her.
constexpr char kDeleteSignInLinks[] =
    "DELETE FROM sign_in_links WHERE exchange_id = :x AND expert_id = :id";
// Her calendar feeds go: their addresses answer 404.
constexpr char kDeleteCalendarFeeds[] =
    "DELETE FROM calendar_feeds WHERE exchange_id = :x AND expert_id = :id";
constexpr char kRetentionRules[] =
    "SELECT id, retention_months FROM exchanges WHERE retention_months > 0";
constexpr char kOfExchange[] = " AND id = :x";
constexpr char kTheirFeedback[] =
    "SELECT f.order_id, f.assignment_id, f.source, f.overall_rating, "
    "f.content_rating, f.heaviness, f.setting_safe, f.support_afterwards, f.comment FROM "
    "feedback f "
    "WHERE f.exchange_id = :x AND (f.order_id, f.assignment_id) IN ";
constexpr char kTheirFeedbackOrder[] = " ORDER BY f.order_id, f.assignment_id, f.source";
constexpr char kTheirContracts[] =
    "SELECT c.id, c.version, c.language, c.create_time, c.accepted_time, "
    "c.accepted_name, c.sha256 FROM contracts c WHERE c.exchange_id = :x AND "
    "(c.order_id, c.assignment_id) IN ";
constexpr char kTheirContractsOrder[] = " ORDER BY c.create_time, c.id";
constexpr char kBlankFeedback[] =
    "UPDATE feedback SET comment = '' WHERE exchange_id = :x AND (order_id, "
    "assignment_id) IN ";
constexpr char kBlankContracts[] =
    "UPDATE contracts SET pdf_base64 = '', plain_text = '', marked_text = '', "
    "accepted_pdf_base64 = '', accepted_name = '', accepted_by = "
    "CASE WHEN accepted_by = '' THEN '' ELSE :p END WHERE exchange_id = :x AND (order_id, "
    "assignment_id) IN ";

std::string Iso(long long micros) {
  return micros == 0 ? ""
                     : absl::FormatTime(
                           absl::RFC3339_full, absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

absl::Status NotFound(const std::string& exchange_id, const std::string& expert_id) {
  return absl::NotFoundError(
      absl::StrCat(domain::ChildResourceName(exchange_id, "experts", expert_id), " not found"));
}

}  // namespace

absl::StatusOr<std::string> DataSubjectStore::Export(
    const std::string& exchange_id, const std::string& expert_id) {
  Json out;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    auto experts = Query<Json>(sql, kExpert, {exchange_id, expert_id}, [](const soci::row& row) {
      RowReader r(row);
      Json e;
      e["display_name"] = r.Text();
      e["email"] = r.Text();
      e["phone"] = r.Text();
      e["home_municipality"] = r.Text();
      for (const char* list :
           {"languages", "experience_areas", "roles", "trainings", "service_municipalities"}) {
        e[list] = r.JsonValue();
      }
      e["max_travel_km"] = r.Int();
      e["remote_ok"] = r.Int() != 0;
      e["weekly_availability"] = r.JsonValue();
      e["unavailable_periods"] = r.JsonValue();
      e["max_assignments_per_month"] = r.Int();
      e["monthly_earnings_limit_cents"] = r.Int();
      e["payment_method"] = r.Text();
      e["state"] = r.Text();
      e["consent_time"] = Iso(r.Int());
      e["consent_notice_version"] = r.Text();
      e["create_time"] = Iso(r.Int());
      e["update_time"] = Iso(r.Int());
      e["benefit_limit"] = r.JsonValue();
      // The payroll's: her tax card's percentage, and whether an identity code
      // is kept (the code itself is shown only in the payroll export).
      e["payroll"] = {
          {"withholding_percent", domain::WithholdingPercentText(static_cast<int>(r.Int()))},
          {"identity_code_recorded", !r.Text().empty()}};
      return e;
    });
    if (experts.empty()) return NotFound(exchange_id, expert_id);
    out["expert"] = experts.front();
    out["expert"]["name"] = domain::ChildResourceName(exchange_id, "experts", expert_id);
    out["assignments"] =
        Query<Json>(sql, kTheirAssignmentRows, {exchange_id, expert_id}, [&](const soci::row& row) {
          RowReader r(row);
          Json a;
          const std::string order = r.Text();
          a["name"] = absl::StrCat(
              domain::ChildResourceName(exchange_id, "orders", order), "/assignments/", r.Text());
          a["state"] = r.Text();
          a["start_time"] = Iso(r.Int());
          a["end_time"] = Iso(r.Int());
          a["fee_cents"] = r.Int();
          a["travel_cents"] = r.Int();
          a["travel_km"] = r.Int();
          a["cancelled_by"] = r.Text();
          a["cancel_reason"] = r.Text();
          a["decline_reason"] = r.Text();
          a["role"] = r.Text();
          a["organization"] = r.Text();
          a["topic"] = r.Text();
          return a;
        });
    out["feedback"] = Query<Json>(
        sql, absl::StrCat(kTheirFeedback, kTheirAssignments, kTheirFeedbackOrder),
        {exchange_id, exchange_id, expert_id}, [](const soci::row& row) {
          RowReader r(row);
          Json f;
          f["order"] = r.Text();
          f["assignment"] = r.Text();
          f["source"] = r.Text();
          f["overall_rating"] = r.Int();
          f["content_rating"] = r.Int();
          f["heaviness"] = r.Int();
          f["setting_safe"] = r.Int() != 0;
          f["support_afterwards"] = r.Text();
          f["comment"] = r.Text();
          return f;
        });
    out["contracts"] = Query<Json>(
        sql, absl::StrCat(kTheirContracts, kTheirAssignments, kTheirContractsOrder),
        {exchange_id, exchange_id, expert_id}, [&](const soci::row& row) {
          RowReader r(row);
          Json c;
          c["name"] = domain::ChildResourceName(exchange_id, "contracts", r.Text());
          c["version"] = r.Int();
          c["language"] = r.Text();
          c["create_time"] = Iso(r.Int());
          c["accepted_time"] = Iso(r.Int());
          c["accepted_name"] = r.Text();
          c["sha256"] = r.Text();
          return c;
        });
    out["api_keys"] =
        Query<Json>(sql, kTheirKeys, {exchange_id, expert_id}, [](const soci::row& row) {
          RowReader r(row);
          Json k;
          k["id"] = r.Text();
          k["display_name"] = r.Text();
          k["create_time"] = Iso(r.Int());
          k["expire_time"] = Iso(r.Int());
          k["revoke_time"] = Iso(r.Int());
          return k;
        });
    const std::string resource = domain::ChildResourceName(exchange_id, "experts", expert_id);
    out["accesses"] = Query<Json>(sql, kAccessesToThem, {resource}, [](const soci::row& row) {
      RowReader r(row);
      Json a;
      a["time"] = Iso(r.Int());
      a["key"] = r.Text();
      a["role"] = r.Text();
      a["method"] = r.Text();
      a["outcome"] = r.Text();
      return a;
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out.dump(2);
}

absl::StatusOr<std::vector<std::string>> DataSubjectStore::ApplyRetention(
    const std::string& exchange_id, absl::Time now, const AuditRecord& by) {
  struct Due {
    std::string exchange_id;
    std::string expert_id;
  };
  std::vector<Due> due;
  absl::Status status = db_.Read([&](soci::session& sql) {
    std::string query = kRetentionRules;
    Record values;
    if (!exchange_id.empty()) {
      query += kOfExchange;
      values.push_back(exchange_id);
    }
    for (const auto& [exchange, months] : Query<std::pair<std::string, long long>>(
             sql, query, std::move(values), [](const soci::row& row) {
               RowReader r(row);
               std::string id = r.Text();
               return std::pair<std::string, long long>(std::move(id), r.Int());
             })) {
      const long long cutoff = Micros(domain::RetentionCutoff(now, static_cast<int>(months)));
      for (std::string& id : Query<std::string>(
               sql, kRetentionDue, {exchange, cutoff, cutoff},
               [](const soci::row& row) { return RowReader(row).Text(); })) {
        due.push_back({exchange, std::move(id)});
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  std::vector<std::string> erased;
  for (const Due& d : due) {
    AuditRecord record = by;
    record.exchange_id = d.exchange_id;
    record.time = now;
    record.resource = domain::ChildResourceName(d.exchange_id, "experts", d.expert_id);
    record.outcome = "OK";
    AuditRider rider(db_.audit_key(), [&record] { return record; });
    RiderScope scope(&rider);
    auto pseudonym = Erase(d.exchange_id, d.expert_id, now);
    // One that changed or went meanwhile, or took a task, is left for the
    // next run.
    if (pseudonym.status().code() == absl::StatusCode::kNotFound ||
        pseudonym.status().code() == absl::StatusCode::kFailedPrecondition) {
      continue;
    }
    if (!pseudonym.ok()) return pseudonym.status();
    erased.push_back(domain::ChildResourceName(d.exchange_id, "experts", d.expert_id));
  }
  return erased;
}

absl::StatusOr<std::string> DataSubjectStore::Erase(
    const std::string& exchange_id, const std::string& expert_id, absl::Time now, bool force) {
  const std::string pseudonym = absl::StrCat("erased-", domain::GenerateId());
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    std::vector<std::pair<std::string, long long>> found = Query<std::pair<std::string, long long>>(
        sql, kPaymentMethod, {exchange_id, expert_id}, [](const soci::row& row) {
          RowReader r(row);
          std::string method = r.Text();
          return std::pair<std::string, long long>(std::move(method), r.Int());
        });
    if (found.empty()) return NotFound(exchange_id, expert_id);
    std::vector<std::string> held;
    Query<int>(sql, kTheirTasks, {exchange_id, expert_id}, [&](const soci::row& row) {
      RowReader r(row);
      domain::Assignment a;
      a.order_id = r.Text();
      a.id = r.Text();
      a.state = r.Enum<domain::AssignmentState>();
      a.start_time = r.Time();
      a.offer_deadline = r.Time();
      if (domain::HeldAtErasure(a, now)) {
        held.push_back(absl::StrCat(
            domain::ChildResourceName(exchange_id, "orders", a.order_id), "/assignments/", a.id));
      }
      return 0;
    });
    if (absl::Status s = domain::CheckErasure(held, force); !s.ok()) return s;
    const long long t = Micros(now);
    Execute(
        sql, kInsertPseudonym,
        {exchange_id, pseudonym, found.front().first, found.front().second, t});
    Execute(sql, kReassignAssignments, {pseudonym, exchange_id, expert_id});
    Execute(sql, kRevokeTheirKeys, {pseudonym, t, exchange_id, expert_id});
    Execute(sql, kRenameCreateRequests, {pseudonym, domain::ExchangeName(exchange_id), expert_id});
    const std::string blank_feedback = absl::StrCat(kBlankFeedback, kTheirAssignments);
    Execute(sql, blank_feedback.c_str(), {exchange_id, exchange_id, pseudonym});
    const std::string blank_contracts = absl::StrCat(kBlankContracts, kTheirAssignments);
    Execute(sql, blank_contracts.c_str(), {pseudonym, exchange_id, exchange_id, pseudonym});
    Execute(sql, kForgetMessagesAboutHer, {exchange_id, exchange_id, pseudonym});
    Query<int>(sql, kExpertAddresses, {exchange_id, expert_id}, [&](const soci::row& row) {
      RowReader r(row);
      for (const std::string& address : {r.Text(), r.Text()}) {
        Execute(sql, kForgetMessages, {exchange_id, address});
      }
      return 0;
    });
    Execute(sql, kDeleteSignInLinks, {exchange_id, expert_id});
    Execute(sql, kDeleteCalendarFeeds, {exchange_id, expert_id});
    Execute(sql, kPseudonymizeEvents, {pseudonym, exchange_id, expert_id});
    Execute(sql, kDeleteExpert, {exchange_id, expert_id});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return pseudonym;
}

}  // namespace kokemus::storage
