// libFuzzer target: the audience survey's answer as the public page's form
// sends it (no sign-in: anyone may send anything). Any bytes as "k=v&k=v";
// the parse must not crash, an accepted answer holds only the template's
// questions and options and texts within the limit, and the figures of any
// counts stay within 0..100 % with single choices adding up to 100.0.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/str_split.h"
#include "services/domain/surveys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kokemus::domain;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> fields;
  for (absl::string_view pair : absl::StrSplit(text, '&')) {
    const size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    auto [it, fresh] = fields.emplace(key, value);
    if (!fresh) it->second += "," + value;  // as the page joins a repeated field
  }
  const std::vector<SurveyQuestion>& questions = BuiltInSurveyQuestions();
  auto answer = ParseSurveyAnswer(questions, fields);
  SurveyCounts counts;
  if (answer.ok()) {
    counts.answers = 1;
    for (const auto& [q, chosen] : answer->choices) {
      bool known = false;
      for (const SurveyQuestion& question : questions) known |= question.id == q;
      if (!known || chosen.empty()) std::abort();
      counts.respondents[q] = 1;
      for (const std::string& o : chosen) counts.chosen[{q, o}] += 1;
    }
    for (const SurveyComment& c : answer->comments) {
      if (c.text.empty() || c.text.size() > kMaxSurveyTextBytes) std::abort();
    }
  }
  // Counts from the bytes too, of any sizes, each respondent with one role.
  static const char* kRoles[] = {"rehabilitee", "employee", "student", "other"};
  for (size_t i = 0; i < size && i < 16; ++i) counts.chosen[{"role", kRoles[i % 4]}] += data[i];
  int respondents = 0;
  for (const char* role : kRoles) respondents += counts.chosen[{"role", role}];
  counts.respondents["role"] = respondents;
  counts.answers = respondents;
  const SurveySummary s = SummarizeSurvey(questions, counts, size % 3);
  for (const QuestionFigures& q : s.questions) {
    double single = 0;
    for (const OptionFigure& o : q.options) {
      if (o.percent < 0 || o.percent > 100) std::abort();
      single += o.percent;
    }
    if (q.kind == SurveyQuestionKind::kSingleChoice && q.respondents > 0 &&
        (single < 99.95 || single > 100.05)) {
      std::abort();
    }
  }
  return 0;
}
