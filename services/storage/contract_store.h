// Storage of contract templates and generated contracts. Contracts are
// immutable: a new document for the same assignment and language is a new
// version that supersedes the previous one; acceptance is recorded once.
//
//   ContractStore store(db);
//   auto stored = store.SaveContract(contract, pdf, text, marked);  // same text: the existing one
#ifndef KOKEMUS_SERVICES_STORAGE_CONTRACT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_CONTRACT_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/listing.h"
#include "services/storage/database.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

struct StoredTemplate {
  std::string exchange_id;
  std::string language;
  int version = 0;
  std::string body;
  bool active = false;
  absl::Time create_time = absl::UnixEpoch();
};

struct StoredContract {
  std::string exchange_id;
  std::string id;
  std::string order_id;
  std::string assignment_id;
  std::string language;
  int template_version = 0;
  int version = 0;
  std::string sha256;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time accepted_time = absl::UnixEpoch();
  std::string accepted_name;
  std::string superseded_by;    // contract id
  std::string accepted_by;      // expert id
  std::string accepted_via;     // "SELF_SERVICE_PAGE" or "API_KEY"; "" before recorded
  std::string text_sha256;      // of the plain text; "" for contracts made before it was kept
  std::string accepted_sha256;  // of the accepted document; "" until accepted
};

class ContractStore final {
 public:
  explicit ContractStore(Database& db) : db_(db) {}

  // Stores the next version of the language's template and activates it.
  absl::StatusOr<StoredTemplate> CreateTemplate(
      const std::string& exchange_id, const std::string& language, const std::string& body,
      absl::Time now);
  absl::StatusOr<StoredTemplate> GetTemplate(
      const std::string& exchange_id, const std::string& language, int version);
  // The active uploaded version, or nullopt for the built-in one.
  absl::StatusOr<std::optional<StoredTemplate>> ActiveTemplate(
      const std::string& exchange_id, const std::string& language);
  // Version 0 returns to the built-in template.
  absl::Status ActivateTemplate(
      const std::string& exchange_id, const std::string& language, int version);
  absl::StatusOr<Page<StoredTemplate>> ListTemplates(
      const std::string& exchange_id, const domain::ListQuery& query);

  // Stores a generated document (its PDF, plain text and the marked-up text
  // both were made from) as the next version for its assignment and
  // language, superseding the latest, unless the latest has the same text
  // (text_sha256): then that one is returned and nothing is written.
  absl::StatusOr<StoredContract> SaveContract(
      StoredContract contract, const std::string& pdf, const std::string& plain_text,
      const std::string& marked_text);
  absl::StatusOr<StoredContract> GetContract(const Key& key);
  // The contract when `expert_id` holds its assignment; NOT_FOUND otherwise,
  // as for a missing one.
  absl::StatusOr<StoredContract> GetHeldContract(const Key& key, const std::string& expert_id);
  // The stored PDF bytes (the accepted document once there is one) or text.
  absl::StatusOr<std::string> GetDocument(const Key& key, bool pdf);
  // The marked-up text the contract was made from ("" for contracts made
  // before it was kept).
  absl::StatusOr<std::string> GetMarkedText(const Key& key);
  absl::StatusOr<Page<StoredContract>> ListContracts(
      const std::string& exchange_id, const domain::ListQuery& query);
  // Accepted by the expert `expert_id` through `via` with the typed
  // `full_name`. FAILED_PRECONDITION if already accepted or superseded;
  // NOT_FOUND if the contract is not the expert's.
  // `accepted_pdf` is the accepted document ("" when none could be made).
  absl::StatusOr<StoredContract> Accept(
      const Key& key, const std::string& full_name, const std::string& expert_id,
      const std::string& via, absl::Time now, const std::string& accepted_pdf);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_CONTRACT_STORE_H_
