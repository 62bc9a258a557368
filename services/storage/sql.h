// Small helpers shared by the stores: values bound to statements in order,
// reading rows column by column on either database, enums as their names,
// and times as microseconds since the epoch (UTC).
//
//   Record values = {exchange_id, id};
//   soci::details::prepare_temp_type st = (sql.prepare << kSelectOrder);
//   Bind(st, values);
//   for (const soci::row& row : soci::rowset<soci::row>(st)) { RowReader r(row); ... }
#ifndef KOKEMUS_SERVICES_STORAGE_SQL_H_
#define KOKEMUS_SERVICES_STORAGE_SQL_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "soci/soci.h"

namespace kokemus::storage {

using Json = nlohmann::json;
using Value = std::variant<std::string, long long>;
using Record = std::vector<Value>;

// Binds each value, in order, to the statement's placeholders. The record
// must outlive the statement's execution.
inline void Bind(soci::details::prepare_temp_type& statement, Record& record) {
  for (Value& value : record) {
    std::visit([&](auto& v) { statement, soci::use(v); }, value);
  }
}

// Reads the columns of a row left to right; integer columns read the same
// whether the backend reports them as int or long long.
class RowReader final {
 public:
  explicit RowReader(const soci::row& row) : row_(row) {}
  std::string Text() { return row_.get<std::string>(next_++); }
  long long Int() { return Int(next_++); }
  // The integer in column `i`, without moving on.
  long long Int(size_t i) {
    switch (row_.get_properties(i).get_data_type()) {
      case soci::dt_integer:
        return row_.get<int>(i);
      case soci::dt_long_long:
        return row_.get<long long>(i);
      case soci::dt_unsigned_long_long:
        return static_cast<long long>(row_.get<unsigned long long>(i));
      case soci::dt_double:
        return static_cast<long long>(row_.get<double>(i));
      default:
        return std::stoll(row_.get<std::string>(i));
    }
  }
  absl::Time Time() { return absl::FromUnixMicros(Int()); }
  Json JsonValue() { return Json::parse(Text()); }
  template <typename E>
  E Enum() {
    return domain::ParseEnum<E>(Text()).value_or(E::kUnspecified);
  }

 private:
  const soci::row& row_;
  size_t next_ = 0;
};

inline long long Micros(absl::Time t) { return absl::ToUnixMicros(t); }

template <typename E>
std::string Name(E value) {
  return std::string(domain::EnumName(value));
}

// Runs `query` with `values` bound in order and reads each row with `read`.
template <typename T, typename Read>
std::vector<T> Query(soci::session& sql, const std::string& query, Record values, Read read) {
  soci::details::prepare_temp_type statement = (sql.prepare << query);
  Bind(statement, values);
  soci::rowset<soci::row> rows(statement);
  std::vector<T> out;
  for (const soci::row& row : rows) out.push_back(read(row));
  return out;
}

// Runs a statement; returns the rows it changed.
long long Execute(soci::session& sql, const char* query, Record values);
// Runs a query whose one row is one integer (COUNT(*), a setting).
long long Count(soci::session& sql, const char* query, Record values);

// One condition a list's filter can add, in a table of named constants per
// list: the API's field and operator (and, for a value with its own SQL, the
// value), and the SQL condition on the bound value ":v".
struct FilterSql {
  enum class Bind {
    kText,    // the value as given
    kNumber,  // the value as an integer (times are microseconds)
    kNow,     // the time of the call: conditions that depend on the clock
    kPair,    // "a/b": :v is a, :w is b
  };
  absl::string_view field;
  absl::string_view op;         // "=", ">=" or "<"
  absl::string_view value;      // "": any value
  absl::string_view condition;  // "state = :v"
  Bind bind = Bind::kText;
};

// Appends " AND condition" to `where` for each term, placeholders numbered by
// term, and binds its value; INVALID_ARGUMENT for a term no row of `table`
// takes (the RPC layer's filter parser lets only known fields through).
absl::Status AppendFilters(
    absl::Span<const FilterSql> table, const std::vector<domain::FilterTerm>& terms, absl::Time now,
    std::string& where, Record& values);

// OK if the exchange exists; NOT_FOUND "exchanges/{id} not found" otherwise.
absl::Status CheckExchangeExists(soci::session& sql, const std::string& exchange_id);

// Idempotent creates (AIP-155) share the create_requests table. Inside the
// create's transaction: the id of the resource a request id made before, ""
// if it is new, or INVALID_ARGUMENT naming request_id if it came with other
// content (another fingerprint).
absl::StatusOr<std::string> FindCreateRequest(
    soci::session& sql, const std::string& scope, const std::string& collection,
    const std::string& request_id, const std::string& fingerprint);
// Records what a request id created; nothing for an empty request id.
void RecordCreateRequest(
    soci::session& sql, const std::string& scope, const std::string& collection,
    const std::string& request_id, const std::string& fingerprint, const std::string& resource_id,
    absl::Time now);

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_SQL_H_
