#include "services/storage/sql.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/domain/listing.h"
#include "services/domain/validation.h"

namespace kokemus::storage {
namespace {

constexpr char kSelectCreateRequest[] =
    "SELECT fingerprint, resource_id FROM create_requests WHERE scope = :scope "
    "AND collection = :collection AND request_id = :request_id";
constexpr char kInsertCreateRequest[] =
    "INSERT INTO create_requests (scope, collection, request_id, fingerprint, "
    "resource_id, create_time) VALUES (:scope, :collection, :request_id, "
    ":fingerprint, :resource_id, :create_time)";

constexpr char kCountExchange[] = "SELECT COUNT(*) FROM exchanges WHERE id = :id";

}  // namespace

absl::Status AppendFilters(
    absl::Span<const FilterSql> table, const std::vector<domain::FilterTerm>& terms, absl::Time now,
    std::string& where, Record& values) {
  for (size_t i = 0; i < terms.size(); ++i) {
    const domain::FilterTerm& t = terms[i];
    const FilterSql* row = nullptr;
    for (const FilterSql& candidate : table) {
      if (candidate.field == t.field && candidate.op == t.op &&
          (candidate.value.empty() || candidate.value == t.value)) {
        row = &candidate;
        break;
      }
    }
    if (row == nullptr) return domain::InvalidField("filter", "unsupported field");
    absl::StrAppend(
        &where, " AND ",
        absl::StrReplaceAll(
            row->condition, {{":v", absl::StrCat(":v", i)}, {":w", absl::StrCat(":w", i)}}));
    switch (row->bind) {
      case FilterSql::Bind::kText:
        values.push_back(t.value);
        break;
      case FilterSql::Bind::kNumber: {
        long long number = 0;
        if (!absl::SimpleAtoi(t.value, &number)) {
          return domain::InvalidField("filter", "not a number");
        }
        values.push_back(number);
        break;
      }
      case FilterSql::Bind::kNow:
        values.push_back(Micros(now));
        break;
      case FilterSql::Bind::kPair: {
        std::pair<std::string, std::string> pair = absl::StrSplit(t.value, '/');
        values.push_back(std::move(pair.first));
        values.push_back(std::move(pair.second));
        break;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckExchangeExists(soci::session& sql, const std::string& exchange_id) {
  if (Count(sql, kCountExchange, {exchange_id}) == 0) {
    return absl::NotFoundError(absl::StrCat(domain::ExchangeName(exchange_id), " not found"));
  }
  return absl::OkStatus();
}

long long Execute(soci::session& sql, const char* query, Record values) {
  soci::details::prepare_temp_type prepared = (sql.prepare << query);
  Bind(prepared, values);
  soci::statement statement(prepared);
  statement.execute(true);
  return statement.get_affected_rows();
}

long long Count(soci::session& sql, const char* query, Record values) {
  long long count = 0;
  soci::details::prepare_temp_type prepared = (sql.prepare << query);
  Bind(prepared, values);
  prepared, soci::into(count);
  soci::statement(prepared).execute(true);
  return count;
}

absl::StatusOr<std::string> FindCreateRequest(
    soci::session& sql, const std::string& scope, const std::string& collection,
    const std::string& request_id, const std::string& fingerprint) {
  if (request_id.empty()) return std::string();
  if (sql.get_backend_name() == "postgresql") {
    // Repeats of one request id wait here for the first to commit or roll
    // back (SQLite's writers are one at a time already); the SELECT below
    // then sees what it made. Without it a repeat running alongside found
    // nothing and failed on the first one's row (issue 18, defect 7).
    const std::string lock_key = absl::StrCat(scope, "\n", collection, "\n", request_id);
    sql << "SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))", soci::use(lock_key);
  }
  std::string stored_fingerprint;
  std::string resource_id;
  sql << kSelectCreateRequest, soci::use(scope), soci::use(collection), soci::use(request_id),
      soci::into(stored_fingerprint), soci::into(resource_id);
  if (!sql.got_data()) return std::string();
  if (stored_fingerprint != fingerprint) {
    return domain::InvalidField("request_id", "was already used for a request with other content");
  }
  return resource_id;
}

void RecordCreateRequest(
    soci::session& sql, const std::string& scope, const std::string& collection,
    const std::string& request_id, const std::string& fingerprint, const std::string& resource_id,
    absl::Time now) {
  if (request_id.empty()) return;
  long long micros = Micros(now);
  sql << kInsertCreateRequest, soci::use(scope), soci::use(collection), soci::use(request_id),
      soci::use(fingerprint), soci::use(resource_id), soci::use(micros);
}

}  // namespace kokemus::storage
