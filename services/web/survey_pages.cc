// The audience's survey of a task at /k/{code} (issue 19): no sign-in, no
// script, one answer per browser (a cookie on the survey's own path), the
// answers per client address limited in memory only. Nothing about the
// person or the browser is stored with the answer (storage::SurveyStore).
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "services/domain/documents.h"
#include "services/domain/session.h"
#include "services/domain/surveys.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

// The page's words for a refusal of domain::ParseSurveyAnswer.
std::string ErrorText(const std::string& description, const std::string& lang) {
  if (absl::StrContains(description, "takes one option")) return PageText("err_survey_one", lang);
  if (absl::StrContains(description, "longer than")) return PageText("err_survey_long", lang);
  if (absl::StrContains(description, "at least one")) return PageText("err_survey_empty", lang);
  return PageText("err_survey_option", lang);
}

}  // namespace

Response Pages::Survey(const Visit& v, const Request& r, const std::string& code) const {
  const std::string& lang = v.language;
  auto survey = stores_.surveys.FindByCode(code);
  if (absl::IsNotFound(survey.status())) {
    return Message(v, 404, "survey_not_found_title", {PageText("survey_not_found_text", lang)});
  }
  if (!survey.ok()) {
    std::cerr << "web: a survey could not be read: " << survey.status().message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  const absl::Time now = clock_.Now();
  const domain::SurveyWindow window =
      domain::SurveyWindowFor(survey->start, survey->end, survey->settings.open_days);
  if (now < window.opens) {
    return Message(v, 403, "survey_not_open_title", {PageText("survey_not_open_text", lang)});
  }
  if (now >= window.closes || survey->cancelled) {
    return Message(v, 410, "survey_closed_title", {PageText("survey_closed_text", lang)});
  }
  const bool answered = !domain::CookieValue(r.cookie, domain::kSurveyAnsweredCookie).empty();
  if (answered) {
    // After its own answer (the redirect) or again later: once per browser.
    const bool just_now = r.method != "POST" && r.query.count("done");
    return Message(
        v, r.method == "POST" ? 409 : 200, just_now ? "survey_thanks_title" : "survey_title",
        {PageText(just_now ? "survey_thanks_text" : "survey_already_text", lang)});
  }
  const std::vector<domain::SurveyQuestion> questions =
      domain::SurveyQuestions(survey->settings.own);
  std::map<std::string, std::string> errors;
  if (r.method == "POST") {
    auto answer = domain::ParseSurveyAnswer(questions, r.form);
    if (answer.ok()) {
      if (absl::Status s =
              stores_.surveys.SubmitAnswer(survey->exchange_id, survey->order_id, *answer);
          !s.ok()) {
        std::cerr << "web: an answer could not be stored: " << s.message() << "\n";
        return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
      }
      Response out = Redirect(absl::StrCat(domain::kSurveyPath, code, "?done=1"));
      out.headers.push_back(
          {"Set-Cookie",
           domain::SurveyAnsweredCookieHeader(code, window.closes - now, secure_cookies_)});
      return out;
    }
    for (const domain::FieldViolation& f : domain::ViolationsOf(answer.status())) {
      errors.emplace(f.field, ErrorText(f.description, lang));
    }
  }
  const bool posted = r.method == "POST";
  Data list{Data::type::list};
  Data error_list{Data::type::list};
  if (auto e = errors.find("answer"); e != errors.end()) {
    Data item{Data::type::object};
    item.set("anchor", absl::StrCat(questions[0].id, "-", questions[0].options[0].id));
    item.set("text", e->second);
    error_list.push_back(item);
  }
  for (const domain::SurveyQuestion& q : questions) {
    Data question{Data::type::object};
    const std::string given = posted ? Field(r, q.id) : "";
    auto error = errors.find(q.id);
    if (q.kind == domain::SurveyQuestionKind::kFreeText) {
      Data free{Data::type::object};
      free.set("id", q.id);
      free.set("text", q.text.In(lang));
      free.set("value", given);
      if (error != errors.end()) free.set("error", error->second);
      question.set("free", free);
    } else {
      Data choice{Data::type::object};
      choice.set("id", q.id);
      choice.set("text", q.text.In(lang));
      choice.set("several", q.kind == domain::SurveyQuestionKind::kMultipleChoice);
      if (error != errors.end()) choice.set("error", error->second);
      const std::vector<std::string> picked = absl::StrSplit(given, ',', absl::SkipEmpty());
      Data options{Data::type::list};
      for (const domain::SurveyOption& o : q.options) {
        Data option{Data::type::object};
        option.set("qid", q.id);
        option.set("oid", o.id);
        option.set("label", o.label.In(lang));
        option.set(
            "type", q.kind == domain::SurveyQuestionKind::kMultipleChoice ? "checkbox" : "radio");
        option.set("checked", std::find(picked.begin(), picked.end(), o.id) != picked.end());
        if (o.asks_what) {
          Data what{Data::type::object};
          what.set("what_value", posted ? Field(r, absl::StrCat(q.id, ".", o.id, ".what")) : "");
          option.set("what", what);
        }
        options.push_back(option);
      }
      choice.set("options", options);
      question.set("choice", choice);
    }
    list.push_back(question);
    for (const auto& [field, text] : errors) {
      if (field != q.id && !absl::StartsWith(field, absl::StrCat(q.id, "."))) continue;
      Data item{Data::type::object};
      item.set(
          "anchor", q.kind == domain::SurveyQuestionKind::kFreeText
                        ? q.id
                        : absl::StrCat(q.id, "-", q.options[0].id));
      item.set("text", absl::StrCat(q.text.In(lang), ": ", text));
      error_list.push_back(item);
    }
  }
  Data data{Data::type::object};
  data.set("code", code);
  data.set(
      "visit", absl::StrCat(
                   PageText("survey_visit", lang), " ", domain::FormatDate(survey->start, lang),
                   " – ", survey->exchange_name));
  data.set("questions", list);
  data.set("has_errors", !error_list.is_empty_list());
  data.set("errors", error_list);
  data.set("note", domain::SurveyCardFor(lang, "", survey->start, window.closes, "").note);
  return Page(
      v, posted ? 400 : 200, PageText("survey_title", lang), Render("survey.html", v, data));
}

Response Pages::SurveyCard(const Visit& v, const std::string& order_id) const {
  const std::string& lang = v.language;
  const std::string back = v.who.role == domain::AccessRole::kExpert ? "/tasks" : "/orders";
  if (!domain::IsValidId(order_id)) return Message(v, 404, "not_found_title", {}, back, "back");
  auto surveys = v1::SurveyService::NewStub(api_);
  v1::GetTaskSurveyRequest req;
  req.set_name(
      absl::StrCat(domain::ChildResourceName(v.who.exchange_id, "orders", order_id), "/survey"));
  req.set_format(v1::SURVEY_FORMAT_PDF);
  req.set_language(lang);
  v1::GetTaskSurveyResponse card;
  grpc::Status s = surveys->GetTaskSurvey(As(v.session_key).get(), req, &card);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // Another's task is as missing as a made-up one.
    return Message(v, 404, "not_found_title", {}, back, "back");
  }
  if (!s.ok()) {
    std::cerr << "web: a survey card is unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  return {
      200,
      "application/pdf",
      card.content(),
      {{"Content-Disposition", absl::StrCat("inline; filename=\"survey-", order_id, ".pdf\"")}}};
}

Response Pages::AudiencePage(const Visit& v) const {
  const std::string& lang = v.language;
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  auto surveys = v1::SurveyService::NewStub(api_);
  v1::GetSurveyResultsRequest req;
  req.set_scope(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
  const absl::Time now = clock_.Now();
  *req.mutable_start_time() = ToProto(now - absl::Hours(24 * 365));
  *req.mutable_end_time() = ToProto(now + absl::Hours(24));
  req.set_language(lang);
  v1::GetSurveyResultsResponse r;
  if (grpc::Status s = surveys->GetSurveyResults(As(v.session_key).get(), req, &r); !s.ok()) {
    std::cerr << "web: survey results are unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data data{Data::type::object};
  data.set("suppressed", r.suppressed());
  data.set(
      "answers",
      r.suppressed() ? absl::StrCat("< ", r.suppression_threshold()) : std::to_string(r.answers()));
  Data questions{Data::type::list};
  for (const v1::SurveyQuestionResult& q : r.questions()) {
    Data question{Data::type::object};
    question.set("text", q.text());
    question.set(
        "respondents", q.suppressed() ? absl::StrCat("< ", r.suppression_threshold())
                                      : std::to_string(q.respondents()));
    question.set("too_few", q.suppressed());
    Data options{Data::type::list};
    for (const v1::SurveyOptionResult& o : q.options()) {
      Data option{Data::type::object};
      option.set("label", o.label());
      option.set("n", std::to_string(o.n()));
      option.set("percent", domain::FormatPercent(o.percent(), lang));
      options.push_back(option);
    }
    question.set("options", options);
    questions.push_back(question);
  }
  data.set("questions", questions);
  Data comments{Data::type::list};
  for (const std::string& c : r.comments()) {
    Data comment{Data::type::object};
    comment.set("text", c);
    comments.push_back(comment);
  }
  data.set("has_comments", !comments.is_empty_list());
  data.set("comments", comments);
  return Page(
      v, 200, PageText("audience_title", lang), Render("audience.html", v, data), "", "/tasks");
}

}  // namespace kokemus::web
