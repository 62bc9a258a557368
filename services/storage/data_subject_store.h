// An expert's rights over their data (GDPR articles 15, 17 and 20): an export
// of everything held about them as JSON, and erasure that keeps what
// bookkeeping must keep. Erasure moves the expert to a random pseudonymous id
// (in their assignments, keys and idempotency records too), blanks every
// personal field of the record (name, contacts, places, languages, experience
// areas, trainings, availability, limits, consent), blanks the free-text
// feedback on their tasks and the contract documents and typed names, revokes
// their keys, and deletes the old record. Assignments with their fees and
// travel stay, under the pseudonym. The audit log keeps its records (its own
// legal basis and retention); they name resources, never people.
//
//   DataSubjectStore subjects(db);
//   auto json = subjects.Export("ph", "kaisa");
//   auto pseudonym = subjects.Erase("ph", "kaisa", absl::Now());
#ifndef KOKEMUS_SERVICES_STORAGE_DATA_SUBJECT_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_DATA_SUBJECT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/storage/audit_store.h"
#include "services/storage/database.h"

namespace kokemus::storage {

class DataSubjectStore final {
 public:
  explicit DataSubjectStore(Database& db) : db_(db) {}

  // Pretty-printed UTF-8 JSON: the record, assignments with their orders'
  // time, role and orderer, feedback on them, contracts (without documents),
  // API keys (without secrets) and who accessed the record (the audit log).
  absl::StatusOr<std::string> Export(const std::string& exchange_id, const std::string& expert_id);
  // The pseudonymous id the expert's kept records now carry.
  // FAILED_PRECONDITION naming the tasks she still holds
  // (domain::CheckErasure) unless `force`.
  absl::StatusOr<std::string> Erase(
      const std::string& exchange_id, const std::string& expert_id, absl::Time now,
      bool force = false);
  // The retention rule of an exchange ("" : of every exchange): erases each
  // expert who is INACTIVE and whose record last changed, and every task
  // ended, before the start of the Helsinki month retention_months months
  // before `now` (exchanges with 0 keep theirs). Each erasure writes an
  // audit record in its transaction naming the expert, with the key, role
  // and method of `by`. Returns the resource names of the experts erased.
  absl::StatusOr<std::vector<std::string>> ApplyRetention(
      const std::string& exchange_id, absl::Time now, const AuditRecord& by);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_DATA_SUBJECT_STORE_H_
