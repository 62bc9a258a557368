// survey template|set-template|get|results [--format csv]|comments|show|hide:
// the audience's survey of a task (its link, QR code and printable card), the
// figures of the answers and the coordinator's review of the free texts.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/kokemusctl/command_line.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"
#include "google/protobuf/util/json_util.h"

namespace kokemus::cli {
namespace {

using S = v1::SurveyService::Stub;

// One row per question and option, as the source report's tables.
std::vector<std::vector<std::string>> ResultRows(const v1::GetSurveyResultsResponse& r) {
  std::vector<std::vector<std::string>> rows = {
      {"QUESTION", "RESPONDENTS", "OPTION", "N", "PERCENT"}};
  for (const v1::SurveyQuestionResult& q : r.questions()) {
    if (q.suppressed()) {
      rows.push_back({q.text(), "", "(fewer than the threshold)", "", ""});
      continue;
    }
    for (const v1::SurveyOptionResult& o : q.options()) {
      rows.push_back(
          {q.text(), absl::StrCat(q.respondents()), o.label(), absl::StrCat(o.n()),
           absl::StrFormat("%.1f", o.percent())});
    }
  }
  return rows;
}

// The template as a coordinator reads it: its settings, then a line per
// question (its Finnish text and its options' ids).
int PrintTemplate(Session& s, const v1::SurveyTemplate& t) {
  return s.Print(t, [&] {
    s.out() << "name: " << t.name() << "\nopen_days: " << t.open_days()
            << "\nsuppression_threshold: " << t.suppression_threshold()
            << "\nanonymous_reflections: " << (t.anonymous_reflections() ? "true" : "false")
            << "\n";
    std::vector<std::vector<std::string>> rows = {{"ID", "KIND", "OWN", "TEXT", "OPTIONS"}};
    for (const v1::SurveyQuestion& q : t.questions()) {
      std::vector<std::string> options;
      for (const v1::SurveyOption& o : q.options()) options.push_back(o.id());
      rows.push_back(
          {q.id(), HumanField(q, q.GetDescriptor()->FindFieldByName("kind")),
           q.built_in() ? "" : "yes", q.text().fi(), absl::StrJoin(options, ",")});
    }
    PrintCells(rows, s.out());
  });
}

}  // namespace

int SurveyCommand(Session& s) {
  if (s.verb() == "template") {
    s.RequireNoMoreFlags();
    v1::GetSurveyTemplateRequest req;
    req.set_name(absl::StrCat(s.Parent(), "/surveyTemplate"));
    return PrintTemplate(s, s.Call(&S::GetSurveyTemplate, req).template_());
  }
  if (s.verb() == "set-template") {
    // --file: the template as JSON (protobuf's mapping; its own questions
    // with their texts and options), flags on top.
    v1::UpdateSurveyTemplateRequest req;
    if (auto file = s.TakeFlag("file")) {
      if (!google::protobuf::util::JsonStringToMessage(
               ReadFlagFile(*file, "file"), req.mutable_template_())
               .ok()) {
        throw UsageError{absl::StrCat("--file: ", *file, " is not a survey template as JSON")};
      }
    }
    SetFields(s.TakeFlags(), req.mutable_template_());
    req.mutable_template_()->set_name(absl::StrCat(s.Parent(), "/surveyTemplate"));
    return PrintTemplate(s, s.Call(&S::UpdateSurveyTemplate, req).template_());
  }
  if (s.verb() == "results") {
    // SCOPE: "-" (every exchange), "" (the exchange), or orders/ID,
    // experts/ID, organizations/ID of it.
    const auto from = s.TakeFlag("from");
    const auto to = s.TakeFlag("to");
    if (!from || !to) throw UsageError{"survey results needs --from and --to"};
    const std::string format = s.TakeFlag("format").value_or("table");
    if (format != "table" && format != "csv") throw UsageError{"--format: table or csv"};
    v1::GetSurveyResultsRequest req;
    const std::string scope = s.TakeFlag("scope").value_or("");
    req.set_scope(
        scope == "-"    ? "exchanges/-"
        : scope.empty() ? s.Parent()
                        : absl::StrCat(s.Parent(), "/", scope));
    SetTimestamp(req.mutable_start_time(), ParseDayOrTime(*from, "from"));
    SetTimestamp(req.mutable_end_time(), ParseDayOrTime(*to, "to"));
    req.set_language(s.TakeFlag("language").value_or(""));
    s.RequireNoMoreFlags();
    const v1::GetSurveyResultsResponse resp = s.Call(&S::GetSurveyResults, req);
    const auto rows = ResultRows(resp);
    if (format == "csv") {
      PrintCsv(rows, s.out());
      return 0;
    }
    return s.Print(resp, [&] {
      if (resp.suppressed()) {
        s.out() << "fewer answers than " << resp.suppression_threshold() << ": not shown\n";
        return;
      }
      s.out() << "answers: " << resp.answers() << " (tasks: " << resp.tasks() << ")\n";
      PrintCells(rows, s.out());
      for (const std::string& c : resp.comments()) s.out() << "- " << c << "\n";
    });
  }
  if (s.verb() == "comments") {
    v1::ListSurveyCommentsRequest req;
    req.set_parent(s.Parent());
    if (const auto state = s.TakeFlag("state")) {
      v1::SurveyComment::State parsed;
      if (!v1::SurveyComment::State_Parse(
              absl::StrCat("STATE_", absl::AsciiStrToUpper(*state)), &parsed)) {
        throw UsageError{"--state: new, shown or hidden"};
      }
      req.set_state(parsed);
    }
    return s.List(&S::ListSurveyComments, req, [&](const v1::ListSurveyCommentsResponse& all) {
      std::vector<std::vector<std::string>> rows = {
          {"COMMENT", "ORDER", "QUESTION", "STATE", "TEXT"}};
      for (const v1::SurveyComment& c : all.comments()) {
        rows.push_back(
            {ShortName(c.name()), ShortName(c.order()), c.question(),
             HumanField(c, c.GetDescriptor()->FindFieldByName("state")), c.text()});
      }
      PrintCells(rows, s.out());
    });
  }
  if (s.verb() == "show" || s.verb() == "hide") {
    v1::ReviewSurveyCommentRequest req;
    req.set_name(s.NameIn("surveyComments"));
    req.set_state(
        s.verb() == "show" ? v1::SurveyComment::STATE_SHOWN : v1::SurveyComment::STATE_HIDDEN);
    s.RequireNoMoreFlags();
    return s.Show(&S::ReviewSurveyComment, req);
  }
  if (s.verb() == "get") {
    // --format png|svg|pdf writes the QR code or the card (-o FILE).
    v1::GetTaskSurveyRequest req;
    req.set_name(absl::StrCat(s.NameIn("orders"), "/survey"));
    const std::string format = s.TakeFlag("format").value_or("");
    if (format == "png")
      req.set_format(v1::SURVEY_FORMAT_QR_PNG);
    else if (format == "svg")
      req.set_format(v1::SURVEY_FORMAT_QR_SVG);
    else if (format == "pdf")
      req.set_format(v1::SURVEY_FORMAT_PDF);
    else if (!format.empty())
      throw UsageError{"--format: png, svg or pdf"};
    req.set_language(s.TakeFlag("language").value_or(""));
    if (format.empty()) {
      s.RequireNoMoreFlags();
      return s.Show(&S::GetTaskSurvey, req);
    }
    return s.WriteDocument(s.Call(&S::GetTaskSurvey, req).content());
  }
  throw UsageError{"survey verbs: template, set-template, get, results, comments, show, hide"};
}

}  // namespace kokemus::cli
