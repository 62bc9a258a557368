#include "services/rpc/survey_service.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/surveys.h"
#include "services/domain/validation.h"
#include "services/render/qr.h"
#include "services/rpc/convert.h"
#include "services/rpc/request_checks.h"

namespace kokemus::rpc {
namespace {

using domain::FieldViolations;
using domain::SurveyQuestionKind;

static_assert(
    static_cast<int>(SurveyQuestionKind::kFreeText) == v1::SurveyQuestion::KIND_FREE_TEXT);

constexpr int kMaxComments = 200;

v1::SurveyText TextProto(const domain::SurveyText& t) {
  v1::SurveyText p;
  p.set_fi(t.fi);
  p.set_sv(t.sv);
  p.set_en(t.en);
  return p;
}

domain::SurveyText TextOf(const v1::SurveyText& p) { return {p.fi(), p.sv(), p.en()}; }

v1::SurveyTemplate TemplateProto(const storage::SurveySettings& s) {
  v1::SurveyTemplate p;
  p.set_name(absl::StrCat(domain::ExchangeName(s.exchange_id), "/surveyTemplate"));
  const size_t built_in = domain::BuiltInSurveyQuestions().size();
  const std::vector<domain::SurveyQuestion> all = domain::SurveyQuestions(s.own);
  for (size_t i = 0; i < all.size(); ++i) {
    v1::SurveyQuestion& q = *p.add_questions();
    q.set_id(all[i].id);
    q.set_kind(static_cast<v1::SurveyQuestion::Kind>(all[i].kind));
    *q.mutable_text() = TextProto(all[i].text);
    for (const domain::SurveyOption& o : all[i].options) {
      v1::SurveyOption& op = *q.add_options();
      op.set_id(o.id);
      *op.mutable_label() = TextProto(o.label);
      op.set_asks_what(o.asks_what);
    }
    q.set_built_in(i < built_in);
  }
  p.set_open_days(s.open_days);
  p.set_suppression_threshold(s.suppression_threshold);
  p.set_anonymous_reflections(s.anonymous_reflections);
  return p;
}

// `exchanges/{exchange}/{suffix}` -> the exchange; INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ExchangeOfSingleton(
    const std::string& name, absl::string_view suffix, absl::string_view field) {
  absl::string_view rest = name;
  if (!absl::ConsumeSuffix(&rest, absl::StrCat("/", suffix))) {
    return domain::InvalidField(
        std::string(field), absl::StrCat("must be exchanges/{exchange}/", suffix));
  }
  return domain::ParseExchangeName(rest, field);
}

// `exchanges/{exchange}/orders/{order}/survey` -> the order.
absl::StatusOr<domain::ChildName> OrderOfSurvey(const std::string& name) {
  absl::string_view rest = name;
  if (!absl::ConsumeSuffix(&rest, "/survey")) {
    return domain::InvalidField("name", "must be exchanges/{exchange}/orders/{order}/survey");
  }
  return domain::ParseChildName(rest, "orders", "name");
}

// NOT_FOUND unless a narrowed caller is a party of the order.
absl::Status MaySeeTask(
    storage::SurveyStore& store, const Caller& caller, const std::string& exchange_id,
    const std::string& order_id, const std::string& resource) {
  auto parties = store.PartiesOf(exchange_id, order_id);
  if (!parties.ok()) return parties.status();
  if (caller.organization_only()) return caller.MaySee(resource, parties->organization_id, "");
  if (caller.self_only()) {
    const auto& held = parties->experts;
    if (std::find(held.begin(), held.end(), caller.principal().expert_id) == held.end()) {
      return absl::NotFoundError(absl::StrCat(resource, " not found"));
    }
  }
  return absl::OkStatus();
}

v1::SurveyComment CommentProto(const storage::StoredComment& c) {
  v1::SurveyComment p;
  p.set_name(domain::ChildResourceName(c.exchange_id, "surveyComments", c.id));
  p.set_order(domain::ChildResourceName(c.exchange_id, "orders", c.order_id));
  p.set_question(c.comment.question);
  p.set_option(c.comment.option);
  p.set_text(c.comment.text);
  p.set_state(static_cast<v1::SurveyComment::State>(c.state));
  return p;
}

}  // namespace

SurveyService::SurveyService(
    storage::SurveyStore& store, std::string web_base_url, AccessGuard& guard)
    : store_(store), base_url_(std::move(web_base_url)), guard_(guard) {}

grpc::Status SurveyService::GetSurveyTemplate(
    grpc::ServerContext* context, const v1::GetSurveyTemplateRequest* request,
    v1::GetSurveyTemplateResponse* response) {
  return guard_.Run(
      context, *request, "SurveyService/GetSurveyTemplate", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = ExchangeOfSingleton(request->name(), "surveyTemplate", "name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto settings = store_.GetSettings(*exchange_id);
        if (!settings.ok()) return settings.status();
        *response->mutable_template_() = TemplateProto(*settings);
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::UpdateSurveyTemplate(
    grpc::ServerContext* context, const v1::UpdateSurveyTemplateRequest* request,
    v1::UpdateSurveyTemplateResponse* response) {
  const v1::SurveyTemplate& t = request->template_();
  return guard_.Run(
      context, *request, "SurveyService/UpdateSurveyTemplate", "template.name", t.name(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = ExchangeOfSingleton(t.name(), "surveyTemplate", "template.name");
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        storage::SurveySettings s;
        s.exchange_id = *exchange_id;
        for (const v1::SurveyQuestion& q : t.questions()) {
          domain::SurveyQuestion own;
          own.id = q.id();
          own.kind = static_cast<SurveyQuestionKind>(q.kind());
          own.text = TextOf(q.text());
          for (const v1::SurveyOption& o : q.options()) {
            own.options.push_back({o.id(), TextOf(o.label()), o.asks_what()});
          }
          s.own.push_back(std::move(own));
        }
        s.open_days = t.open_days();
        s.suppression_threshold = t.suppression_threshold();
        domain::ValidateSurveySettings(s.own, s.open_days, s.suppression_threshold, "template", v);
        s.anonymous_reflections = t.anonymous_reflections();
        if (!v.empty()) return v.ToStatus();
        auto stored = store_.PutSettings(s);
        if (!stored.ok()) return stored.status();
        *response->mutable_template_() = TemplateProto(*stored);
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::GetTaskSurvey(
    grpc::ServerContext* context, const v1::GetTaskSurveyRequest* request,
    v1::GetTaskSurveyResponse* response) {
  return guard_.Run(
      context, *request, "SurveyService/GetTaskSurvey", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto order = OrderOfSurvey(request->name());
        if (!order.ok()) return order.status();
        const std::string& lang = request->language();
        if (!lang.empty() && lang != "fi" && lang != "sv" && lang != "en") {
          return domain::InvalidField("language", "must be fi, sv or en");
        }
        if (absl::Status s =
                MaySeeTask(store_, caller, order->exchange_id, order->id, request->name());
            !s.ok()) {
          return s;
        }
        if (base_url_.empty()) {
          return absl::FailedPreconditionError(
              "the server has no --web_base_url (nor a loopback --web_listen): a survey's link "
              "needs the pages' public address");
        }
        auto survey = store_.EnsureSurvey(order->exchange_id, order->id);
        if (!survey.ok()) return survey.status();
        const domain::SurveyWindow window =
            domain::SurveyWindowFor(survey->start, survey->end, survey->settings.open_days);
        v1::TaskSurvey& p = *response->mutable_survey();
        p.set_name(request->name());
        p.set_url(domain::SurveyLink(base_url_, survey->code));
        *p.mutable_open_time() = ToProto(window.opens);
        *p.mutable_close_time() = ToProto(window.closes);
        p.set_answers(survey->answers);
        absl::StatusOr<std::string> content;
        switch (request->format()) {
          case v1::SURVEY_FORMAT_QR_PNG:
            content = render::QrPng(p.url());
            response->set_content_type("image/png");
            break;
          case v1::SURVEY_FORMAT_QR_SVG:
            content = render::QrSvg(p.url());
            response->set_content_type("image/svg+xml");
            break;
          case v1::SURVEY_FORMAT_PDF:
            content = render::SurveyCardPdf(
                domain::SurveyCardFor(
                    lang.empty() ? survey->language : lang, survey->exchange_name, window.opens,
                    window.closes, p.url()),
                window.opens);
            response->set_content_type("application/pdf");
            break;
          default:
            return absl::OkStatus();
        }
        if (!content.ok()) return content.status();
        response->set_content(*std::move(content));
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::GetSurveyResults(
    grpc::ServerContext* context, const v1::GetSurveyResultsRequest* request,
    v1::GetSurveyResultsResponse* response) {
  return guard_.Run(
      context, *request, "SurveyService/GetSurveyResults", "scope", request->scope(),
      [&](Caller& caller) -> absl::Status {
        FieldViolations v;
        const Period period = ParsePeriod(*request, v);
        const std::string& lang = request->language();
        if (!lang.empty() && lang != "fi" && lang != "sv" && lang != "en") {
          v.Add("language", "must be fi, sv or en");
        }
        storage::SurveyScope scope;
        const std::string& name = request->scope();
        const bool national = name == "exchanges/-";
        bool task = false;
        if (!national) {
          absl::StatusOr<domain::ChildName> child = absl::NotFoundError("");
          for (const char* collection : {"orders", "experts", "organizations"}) {
            if (absl::StrContains(name, absl::StrCat("/", collection, "/"))) {
              child = domain::ParseChildName(name, collection, "scope");
              if (!child.ok()) break;
              scope.exchange_id = child->exchange_id;
              std::string(collection) == "orders"    ? (task = true, scope.order_id = child->id)
              : std::string(collection) == "experts" ? scope.expert_id = child->id
                                                     : scope.organization_id = child->id;
            }
          }
          if (child.status().code() == absl::StatusCode::kInvalidArgument) {
            v.Add(child.status());
          } else if (scope.exchange_id.empty()) {
            auto exchange = domain::ParseExchangeName(name, "scope");
            if (!exchange.ok()) {
              v.Add(
                  "scope",
                  "must be exchanges/-, exchanges/{exchange} or a task, expert or organization "
                  "of it");
            } else {
              scope.exchange_id = *exchange;
            }
          }
        }
        if (!v.empty()) return v.ToStatus();
        // A narrowed caller sees her own: an expert herself or a task she
        // held, an orderer system its organization or its orders.
        if (caller.self_only() || caller.organization_only()) {
          if (task) {
            if (absl::Status s =
                    MaySeeTask(store_, caller, scope.exchange_id, scope.order_id, name);
                !s.ok()) {
              return s;
            }
          } else if (
              (caller.self_only() && scope.expert_id != caller.principal().expert_id) ||
              (caller.organization_only() &&
               scope.organization_id != caller.principal().organization_id)) {
            return absl::NotFoundError(absl::StrCat(name, " not found"));
          }
        } else if (
            !national && caller.principal().role != domain::AccessRole::kCoordinator &&
            (task || !scope.expert_id.empty())) {
          // An expert's or a task's figures: the coordinator's and her own.
          return absl::NotFoundError(absl::StrCat(name, " not found"));
        }
        // One task's figures are the coordinator's in full.
        const bool coordinator = caller.principal().role == domain::AccessRole::kCoordinator;
        auto report = store_.Report(
            scope, period.from, period.to,
            task && coordinator ? 0 : storage::SurveyStore::kExchangeThreshold, kMaxComments);
        if (!report.ok()) return report.status();
        const domain::SurveySummary& summary = report->summary;
        response->set_answers(summary.answers);
        response->set_tasks(report->tasks);
        response->set_suppression_threshold(summary.suppression_threshold);
        response->set_suppressed(summary.suppressed);
        for (const domain::QuestionFigures& f : summary.questions) {
          const auto q = std::find_if(
              report->questions.begin(), report->questions.end(),
              [&](const domain::SurveyQuestion& x) { return x.id == f.question; });
          v1::SurveyQuestionResult& r = *response->add_questions();
          r.set_question(f.question);
          r.set_text(q->text.In(lang));
          r.set_kind(static_cast<v1::SurveyQuestion::Kind>(f.kind));
          r.set_respondents(f.respondents);
          r.set_selections(f.selections);
          r.set_suppressed(f.suppressed);
          for (size_t i = 0; i < f.options.size(); ++i) {
            v1::SurveyOptionResult& o = *r.add_options();
            o.set_option(f.options[i].option);
            o.set_label(q->options[i].label.In(lang));
            o.set_n(f.options[i].n);
            o.set_percent(f.options[i].percent);
          }
        }
        for (const std::string& c : report->comments) response->add_comments(c);
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::ListSurveyComments(
    grpc::ServerContext* context, const v1::ListSurveyCommentsRequest* request,
    v1::ListSurveyCommentsResponse* response) {
  return guard_.Run(
      context, *request, "SurveyService/ListSurveyComments", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        FieldViolations v;
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) v.Add(exchange_id.status());
        int size = request->page_size() == 0 ? 100 : request->page_size();
        if (size < 1 || size > 500) v.Add("page_size", "must be 1 to 500");
        int offset = 0;
        if (!request->page_token().empty() &&
            (!absl::SimpleAtoi(request->page_token(), &offset) || offset < 0)) {
          v.Add("page_token", "is not a token this list gave");
        }
        if (!v.empty()) return v.ToStatus();
        storage::SurveyScope scope;
        scope.exchange_id = *exchange_id;
        auto comments = store_.Comments(
            scope, absl::InfinitePast(), absl::InfiniteFuture(),
            static_cast<storage::CommentState>(request->state()), offset, size + 1);
        if (!comments.ok()) return comments.status();
        for (int i = 0; i < std::min<int>(size, comments->size()); ++i) {
          *response->add_comments() = CommentProto((*comments)[i]);
        }
        if (static_cast<int>(comments->size()) > size) {
          response->set_next_page_token(std::to_string(offset + size));
        }
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::ReviewSurveyComment(
    grpc::ServerContext* context, const v1::ReviewSurveyCommentRequest* request,
    v1::ReviewSurveyCommentResponse* response) {
  return guard_.Run(
      context, *request, "SurveyService/ReviewSurveyComment", "name", request->name(),
      [&](Caller&) -> absl::Status {
        FieldViolations v;
        auto name = domain::ParseChildName(request->name(), "surveyComments", "name");
        if (!name.ok()) v.Add(name.status());
        if (request->state() != v1::SurveyComment::STATE_SHOWN &&
            request->state() != v1::SurveyComment::STATE_HIDDEN) {
          v.Add("state", "must be STATE_SHOWN or STATE_HIDDEN");
        }
        if (!v.empty()) return v.ToStatus();
        auto reviewed = store_.Review(
            name->exchange_id, name->id, static_cast<storage::CommentState>(request->state()));
        if (!reviewed.ok()) return reviewed.status();
        *response->mutable_comment() = CommentProto(*reviewed);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
