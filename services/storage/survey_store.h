// The audience's surveys (issue 19): each exchange's own questions and
// settings, one survey per task (order) with its short code, anonymous
// answers and the free texts the coordinator reviews. The rules are the
// domain's (domain/surveys.h); an answer is written in one transaction, its
// choices and texts together, and holds no time, address or identifier.
//
//   SurveyStore store(db);
//   auto survey = store.EnsureSurvey("ph", "visit-1");   // the code for the link
//   auto found = store.FindByCode(code);                 // what the page asks
//   store.SubmitAnswer(found->exchange_id, found->order_id, answer);
#ifndef KOKEMUS_SERVICES_STORAGE_SURVEY_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_SURVEY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/surveys.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct SurveySettings {
  std::string exchange_id;
  std::vector<domain::SurveyQuestion> own;  // the exchange's own questions
  int open_days = domain::kDefaultSurveyDays;
  int suppression_threshold = domain::kDefaultSurveyThreshold;
  // The experts' reflections are anonymous to the coordinator.
  bool anonymous_reflections = false;
};

// A task's survey and what its page shows.
struct TaskSurveyRow {
  std::string exchange_id;
  std::string order_id;
  std::string code;
  int answers = 0;   // counted by EnsureSurvey only
  absl::Time start;  // the task's
  absl::Time end;
  std::string language;       // the order's
  std::string exchange_name;  // the exchange's display name
  bool cancelled = false;     // the visit was cancelled: its survey takes no answers
  SurveySettings settings;
};

// Whose answers: every exchange's (exchange_id ""), an exchange's, or within
// it one order's, one expert's (orders she held confirmed or completed) or
// one organization's.
struct SurveyScope {
  std::string exchange_id;
  std::string order_id;
  std::string expert_id;
  std::string organization_id;
};

enum class CommentState { kUnspecified, kNew, kShown, kHidden };

struct StoredComment {
  std::string exchange_id;
  std::string id;
  std::string order_id;
  domain::SurveyComment comment;
  CommentState state = CommentState::kNew;
};

class SurveyStore final {
 public:
  explicit SurveyStore(Database& db) : db_(db) {}

  // The exchange's settings (the defaults before any update); NOT_FOUND
  // without the exchange.
  absl::StatusOr<SurveySettings> GetSettings(const std::string& exchange_id);
  // Replaces them (validated by the caller).
  absl::StatusOr<SurveySettings> PutSettings(const SurveySettings& settings);

  // The order's survey, made with a fresh code the first time it is asked
  // for; FAILED_PRECONDITION before an expert is confirmed for it, NOT_FOUND
  // without the order.
  absl::StatusOr<TaskSurveyRow> EnsureSurvey(
      const std::string& exchange_id, const std::string& order_id);
  // Who may see an order's survey besides the coordinator: its organization
  // and the experts holding it (confirmed or completed). NOT_FOUND without
  // the order.
  struct Parties {
    std::string organization_id;
    std::vector<std::string> experts;
  };
  absl::StatusOr<Parties> PartiesOf(const std::string& exchange_id, const std::string& order_id);
  // The survey of a code; NOT_FOUND for an unknown one.
  absl::StatusOr<TaskSurveyRow> FindByCode(const std::string& code);

  // Stores one answer: its choices and, as NEW, its free texts.
  absl::Status SubmitAnswer(
      const std::string& exchange_id, const std::string& order_id,
      const domain::SurveyAnswer& answer);

  // The counts of the answers to surveys of tasks starting in [from, to);
  // `tasks`: how many tasks' surveys were answered.
  absl::StatusOr<domain::SurveyCounts> Counts(
      const SurveyScope& scope, absl::Time from, absl::Time to, int* tasks);
  // The free texts of the scope's tasks starting in [from, to) in `state`
  // (kUnspecified: every state), the latest task first; at most `limit`
  // from `offset`.
  absl::StatusOr<std::vector<StoredComment>> Comments(
      const SurveyScope& scope, absl::Time from, absl::Time to, CommentState state, int offset,
      int limit);
  // The figures of a scope for tasks starting in [from, to): its exchange's
  // questions (the built-in ones across exchanges), their summary with
  // `threshold` (kExchangeThreshold: the exchange's own, the default across
  // exchanges), the tasks answered for and at most `comments` shown free
  // texts (none when suppressed).
  static constexpr int kExchangeThreshold = -1;
  absl::StatusOr<domain::SurveyReport> Report(
      const SurveyScope& scope, absl::Time from, absl::Time to, int threshold, int comments);
  // Sets a comment's state; NOT_FOUND for an unknown one.
  absl::StatusOr<StoredComment> Review(
      const std::string& exchange_id, const std::string& id, CommentState state);

 private:
  Database& db_;
};

std::string CommentStateName(CommentState state);

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_SURVEY_STORE_H_
