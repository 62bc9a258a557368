#include "services/domain/statistics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/domain/enum_names.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

std::string ExpertKey(const TaskRecord& t) { return absl::StrCat(t.exchange_id, "/", t.expert_id); }

// Figures under construction: the distinct sets are counted at the end.
struct Tally {
  Figures figures;
  std::set<std::string> experts;
  std::set<std::string> organizations;

  void Add(const TaskRecord& t) {
    Figures& f = figures;
    if (t.state == AssignmentState::kCompleted) {
      ++f.tasks;
      f.hours += t.minutes / 60.0;
      experts.insert(ExpertKey(t));
      organizations.insert(absl::StrCat(t.exchange_id, "/", t.organization_id));
    } else if (t.state == AssignmentState::kCancelled) {
      f.cancelled_by_orderer += t.cancelled_by == CancelledBy::kOrderer;
      f.cancelled_by_expert += t.cancelled_by == CancelledBy::kExpert;
      f.cancelled_by_exchange += t.cancelled_by == CancelledBy::kExchange;
    } else {
      return;
    }
    f.fees_cents += t.fee_cents;
    f.travel_cents += t.travel_cents;
  }

  StatisticsRow Row(std::vector<std::string> key, int threshold) const {
    StatisticsRow row;
    row.key = std::move(key);
    row.figures = figures;
    row.figures.experts_worked = static_cast<int>(experts.size());
    row.figures.organizations = static_cast<int>(organizations.size());
    if (threshold > 0 && row.figures.experts_worked < threshold) {
      row.suppressed = true;
      row.figures = Figures{};
    }
    return row;
  }
};

double Percent(int n, int of) { return of == 0 ? 0 : std::round(1000.0 * n / of) / 10.0; }

}  // namespace

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CategoryOf(const TaskRecord& t) {
  return t.kind == OrganizationKind::kEducationalInstitution || t.sector == Sector::kEducation
             ? "EDUCATIONAL_INSTITUTIONS"
             : "BASIC_SERVICES";
}

std::string GroupValue(const TaskRecord& t, Grouping g) {
  switch (g) {
    case Grouping::kYear:
      return absl::StrCat(absl::ToCivilYear(t.start_time, reference::HelsinkiTimeZone()).year());
    case Grouping::kMonth: {
      const absl::CivilMonth m = absl::ToCivilMonth(t.start_time, reference::HelsinkiTimeZone());
      return absl::StrFormat("%04d-%02d", m.year(), m.month());
    }
    case Grouping::kCategory:
      return CategoryOf(t);
    case Grouping::kOrganizationKind:
      return std::string(EnumName(t.kind));
    case Grouping::kSector:
      return std::string(EnumName(t.sector));
    case Grouping::kRole:
      return std::string(EnumName(t.role));
    case Grouping::kMunicipality:
      return t.remote ? "REMOTE" : t.municipality;
    case Grouping::kExpert:
      return t.expert_id;
    case Grouping::kExchange:
      return t.exchange_id;
  }
  return "";
}

Statistics ComputeStatistics(
    const std::vector<TaskRecord>& tasks, const std::vector<std::string>& active_trained,
    const std::vector<Grouping>& group_by, int threshold) {
  Statistics s;
  s.suppression_threshold = threshold;
  Tally total;
  std::map<std::vector<std::string>, Tally> groups;
  std::map<std::string, int> tasks_of;  // active trained experts' tasks
  for (const std::string& key : active_trained) tasks_of.emplace(key, 0);
  for (const TaskRecord& t : tasks) {
    total.Add(t);
    if (!group_by.empty()) {
      std::vector<std::string> key;
      for (Grouping g : group_by) key.push_back(GroupValue(t, g));
      groups[key].Add(t);
    }
    if (t.state == AssignmentState::kCompleted) {
      auto it = tasks_of.find(ExpertKey(t));
      if (it != tasks_of.end()) ++it->second;
    }
  }
  for (const auto& [key, tally] : groups) {
    s.rows.push_back(tally.Row(key, threshold));
    s.suppressed_rows += s.rows.back().suppressed;
  }
  s.total = total.Row({}, threshold);
  std::vector<int> counts;
  for (const auto& [key, n] : tasks_of) {
    counts.push_back(n);
    s.active_trained_with_task += n > 0;
  }
  s.active_trained_experts = static_cast<int>(counts.size());
  s.share_with_task =
      counts.empty() ? 0 : static_cast<double>(s.active_trained_with_task) / counts.size();
  s.gini = Gini(counts);
  if (threshold > 0 && s.active_trained_with_task < threshold) {
    // Figures about so few people are suppressed too.
    s.active_trained_with_task = 0;
    s.share_with_task = 0;
    s.gini = 0;
  }
  return s;
}

std::vector<FeedbackGroup> SummarizeFeedback(
    const std::vector<TaskRecord>& tasks, std::optional<Grouping> group_by, int threshold,
    int reflection_threshold) {
  struct Answers {
    std::map<std::string, std::vector<std::string>> by_question;  // options chosen
    std::set<std::string> experts;
  };
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kQuestions = {
      {"orderer.overall_rating", {"1", "2", "3", "4", "5"}},
      {"orderer.content_rating", {"1", "2", "3", "4", "5"}},
      {"expert.heaviness", {"1", "2", "3", "4", "5"}},
      {"expert.setting_safe", {"yes", "no"}},
      {"expert.support_afterwards", {"yes", "no", "not_needed"}}};
  std::map<std::string, Answers> groups;
  for (const TaskRecord& t : tasks) {
    if (t.state != AssignmentState::kCompleted) continue;
    Answers& a = groups[group_by ? GroupValue(t, *group_by) : ""];
    a.experts.insert(ExpertKey(t));
    if (t.orderer_overall > 0)
      a.by_question["orderer.overall_rating"].push_back(absl::StrCat(t.orderer_overall));
    if (t.orderer_content > 0)
      a.by_question["orderer.content_rating"].push_back(absl::StrCat(t.orderer_content));
    if (t.expert_heaviness > 0)
      a.by_question["expert.heaviness"].push_back(absl::StrCat(t.expert_heaviness));
    if (t.expert_setting_safe >= 0) {
      a.by_question["expert.setting_safe"].push_back(t.expert_setting_safe == 1 ? "yes" : "no");
    }
    if (!t.expert_support.empty()) {
      a.by_question["expert.support_afterwards"].push_back(t.expert_support);
    }
  }
  std::vector<FeedbackGroup> out;
  for (const auto& [key, a] : groups) {
    FeedbackGroup g;
    g.key = key;
    g.suppressed = threshold > 0 && static_cast<int>(a.experts.size()) < threshold;
    const bool reflections_hidden =
        reflection_threshold > 0 && static_cast<int>(a.experts.size()) < reflection_threshold;
    if (!g.suppressed) {
      for (const auto& [question, options] : kQuestions) {
        if (reflections_hidden && question.rfind("expert.", 0) == 0) continue;
        QuestionSummary q;
        q.question = question;
        auto it = a.by_question.find(question);
        const std::vector<std::string> none;
        const std::vector<std::string>& chosen = it == a.by_question.end() ? none : it->second;
        q.answers = static_cast<int>(chosen.size());
        double sum = 0;
        for (const std::string& option : options) {
          const int n = static_cast<int>(std::count(chosen.begin(), chosen.end(), option));
          q.options.push_back({option, n, Percent(n, q.answers)});
          if (absl::ascii_isdigit(option[0])) sum += n * std::stoi(option);
        }
        q.mean = q.answers == 0 || !absl::ascii_isdigit(options[0][0]) ? 0 : sum / q.answers;
        g.questions.push_back(std::move(q));
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::string AssignmentCsvHeader() {
  return "assignment,start_time,duration_minutes,state,cancelled_by,role,organization,"
         "organization_name,organization_kind,sector,category,municipality,remote,expert,"
         "fee_cents,travel_cents,total_cents";
}

std::string AssignmentCsvLine(const TaskRecord& t) {
  return absl::StrCat(
      "exchanges/", t.exchange_id, "/orders/", t.order_id, "/assignments/", t.assignment_id, ",",
      absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t.start_time, reference::HelsinkiTimeZone()), ",",
      t.minutes, ",", EnumName(t.state), ",",
      t.cancelled_by == CancelledBy::kUnspecified ? "" : EnumName(t.cancelled_by), ",",
      EnumName(t.role), ",", CsvField(t.organization_id), ",", CsvField(t.organization_name), ",",
      EnumName(t.kind), ",", EnumName(t.sector), ",", CategoryOf(t), ",", t.municipality, ",",
      t.remote ? "true" : "false", ",", CsvField(t.expert_id), ",", t.fee_cents, ",",
      t.travel_cents, ",", t.fee_cents + t.travel_cents);
}

double Gini(const std::vector<int>& counts) {
  if (counts.empty()) return 0;
  std::vector<int> v = counts;
  std::sort(v.begin(), v.end());
  const double total = std::accumulate(v.begin(), v.end(), 0.0);
  if (total == 0) return 0;
  // G = sum_i (2i - n - 1) x_i / (n * sum x), i from 1, x ascending.
  const double n = static_cast<double>(v.size());
  double weighted = 0;
  for (size_t i = 0; i < v.size(); ++i) weighted += (2.0 * (i + 1) - n - 1) * v[i];
  return weighted / (n * total);
}

}  // namespace kokemus::domain
