// The audience survey's rules (issue 19): the Etiäppäin report's tables of 827
// answers reproduced to one decimal (its single-choice shares add up to 100.0
// by the largest remainder: 48,0 % of 822, 5,8 % of 819), what a form's
// answer may hold, own questions, the window and small-group suppression.
#include "services/domain/surveys.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The counts the report printed (pages 17-20).
SurveyCounts ReportCounts() {
  SurveyCounts c;
  c.answers = 827;
  c.respondents = {
      {"role", 827}, {"feelings", 818}, {"hear_more", 822}, {"helped_understand", 819}};
  c.chosen = {
      {{"role", "rehabilitee"}, 6},
      {{"role", "employee"}, 35},
      {{"role", "student"}, 769},
      {{"role", "other"}, 17},
      {{"feelings", "hope"}, 270},
      {{"feelings", "compassion"}, 429},
      {{"feelings", "shame"}, 15},
      {{"feelings", "anxiety"}, 92},
      {{"feelings", "fear"}, 37},
      {{"feelings", "understanding"}, 571},
      {{"feelings", "other"}, 90},
      {{"hear_more", "fully_agree"}, 395},
      {{"hear_more", "partly_agree"}, 280},
      {{"hear_more", "partly_disagree"}, 79},
      {{"hear_more", "fully_disagree"}, 68},
      {{"helped_understand", "fully_agree"}, 402},
      {{"helped_understand", "partly_agree"}, 325},
      {{"helped_understand", "partly_disagree"}, 48},
      {{"helped_understand", "fully_disagree"}, 44},
  };
  return c;
}

TEST(SurveyFigures, TheReportsTablesToOneDecimal) {
  SurveySummary s = SummarizeSurvey(BuiltInSurveyQuestions(), ReportCounts(), 5);
  EXPECT_EQ(s.answers, 827);
  EXPECT_FALSE(s.suppressed);
  ASSERT_EQ(s.questions.size(), 4u);  // free word has no figures
  EXPECT_EQ(s.questions[0].respondents, 827);
  EXPECT_THAT(
      s.questions[0].options,
      ElementsAre(
          OptionFigure{"rehabilitee", 6, 0.7}, OptionFigure{"employee", 35, 4.2},
          OptionFigure{"student", 769, 93.0}, OptionFigure{"other", 17, 2.1}));
  // Several choices: shares of the 818 who answered, 1504 chosen.
  EXPECT_EQ(s.questions[1].respondents, 818);
  EXPECT_EQ(s.questions[1].selections, 1504);
  EXPECT_THAT(
      s.questions[1].options,
      ElementsAre(
          OptionFigure{"hope", 270, 33.0}, OptionFigure{"compassion", 429, 52.4},
          OptionFigure{"shame", 15, 1.8}, OptionFigure{"anxiety", 92, 11.2},
          OptionFigure{"fear", 37, 4.5}, OptionFigure{"understanding", 571, 69.8},
          OptionFigure{"other", 90, 11.0}));
  // 395/822 is 48.05 %: rounded alone it would be 48.1, and the four 100.1.
  EXPECT_THAT(
      s.questions[2].options,
      ElementsAre(
          OptionFigure{"fully_agree", 395, 48.0}, OptionFigure{"partly_agree", 280, 34.1},
          OptionFigure{"partly_disagree", 79, 9.6}, OptionFigure{"fully_disagree", 68, 8.3}));
  EXPECT_EQ(s.questions[3].respondents, 819);
  EXPECT_THAT(
      s.questions[3].options,
      ElementsAre(
          OptionFigure{"fully_agree", 402, 49.1}, OptionFigure{"partly_agree", 325, 39.7},
          OptionFigure{"partly_disagree", 48, 5.8}, OptionFigure{"fully_disagree", 44, 5.4}));
}

TEST(SurveyFigures, PercentRules) {
  EXPECT_EQ(PercentTenths(270, 818), 330);
  EXPECT_EQ(PercentTenths(1, 8), 125);  // 12.5 % exactly
  EXPECT_EQ(PercentTenths(1, 16), 63);  // 6.25 -> 6.3, half up
  EXPECT_EQ(PercentTenths(0, 0), 0);
  EXPECT_THAT(SharesSummingTo100({1, 1, 1}, 3), ElementsAre(334, 333, 333));
  EXPECT_THAT(SharesSummingTo100({0, 0}, 0), ElementsAre(0, 0));
  EXPECT_THAT(SharesSummingTo100({3, 0}, 3), ElementsAre(1000, 0));
  EXPECT_EQ(FormatPercentTenths(480, "fi"), "48,0\u00a0%");
  EXPECT_EQ(FormatPercentTenths(5, "en"), "0.5%");
}

TEST(SurveyFigures, SmallGroupsAreSuppressed) {
  SurveyCounts c;
  c.answers = 4;
  c.respondents = {{"role", 4}};
  c.chosen = {{{"role", "student"}, 4}};
  SurveySummary s = SummarizeSurvey(BuiltInSurveyQuestions(), c, 5);
  EXPECT_TRUE(s.suppressed);
  EXPECT_EQ(s.answers, 0);
  EXPECT_EQ(s.suppression_threshold, 5);
  for (const QuestionFigures& q : s.questions) {
    EXPECT_TRUE(q.suppressed) << q.question;
    EXPECT_TRUE(q.options.empty()) << q.question;
  }
  // Enough answers, but a question answered by too few is left out alone.
  c.answers = 12;
  c.respondents = {{"role", 12}, {"feelings", 3}};
  c.chosen = {{{"role", "student"}, 12}, {{"feelings", "hope"}, 3}};
  s = SummarizeSurvey(BuiltInSurveyQuestions(), c, 5);
  EXPECT_FALSE(s.suppressed);
  EXPECT_FALSE(s.questions[0].suppressed);
  EXPECT_EQ(s.questions[0].options[2], (OptionFigure{"student", 12, 100.0}));
  EXPECT_TRUE(s.questions[1].suppressed);
  EXPECT_EQ(s.questions[1].respondents, 0);
  // One task's own figures without a threshold show every count.
  s = SummarizeSurvey(BuiltInSurveyQuestions(), c, 0);
  EXPECT_EQ(s.questions[1].options[0], (OptionFigure{"hope", 3, 100.0}));
}

TEST(SurveyAnswers, FromTheFormsFields) {
  auto a = ParseSurveyAnswer(
      BuiltInSurveyQuestions(), {{"role", "other"},
                                 {"role.other.what", "  opettaja "},
                                 {"feelings", "hope,understanding,hope"},
                                 {"feelings.other.what", "ignored: other not chosen"},
                                 {"hear_more", "fully_agree"},
                                 {"free_word", "Kiitos!"}});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->choices.at("role"), ElementsAre("other"));
  EXPECT_THAT(a->choices.at("feelings"), ElementsAre("hope", "understanding"));
  EXPECT_THAT(a->choices.at("hear_more"), ElementsAre("fully_agree"));
  EXPECT_EQ(a->choices.count("helped_understand"), 0u);
  EXPECT_THAT(
      a->comments,
      ElementsAre(
          SurveyComment{"role", "other", "opettaja"}, SurveyComment{"free_word", "", "Kiitos!"}));
}

TEST(SurveyAnswers, RefusalsNameTheField) {
  const auto& qs = BuiltInSurveyQuestions();
  auto refused = [&](std::map<std::string, std::string> fields) {
    auto a = ParseSurveyAnswer(qs, fields);
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    return a.status().ToString();
  };
  EXPECT_THAT(refused({}), HasSubstr("answer: answer at least one question"));
  EXPECT_THAT(refused({{"role", " "}}), HasSubstr("answer at least one question"));
  EXPECT_THAT(
      refused({{"role", "teacher"}}), HasSubstr("role: is not one of the question's options"));
  EXPECT_THAT(refused({{"role", "student,employee"}}), HasSubstr("role: takes one option"));
  EXPECT_THAT(
      refused({{"hear_more", "agree"}}),
      HasSubstr("hear_more: is not one of the question's options"));
  EXPECT_THAT(
      refused({{"free_word", std::string(2001, 'a')}}),
      HasSubstr("free_word: is longer than 2000 characters"));
}

TEST(SurveyTemplate, OwnQuestions) {
  SurveyQuestion scale{
      "useful", SurveyQuestionKind::kAgreement, {"Luento oli hyödyllinen", "", ""}, {}};
  SurveyQuestion pick{
      "format",
      SurveyQuestionKind::kSingleChoice,
      {"Paras muoto", "", "Best format"},
      {{"lecture", {"Luento", "", ""}, false}, {"talk", {"Keskustelu", "", ""}, false}}};
  std::vector<SurveyQuestion> own = {scale, pick};
  FieldViolations v;
  ValidateOwnQuestions(own, "template.questions", v);
  EXPECT_TRUE(v.empty()) << v.ToStatus();
  EXPECT_EQ(own[0].options, AgreementOptions());
  // Given back as read: the same; other options are refused.
  FieldViolations again;
  ValidateOwnQuestions(own, "template.questions", again);
  EXPECT_TRUE(again.empty()) << again.ToStatus();
  own[0].options.pop_back();
  ValidateOwnQuestions(own, "template.questions", again);
  EXPECT_THAT(
      again.list(), ElementsAre(FieldViolation{
                        "template.questions[0].options", "are fixed for an agreement question"}));
  EXPECT_EQ(SurveyQuestions(own).size(), 7u);
  EXPECT_EQ(pick.text.In("en"), "Best format");
  EXPECT_EQ(pick.text.In("sv"), "Paras muoto");  // falls back to Finnish

  std::vector<SurveyQuestion> bad = {
      {"role", SurveyQuestionKind::kFreeText, {"Olen", "", ""}, {}},
      {"x", SurveyQuestionKind::kUnspecified, {"", "", ""}, {}},
      {"y", SurveyQuestionKind::kMultipleChoice, {"Y", "", ""}, {{"a", {"A", "", ""}, false}}},
      {"z", SurveyQuestionKind::kFreeText, {"Z", "", ""}, {{"a", {"A", "", ""}, false}}},
  };
  FieldViolations w;
  ValidateOwnQuestions(bad, "template.questions", w);
  EXPECT_THAT(
      w.list(), ElementsAre(
                    FieldViolation{"template.questions[0].id", "is a built-in question's id"},
                    FieldViolation{"template.questions[1].kind", "is required"},
                    FieldViolation{"template.questions[1].text.fi", "is required"},
                    FieldViolation{"template.questions[2].options", "must be 2 to 10"},
                    FieldViolation{
                        "template.questions[3].options", "are not asked of a free-text question"}));
}

TEST(SurveyTemplate, SettingsDropTheBuiltInQuestionsAndTakeDefaults) {
  std::vector<SurveyQuestion> given = SurveyQuestions(
      {{"useful", SurveyQuestionKind::kAgreement, {"Luento oli hyödyllinen", "", ""}, {}}});
  int days = 0, threshold = 0;
  FieldViolations v;
  ValidateSurveySettings(given, days, threshold, "template", v);
  EXPECT_TRUE(v.empty()) << v.ToStatus();
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].id, "useful");
  EXPECT_EQ(days, 7);
  EXPECT_EQ(threshold, 5);
  // A built-in id with other content is an own question's clash.
  std::vector<SurveyQuestion> changed = BuiltInSurveyQuestions();
  changed[0].text.fi = "Olen luokalla";
  days = 61;
  threshold = 2;
  FieldViolations w;
  ValidateSurveySettings(changed, days, threshold, "template", w);
  EXPECT_THAT(
      w.list(), ElementsAre(
                    FieldViolation{"template.questions[0].id", "is a built-in question's id"},
                    FieldViolation{"template.open_days", "must be 1 to 60"},
                    FieldViolation{"template.suppression_threshold", "must be 3 to 50"}));
  EXPECT_EQ(FormatPercent(48.0, "fi"), "48,0\u00a0%");
  EXPECT_EQ(FormatPercent(5.8, "en"), "5.8%");
}

TEST(SurveyWindow, FromTheStartUntilDaysAfterTheEnd) {
  const absl::Time start = absl::FromUnixSeconds(1'800'000'000);
  SurveyWindow w = SurveyWindowFor(start, start + absl::Minutes(90), kDefaultSurveyDays);
  EXPECT_EQ(w.opens, start);
  EXPECT_EQ(w.closes, start + absl::Minutes(90) + absl::Hours(7 * 24));
}

}  // namespace
}  // namespace kokemus::domain
