#include "services/rpc/report_service.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/domain/annual_report.h"
#include "services/domain/cohorts.h"
#include "services/domain/documents.h"
#include "services/domain/earnings.h"
#include "services/domain/enum_names.h"
#include "services/domain/filling.h"
#include "services/domain/listing.h"
#include "services/domain/payroll.h"
#include "services/reference/calendar.h"
#include "services/render/pdf.h"
#include "services/rpc/convert.h"
#include "services/rpc/handler.h"
#include "services/rpc/request_checks.h"

namespace kokemus::rpc {
namespace {

using domain::FieldViolations;

constexpr size_t kChunkBytes = 64 * 1024;

// The exchange of `parent`: its id, or "" for `exchanges/-` when `national`
// is allowed.
absl::StatusOr<std::string> ParentExchange(const std::string& parent, bool national) {
  if (national && parent == "exchanges/-") return std::string();
  return domain::ParseExchangeName(parent, "parent");
}

std::optional<domain::Grouping> GroupingOf(v1::StatisticsGrouping g) {
  switch (g) {
    case v1::STATISTICS_GROUPING_YEAR:
      return domain::Grouping::kYear;
    case v1::STATISTICS_GROUPING_MONTH:
      return domain::Grouping::kMonth;
    case v1::STATISTICS_GROUPING_CATEGORY:
      return domain::Grouping::kCategory;
    case v1::STATISTICS_GROUPING_ORGANIZATION_KIND:
      return domain::Grouping::kOrganizationKind;
    case v1::STATISTICS_GROUPING_SECTOR:
      return domain::Grouping::kSector;
    case v1::STATISTICS_GROUPING_ROLE:
      return domain::Grouping::kRole;
    case v1::STATISTICS_GROUPING_MUNICIPALITY:
      return domain::Grouping::kMunicipality;
    case v1::STATISTICS_GROUPING_EXPERT:
      return domain::Grouping::kExpert;
    case v1::STATISTICS_GROUPING_EXCHANGE:
      return domain::Grouping::kExchange;
    default:
      return std::nullopt;
  }
}

void ToProto(const domain::StatisticsRow& row, v1::StatisticsRow* out) {
  for (const std::string& k : row.key) out->add_key(k);
  out->set_suppressed(row.suppressed);
  if (row.suppressed) return;
  const domain::Figures& f = row.figures;
  v1::StatisticsFigures* p = out->mutable_figures();
  p->set_tasks(f.tasks);
  p->set_hours(f.hours);
  p->set_fees_cents(f.fees_cents);
  p->set_travel_cents(f.travel_cents);
  p->set_cancelled_by_orderer(f.cancelled_by_orderer);
  p->set_cancelled_by_expert(f.cancelled_by_expert);
  p->set_cancelled_by_exchange(f.cancelled_by_exchange);
  p->set_experts_worked(f.experts_worked);
  p->set_organizations(f.organizations);
}

// Streams CSV lines in chunks that end at line ends, as they are made.
template <typename Response>
class CsvWriter {
 public:
  CsvWriter(grpc::ServerWriter<Response>* writer, absl::Time deadline)
      : writer_(writer), deadline_(deadline) {}

  // CANCELLED once the client has gone away, DEADLINE_EXCEEDED past the
  // call's deadline.
  absl::Status Add(absl::string_view line) {
    chunk_.mutable_csv()->append(line.data(), line.size());
    chunk_.mutable_csv()->append("\r\n");
    if (chunk_.csv().size() < kChunkBytes) return absl::OkStatus();
    return Flush();
  }
  absl::Status Flush() {
    if (absl::Now() > deadline_)
      return absl::DeadlineExceededError("the export ran past its deadline");
    if (chunk_.csv().empty()) return absl::OkStatus();
    const bool ok = writer_->Write(chunk_);
    chunk_.clear_csv();
    return ok ? absl::OkStatus() : absl::CancelledError("the client went away");
  }

 private:
  grpc::ServerWriter<Response>* writer_;
  absl::Time deadline_;
  Response chunk_;
};

void FillingToProto(const domain::FillingFigures& f, v1::FillingFigures* p) {
  p->set_orders(f.orders);
  p->set_places(f.places);
  p->set_places_filled(f.places_filled);
  p->set_fill_rate(f.fill_rate);
  p->set_orders_filled(f.orders_filled);
  p->set_median_hours_to_fill(f.median_hours_to_fill);
  p->set_orders_with_rounds(f.orders_with_rounds);
  p->set_mean_rounds(f.mean_rounds);
  p->set_offers(f.offers);
  p->set_declined(f.declined);
  p->set_lapsed(f.lapsed);
  p->set_withdrawn(f.withdrawn);
  for (const auto& [reason, count] : f.decline_reasons) {
    v1::ReasonCount* out = p->add_decline_reasons();
    out->set_reason(std::string(domain::EnumName(reason)));
    out->set_count(count);
  }
  for (const auto& [reason, count] : f.expert_cancel_reasons) {
    v1::ReasonCount* out = p->add_expert_cancel_reasons();
    out->set_reason(std::string(domain::EnumName(reason)));
    out->set_count(count);
  }
  p->set_cancelled_by_orderer(f.cancelled_by_orderer);
  p->set_cancelled_by_expert(f.cancelled_by_expert);
  p->set_cancelled_by_exchange(f.cancelled_by_exchange);
  p->set_suppressed_reasons(f.suppressed_reasons);
}

}  // namespace

grpc::Status ReportService::GetStatistics(
    grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
    v1::GetStatisticsResponse* response) {
  return guard_.Run(
      context, *request, "ReportService/GetStatistics", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = ParentExchange(request->parent(), true);
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        const Period period = ParsePeriod(*request, v);
        std::vector<domain::Grouping> group_by;
        for (int i = 0; i < request->group_by_size(); ++i) {
          auto g = GroupingOf(request->group_by(i));
          if (!g) {
            v.Add(absl::StrCat("group_by[", i, "]"), "must be a grouping");
          } else if (*g == domain::Grouping::kExpert && exchange_id->empty()) {
            v.Add(absl::StrCat("group_by[", i, "]"), "EXPERT only within one exchange");
          } else {
            group_by.push_back(*g);
          }
        }
        if (!v.empty()) return v.ToStatus();
        auto tasks = store_.Tasks(*exchange_id, period.from, period.to, false);
        if (!tasks.ok()) return tasks.status();
        auto active = store_.ActiveTrainedExperts(*exchange_id);
        if (!active.ok()) return active.status();
        const int threshold = domain::SuppressionThreshold(exchange_id->empty());
        const domain::Statistics s =
            domain::ComputeStatistics(*tasks, *active, group_by, threshold);
        for (const auto& row : s.rows) ToProto(row, response->add_rows());
        ToProto(s.total, response->mutable_total());
        response->set_active_trained_experts(s.active_trained_experts);
        response->set_active_trained_with_task(s.active_trained_with_task);
        if (s.active_trained_with_task > 0 || threshold == 0) {
          response->set_active_trained_without_task(
              s.active_trained_experts - s.active_trained_with_task);
        }
        response->set_share_with_task(s.share_with_task);
        response->set_gini(s.gini);
        response->set_suppression_threshold(s.suppression_threshold);
        response->set_suppressed_rows(s.suppressed_rows);
        auto orders = store_.FillRecords(*exchange_id, period.from, period.to, caller.now());
        if (!orders.ok()) return orders.status();
        FillingToProto(domain::ComputeFilling(*orders, threshold), response->mutable_filling());
        if (!exchange_id->empty()) {
          auto training = training_.Everything(*exchange_id);
          if (!training.ok()) return training.status();
          const domain::TrainingFigures t = domain::TrainingInPeriod(
              training->first, training->second, *tasks, period.from, period.to);
          v1::TrainingFigures* out = response->mutable_training();
          out->set_graduates(t.graduates);
          out->set_graduates_with_task(t.graduates_with_task);
          out->set_share_graduates_with_task(t.share_graduates_with_task);
          out->set_courses(t.courses);
          out->set_completed_in_period(t.completed_in_period);
        }
        return absl::OkStatus();
      });
}

grpc::Status ReportService::GetFeedbackSummary(
    grpc::ServerContext* context, const v1::GetFeedbackSummaryRequest* request,
    v1::GetFeedbackSummaryResponse* response) {
  return guard_.Run(
      context, *request, "ReportService/GetFeedbackSummary", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = ParentExchange(request->parent(), true);
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        const Period period = ParsePeriod(*request, v);
        std::optional<domain::Grouping> group_by;
        if (request->group_by() != v1::STATISTICS_GROUPING_UNSPECIFIED) {
          group_by = GroupingOf(request->group_by());
          if (group_by != domain::Grouping::kRole && group_by != domain::Grouping::kMonth &&
              group_by != domain::Grouping::kYear) {
            v.Add("group_by", "must be ROLE, MONTH or YEAR");
          }
        }
        if (!v.empty()) return v.ToStatus();
        auto tasks = store_.Tasks(*exchange_id, period.from, period.to, false);
        if (!tasks.ok()) return tasks.status();
        const int threshold = domain::SuppressionThreshold(exchange_id->empty());
        // An exchange that keeps its experts' reflections anonymous shows
        // them only for groups of as many experts as figures across
        // exchanges need.
        int reflection_threshold = 0;
        if (!exchange_id->empty()) {
          auto settings = surveys_.GetSettings(*exchange_id);
          if (!settings.ok()) return settings.status();
          if (settings->anonymous_reflections) {
            reflection_threshold = domain::kCrossExchangeSuppressionThreshold;
          }
        }
        for (const domain::FeedbackGroup& g :
             domain::SummarizeFeedback(*tasks, group_by, threshold, reflection_threshold)) {
          v1::FeedbackGroup* out = response->add_groups();
          out->set_key(g.key);
          out->set_suppressed(g.suppressed);
          for (const domain::QuestionSummary& q : g.questions) {
            v1::QuestionSummary* qo = out->add_questions();
            qo->set_question(q.question);
            qo->set_answers(q.answers);
            qo->set_mean(q.mean);
            for (const domain::AnswerCount& a : q.options) {
              v1::AnswerCount* ao = qo->add_options();
              ao->set_option(a.option);
              ao->set_n(a.n);
              ao->set_percent(a.percent);
            }
          }
        }
        return absl::OkStatus();
      });
}

grpc::Status ReportService::ExportAssignments(
    grpc::ServerContext* context, const v1::ExportAssignmentsRequest* request,
    grpc::ServerWriter<v1::ExportAssignmentsResponse>* writer) {
  return guard_.RunStreaming(
      context, *request, "ReportService/ExportAssignments", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = ParentExchange(request->parent(), false);
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        const Period period = ParsePeriod(*request, v);
        if (!v.empty()) return v.ToStatus();
        auto tasks = store_.Tasks(*exchange_id, period.from, period.to, true);
        if (!tasks.ok()) return tasks.status();
        CsvWriter<v1::ExportAssignmentsResponse> csv(writer, caller.deadline());
        absl::Status s = csv.Add(domain::AssignmentCsvHeader());
        for (size_t i = 0; s.ok() && i < tasks->size(); ++i) {
          s = csv.Add(domain::AssignmentCsvLine((*tasks)[i]));
        }
        return s.ok() ? csv.Flush() : s;
      });
}

grpc::Status ReportService::ExportPayroll(
    grpc::ServerContext* context, const v1::ExportPayrollRequest* request,
    grpc::ServerWriter<v1::ExportPayrollResponse>* writer) {
  return guard_.RunStreaming(
      context, *request, "ReportService/ExportPayroll", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = ParentExchange(request->parent(), false);
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        const Period period = ParsePeriod(*request, v);
        if (!v.empty()) return v.ToStatus();
        const int view = request->view();
        if (!v1::PayrollView_IsValid(view)) v.Add("view", "unknown enum value");
        if (!v.empty()) return v.ToStatus();
        // The view is the API's enum without its UNSPECIFIED (LINES).
        const domain::PayrollView shown = static_cast<domain::PayrollView>(std::max(view, 1) - 1);
        const absl::TimeZone& tz = reference::HelsinkiTimeZone();
        std::optional<std::pair<absl::CivilDay, absl::CivilDay>> paid_between;
        domain::TaskStarts starts{period.from, period.to};
        if (request->by_payment_date()) {
          paid_between.emplace(absl::ToCivilDay(period.from, tz), absl::ToCivilDay(period.to, tz));
          starts = domain::TasksPaidBetween(paid_between->first, paid_between->second);
        }
        auto tasks = store_.Tasks(*exchange_id, starts.from, starts.to, false);
        if (!tasks.ok()) return tasks.status();
        auto parties = store_.Payroll(*exchange_id);
        if (!parties.ok()) return parties.status();
        const auto lines = domain::PayrollLines(
            *tasks, parties->payer, parties->payees, absl::ToCivilDay(caller.now(), tz),
            paid_between);
        CsvWriter<v1::ExportPayrollResponse> csv(writer, caller.deadline());
        absl::Status s;
        for (const std::string& line :
             domain::PayrollCsv(shown, lines, parties->payer, parties->payees)) {
          if (s.ok()) s = csv.Add(line);
        }
        return s.ok() ? csv.Flush() : s;
      });
}

grpc::Status ReportService::RenderAnnualReport(
    grpc::ServerContext* context, const v1::RenderAnnualReportRequest* request,
    v1::RenderAnnualReportResponse* response) {
  return guard_.Run(
      context, *request, "ReportService/RenderAnnualReport", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = ParentExchange(request->parent(), false);
        if (!exchange_id.ok()) return exchange_id.status();
        FieldViolations v;
        if (request->year() < 2000 || request->year() > 2100)
          v.Add("year", "must be from 2000 to 2100");
        if (!request->language().empty() && !domain::IsDocumentLanguage(request->language())) {
          v.Add("language", "must be fi, sv or en");
        }
        if (!v.empty()) return v.ToStatus();
        auto exchange = store_.ExchangeNameAndLanguage(*exchange_id);
        if (!exchange.ok()) return exchange.status();
        std::string language = request->language().empty() ? exchange->second : request->language();
        if (!domain::IsDocumentLanguage(language)) language = "fi";
        const absl::TimeZone& tz = reference::HelsinkiTimeZone();
        const absl::Time from = absl::FromCivil(absl::CivilYear(request->year()), tz);
        const absl::Time to = absl::FromCivil(absl::CivilYear(request->year() + 1), tz);
        auto tasks = store_.Tasks(*exchange_id, from, to, false);
        if (!tasks.ok()) return tasks.status();
        auto active = store_.ActiveTrainedExperts(*exchange_id);
        if (!active.ok()) return active.status();
        auto orders = store_.FillRecords(*exchange_id, from, to, caller.now());
        if (!orders.ok()) return orders.status();
        // A published report: counts of (health-related) reasons too small to
        // show without pointing at someone are left out.
        const domain::FillingFigures filling =
            domain::ComputeFilling(*orders, domain::SuppressionThreshold(true));
        auto courses = training_.Everything(*exchange_id);
        if (!courses.ok()) return courses.status();
        auto since = store_.CohortTasks(*exchange_id, courses->second, to);
        if (!since.ok()) return since.status();
        const domain::TrainingReport training =
            domain::TrainingReportFor(courses->first, courses->second, *since, from, to);
        storage::SurveyScope scope;
        scope.exchange_id = *exchange_id;
        auto survey = surveys_.Report(
            scope, from, to, storage::SurveyStore::kExchangeThreshold, domain::kReportComments);
        if (!survey.ok()) return survey.status();
        const domain::AnnualReportHeader header{exchange->first, request->year(), language};
        // Dated at the year's end (or today within the year): the same data
        // gives the same bytes.
        const absl::Time created = std::min(caller.now(), to - absl::Seconds(1));
        auto pdf = render::RenderPdf(
            domain::AnnualReportDocument(header, *tasks, *active, &filling, &training, &*survey),
            domain::AnnualReportTitle(header),
            absl::FromUnixSeconds(absl::ToUnixSeconds(created) / 86400 * 86400));
        if (!pdf.ok()) return pdf.status();
        response->set_content(*std::move(pdf));
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
