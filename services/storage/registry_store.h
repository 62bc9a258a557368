// Storage of the registry (exchanges, experts, organizations) on a Database.
// One implementation serves SQLite and PostgreSQL; every method is one read or
// one write transaction, and returns NOT_FOUND, ALREADY_EXISTS, ABORTED or
// INVALID_ARGUMENT (reused request id) as the API specifies.
//
//   RegistryStore store(db);
//   auto expert = store.Create(expert, {.request_id = id, .fingerprint = fp});
//   auto page = store.List<Expert>(query);  // query from ParseListQuery
#ifndef KOKEMUS_SERVICES_STORAGE_REGISTRY_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_REGISTRY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/domain/listing.h"
#include "services/domain/model.h"
#include "services/storage/database.h"
#include "services/storage/page.h"
#include "services/storage/sql.h"

namespace kokemus::storage {

// Identifies one stored resource; `exchange_id` is empty for an Exchange
// (whose own id is `id`).
struct Key {
  std::string exchange_id;
  std::string id;
};

struct CreateOptions {
  std::string request_id;   // empty: not idempotent
  std::string fingerprint;  // digest of the request without its request_id
};

// An exchange's credential requirements as stored (a JSON array).
Json CredentialRequirementsJson(const std::vector<domain::CredentialRequirement>& requirements);
std::vector<domain::CredentialRequirement> CredentialRequirementsFrom(const Json& json);

// T is domain::Exchange, domain::Expert or domain::Organization.
class RegistryStore final {
 public:
  explicit RegistryStore(Database& db) : db_(db) {}

  // Stores a new resource with revision 1 and both times set to now. The
  // exchange of an expert or organization must exist (NOT_FOUND otherwise).
  // A known request id returns the resource it created (if the fingerprint
  // matches; INVALID_ARGUMENT naming request_id otherwise).
  template <typename T>
  absl::StatusOr<T> Create(T value, const CreateOptions& options);

  template <typename T>
  absl::StatusOr<T> Get(const Key& key);

  // One page in id order; `query.scope` is the parent exchange id for
  // experts and organizations.
  template <typename T>
  absl::StatusOr<Page<T>> List(const domain::ListQuery& query);

  // Replaces the stored fields if the stored revision is still
  // `expected_revision`: ABORTED if it moved on, NOT_FOUND if it is gone.
  template <typename T>
  absl::StatusOr<T> Update(T value, int64_t expected_revision);

  // Deletes if the stored revision is `expected_revision` (any revision when
  // it is 0).
  template <typename T>
  absl::Status Delete(const Key& key, int64_t expected_revision);

  // Create, Get and Update within a transaction the caller holds (one that
  // changes other tables in the same step).
  template <typename T>
  absl::StatusOr<T> CreateIn(soci::session& sql, T value, const CreateOptions& options);
  template <typename T>
  absl::StatusOr<T> GetIn(soci::session& sql, const Key& key);
  template <typename T>
  absl::StatusOr<T> UpdateIn(soci::session& sql, T value, int64_t expected_revision);

  // The ids of the exchange's ACTIVE experts who hold a credential
  // (domain::ExpertCredentials: a training of a kind, or the extract seen),
  // in id order.
  std::vector<std::string> ActiveExpertsWithCredentialsIn(
      soci::session& sql, const std::string& exchange_id);

  // Whether the expert has (or had) an offered, accepted, confirmed or
  // completed assignment on an order of the organization: what an orderer
  // system may see of an expert.
  absl::StatusOr<bool> ExpertWorksFor(const Key& expert, const std::string& organization_id);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_REGISTRY_STORE_H_
