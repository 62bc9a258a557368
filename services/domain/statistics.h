// Statistics the way regions already count them: a task is a completed
// assignment; fees and travel are what was paid (cancellation fees
// included); groups by year, month, the educational-institutions-or-basic-
// services split, orderer kind and sector, role, municipality, expert or
// exchange. Figures that span exchanges suppress every group that counts
// fewer than a threshold of experts. Pure functions over rows that storage
// reads.
//
//   Statistics s = ComputeStatistics(tasks, active_trained, {Grouping::kCategory}, 0);
//   s.rows[0].key[0] == "BASIC_SERVICES"; s.total.figures.tasks; s.gini;
#ifndef KOKEMUS_SERVICES_DOMAIN_STATISTICS_H_
#define KOKEMUS_SERVICES_DOMAIN_STATISTICS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// One completed or cancelled assignment with what statistics group by.
struct TaskRecord {
  std::string exchange_id;
  std::string order_id;
  std::string assignment_id;
  std::string expert_id;
  std::string organization_id;
  std::string organization_name;
  AssignmentState state = AssignmentState::kUnspecified;  // COMPLETED or CANCELLED
  CancelledBy cancelled_by = CancelledBy::kUnspecified;
  absl::Time start_time = absl::UnixEpoch();
  int minutes = 0;  // actual if recorded, else as ordered
  int64_t fee_cents = 0;
  int64_t travel_cents = 0;
  int64_t declined_fee_cents = 0;
  int64_t daily_allowance_cents = 0;
  Role role = Role::kUnspecified;
  OrganizationKind kind = OrganizationKind::kUnspecified;
  Sector sector = Sector::kUnspecified;
  std::string municipality;  // of the place; "" when remote
  bool remote = false;
  // Feedback: the orderer's ratings (0: none) and the expert's own answers.
  int orderer_overall = 0;
  int orderer_content = 0;
  int expert_heaviness = 0;      // 1-5, 0: none
  int expert_setting_safe = -1;  // 1 yes, 0 no, -1 no answer
  std::string expert_support;    // "yes", "no", "not_needed"; "": no answer
};

enum class Grouping {
  kYear,
  kMonth,
  kCategory,
  kOrganizationKind,
  kSector,
  kRole,
  kMunicipality,
  kExpert,
  kExchange,
};

// "EDUCATIONAL_INSTITUTIONS" or "BASIC_SERVICES".
std::string CategoryOf(const TaskRecord& task);
// The group value of a task, as shown ("2026", "2026-03", "LECTURER", "398").
std::string GroupValue(const TaskRecord& task, Grouping grouping);

struct Figures {
  int tasks = 0;
  double hours = 0;
  int64_t fees_cents = 0;
  int64_t travel_cents = 0;
  int cancelled_by_orderer = 0;
  int cancelled_by_expert = 0;
  int cancelled_by_exchange = 0;
  int experts_worked = 0;
  int organizations = 0;
};

struct StatisticsRow {
  std::vector<std::string> key;
  Figures figures;  // zero when suppressed
  bool suppressed = false;
};

struct Statistics {
  std::vector<StatisticsRow> rows;  // ordered by key
  StatisticsRow total;
  int active_trained_experts = 0;
  int active_trained_with_task = 0;
  double share_with_task = 0;
  double gini = 0;
  int suppression_threshold = 0;
  int suppressed_rows = 0;
};

// Experts are told apart by exchange and id. `active_trained` are the
// "exchange/expert" keys of the experts active with a training now: the
// population of the share with a task and of the Gini coefficient (experts
// without a task count as 0). `suppression_threshold` 0: nothing suppressed.
Statistics ComputeStatistics(
    const std::vector<TaskRecord>& tasks, const std::vector<std::string>& active_trained,
    const std::vector<Grouping>& group_by, int suppression_threshold);

// The distribution of one question's answers.
struct AnswerCount {
  std::string option;
  int n = 0;
  double percent = 0;  // of the answers, one decimal
  bool operator==(const AnswerCount&) const = default;
};
struct QuestionSummary {
  std::string question;
  int answers = 0;
  std::vector<AnswerCount> options;
  double mean = 0;
};
struct FeedbackGroup {
  std::string key;
  std::vector<QuestionSummary> questions;
  bool suppressed = false;
};

// Feedback of the completed tasks: orderer.overall_rating (1-5),
// orderer.content_rating (1-5), expert.heaviness (1-5), expert.setting_safe
// (yes/no), expert.support_afterwards (yes/no/not_needed); per group (role,
// month or year) or all in one ("" key). A group behind fewer experts than
// `suppression_threshold` is suppressed; one behind fewer than
// `reflection_threshold` (an exchange whose experts' reflections are
// anonymous) leaves out the expert.* questions.
std::vector<FeedbackGroup> SummarizeFeedback(
    const std::vector<TaskRecord>& tasks, std::optional<Grouping> group_by,
    int suppression_threshold, int reflection_threshold = 0);

// An RFC 4180 field: quoted when it holds a comma, a quote or a line break.
std::string CsvField(absl::string_view value);

// CSV exports (RFC 4180 fields, without line ends). The assignments export:
// a header, then one line per assignment.
std::string AssignmentCsvHeader();
std::string AssignmentCsvLine(const TaskRecord& task);

// Figures that span exchanges leave out groups of fewer experts than this
// (kept small enough to be useful, large enough that no one is recognised);
// one exchange's own figures are shown whole.
inline constexpr int kCrossExchangeSuppressionThreshold = 5;
inline int SuppressionThreshold(bool across_exchanges) {
  return across_exchanges ? kCrossExchangeSuppressionThreshold : 0;
}

// Gini coefficient of non-negative counts; 0 when all are equal or zero.
double Gini(const std::vector<int>& counts);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_STATISTICS_H_
