// The audience's survey of a task (issue 19): the questions of the
// Etiäppäin project's survey as every exchange's template, the exchange's own
// questions beside them, what an anonymous answer may hold, when a task's
// survey is open, and the figures as the project's report printed them: n and
// a percentage with one decimal per option, single-choice shares that add up
// to 100.0 (largest remainder, as the report's 48,0 % of 822 shows) and
// multiple-choice shares of those who answered the question.
//
//   std::vector<SurveyQuestion> qs = SurveyQuestions(exchange_own_questions);
//   absl::StatusOr<SurveyAnswer> a = ParseSurveyAnswer(qs, form_fields);
//   SurveySummary s = SummarizeSurvey(qs, counts, /*threshold=*/5);
#ifndef KOKEMUS_SERVICES_DOMAIN_SURVEYS_H_
#define KOKEMUS_SERVICES_DOMAIN_SURVEYS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

// One text in the three languages; sv and en fall back to fi when empty.
struct SurveyText {
  std::string fi, sv, en;
  const std::string& In(absl::string_view language) const;
  bool operator==(const SurveyText&) const = default;
};

enum class SurveyQuestionKind {
  kUnspecified,
  kSingleChoice,    // one option
  kMultipleChoice,  // any of the options
  kAgreement,       // fully agree, partly agree, partly disagree, fully disagree
  kFreeText,
};

struct SurveyOption {
  std::string id;  // "student"
  SurveyText label;
  bool asks_what = false;  // "Other, what?": a short text beside the choice
  bool operator==(const SurveyOption&) const = default;
};

struct SurveyQuestion {
  std::string id;  // "role"; an own question's any id not built in
  SurveyQuestionKind kind = SurveyQuestionKind::kUnspecified;
  SurveyText text;
  std::vector<SurveyOption> options;  // for the choice kinds (agreement's are fixed)
  bool operator==(const SurveyQuestion&) const = default;
};

// The source document's questions: "role" (rehabilitee, employee, student,
// other), "feelings" (hope, compassion, shame, anxiety, fear, understanding,
// other), "hear_more" and "helped_understand" (agreement), "free_word".
const std::vector<SurveyQuestion>& BuiltInSurveyQuestions();
// The four options of an agreement question, fully agree first.
const std::vector<SurveyOption>& AgreementOptions();
// The built-in questions and then the exchange's own.
std::vector<SurveyQuestion> SurveyQuestions(const std::vector<SurveyQuestion>& own);

// At most this many own questions, options per question, and characters of a
// free text (longer is refused, not cut).
inline constexpr int kMaxOwnQuestions = 10;
inline constexpr int kMaxOptions = 10;
inline constexpr size_t kMaxSurveyTextBytes = 2000;
inline constexpr size_t kMaxQuestionTextBytes = 300;

// An exchange's own questions: ids as resource ids, not a built-in id, not
// twice; a kind; a Finnish text of at most 300 bytes; 2 to 10 options with
// unique ids and Finnish labels for the choice kinds, none for the others
// (an agreement question gets the fixed four). Violations under
// `field` ("template.questions[0].text").
void ValidateOwnQuestions(
    std::vector<SurveyQuestion>& own, absl::string_view field, FieldViolations& v);

// An exchange's survey settings as an update gives them: `questions` may
// hold the built-in ones as a read template has them (unchanged, they are
// dropped; the rest are its own, checked by ValidateOwnQuestions); 0 days or
// threshold are the defaults (7, 5); days 1 to 60, threshold 3 to 50.
// Violations under `field` ("template").
void ValidateSurveySettings(
    std::vector<SurveyQuestion>& questions, int& open_days, int& suppression_threshold,
    absl::string_view field, FieldViolations& v);

// A free text given in an answer: the question it answers ("free_word", or
// "role" for the "what?" of its option "other") and the text.
struct SurveyComment {
  std::string question;
  std::string option;  // "" for a free-text question; the option asking "what?"
  std::string text;
  bool operator==(const SurveyComment&) const = default;
};

// One audience member's answer: the options chosen per question and the free
// texts. Nothing about who or where from.
struct SurveyAnswer {
  std::map<std::string, std::vector<std::string>> choices;  // question -> option ids
  std::vector<SurveyComment> comments;
  bool operator==(const SurveyAnswer&) const = default;
};

// An answer from a form's fields: a choice question's field is its id (a
// multiple choice's options comma-separated, as the page's parser joins a
// repeated field), a free text's is its id, an option's "what?" is
// "{question}.{option}.what" (kept only when the option is chosen). Every
// question may be left unanswered, but not all of them. INVALID_ARGUMENT
// naming the field: an unknown option, two options of a single choice, a
// text over 2000 bytes, nothing answered ("answer").
absl::StatusOr<SurveyAnswer> ParseSurveyAnswer(
    const std::vector<SurveyQuestion>& questions, const std::map<std::string, std::string>& fields);

// When a task's survey takes answers: from the task's start until `days`
// after its end.
struct SurveyWindow {
  absl::Time opens;
  absl::Time closes;
};
inline constexpr int kDefaultSurveyDays = 7;
SurveyWindow SurveyWindowFor(absl::Time task_start, absl::Time task_end, int days);

// A task survey's short link: `{base_url}k/{code}` ("/" added to a base
// without one). The self-service web serves the path.
inline constexpr char kSurveyPath[] = "/k/";
std::string SurveyLink(absl::string_view base_url, absl::string_view code);

// The counts stored answers give for a scope: answers in all, per question
// those who answered it, per question and option those who chose it.
struct SurveyCounts {
  int answers = 0;
  std::map<std::string, int> respondents;                     // question -> n
  std::map<std::pair<std::string, std::string>, int> chosen;  // (question, option) -> n
  bool operator==(const SurveyCounts&) const = default;
};

struct OptionFigure {
  std::string option;
  int n = 0;
  double percent = 0;  // one decimal
  bool operator==(const OptionFigure&) const = default;
};

struct QuestionFigures {
  std::string question;
  SurveyQuestionKind kind = SurveyQuestionKind::kUnspecified;
  int respondents = 0;  // who answered the question
  int selections = 0;   // options chosen in all (a multiple choice: more than respondents)
  std::vector<OptionFigure> options;  // every option, in the question's order
  bool suppressed = false;            // fewer respondents than the threshold: no options
  bool operator==(const QuestionFigures&) const = default;
};

struct SurveySummary {
  int answers = 0;
  int suppression_threshold = 0;
  bool suppressed = false;  // fewer answers than the threshold: no questions' figures
  std::vector<QuestionFigures> questions;  // the choice questions, in order
  bool operator==(const SurveySummary&) const = default;
};

// Tenths of a percent of `n` in `total`, rounded half up: 270 of 818 -> 330.
int PercentTenths(int n, int total);
// Each count's share of `total` in tenths of a percent, adding up to 1000 by
// the largest remainder (ties to the earlier option): 395, 280, 79, 68 of
// 822 -> 480, 341, 96, 83, as the report printed; all zero when total is 0.
std::vector<int> SharesSummingTo100(const std::vector<int>& counts, int total);

// The figures of `questions` (free text has none) from `counts`; below
// `threshold` answers (0: none) the whole summary, below it respondents a
// question, is suppressed.
SurveySummary SummarizeSurvey(
    const std::vector<SurveyQuestion>& questions, const SurveyCounts& counts, int threshold);

// A year's audience survey for the annual report: the exchange's questions,
// their figures, the tasks answered for and the free texts shown.
struct SurveyReport {
  std::vector<SurveyQuestion> questions;
  SurveySummary summary;
  int tasks = 0;
  std::vector<std::string> comments;  // only those the coordinator has shown
};
// At most this many free texts in a report.
inline constexpr int kReportComments = 20;

// The smallest group the figures of a scope wider than one exchange show.
inline constexpr int kDefaultSurveyThreshold = 5;

// "48,0 %" (fi, sv) or "48.0%" (en) for a value in tenths.
std::string FormatPercentTenths(int tenths, absl::string_view language);
// The same for a percentage with one decimal (OptionFigure::percent): 48.0 -> "48,0 %".
std::string FormatPercent(double percent, absl::string_view language);

// The words of a task survey's printable card, in fi, sv or en.
struct SurveyCard {
  std::string language;
  std::string title;     // "Kerro, mitä ajattelit"
  std::string lead;      // the invitation with the visit's day
  std::string url;       // the short link
  std::string closes;    // "Kysely on auki 17.12.2026 klo 11.30 asti."
  std::string note;      // what is not stored with an answer
  std::string exchange;  // the exchange's name
};
SurveyCard SurveyCardFor(
    absl::string_view language, const std::string& exchange_name, absl::Time task_start,
    absl::Time closes, const std::string& url);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_SURVEYS_H_
