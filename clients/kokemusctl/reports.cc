// report stats|feedback|export|payroll --from DAY --to DAY: figures as a
// table (or JSON), CSV exports to -o FILE; report annual --year Y -o F.pdf.
// `--exchange -` is every exchange.
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using Reports = v1::ReportService::Stub;

constexpr absl::string_view kSuppressed = "(fewer than 5 experts: not shown)";

// The period and the exchange (or every exchange) of a report request.
struct Period {
  std::string parent;
  absl::Time start;
  absl::Time end;

  template <typename Req>
  void Set(Req& req) const {
    req.set_parent(parent);
    SetTimestamp(req.mutable_start_time(), start);
    SetTimestamp(req.mutable_end_time(), end);
  }
};

std::vector<v1::StatisticsGrouping> Groupings(Session& s) {
  std::vector<v1::StatisticsGrouping> out;
  if (auto g = s.TakeFlag("group-by")) {
    for (absl::string_view name : absl::StrSplit(*g, ',', absl::SkipEmpty())) {
      v1::StatisticsGrouping value;
      if (!v1::StatisticsGrouping_Parse(
              absl::StrCat("STATISTICS_GROUPING_", absl::AsciiStrToUpper(name)), &value)) {
        throw UsageError{absl::StrCat("--group-by: unknown grouping ", name)};
      }
      out.push_back(value);
    }
  }
  return out;
}

void PrintStatistics(
    const v1::GetStatisticsRequest& req, const v1::GetStatisticsResponse& resp, std::ostream& out) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (int g : req.group_by()) {
    const std::string full = v1::StatisticsGrouping_Name(static_cast<v1::StatisticsGrouping>(g));
    absl::string_view name = full;
    absl::ConsumePrefix(&name, "STATISTICS_GROUPING_");
    header.emplace_back(name);
  }
  for (const char* h :
       {"TASKS", "HOURS", "FEES_EUR", "TRAVEL_EUR", "CANCELLED_O/E/X", "EXPERTS",
        "ORGANIZATIONS"}) {
    header.push_back(h);
  }
  cells.push_back(header);
  auto row = [&](const v1::StatisticsRow& r, bool total) {
    std::vector<std::string> line;
    for (int i = 0; i < req.group_by_size(); ++i) {
      line.push_back(total ? (i == 0 ? "TOTAL" : "") : (i < r.key_size() ? r.key(i) : ""));
    }
    if (r.suppressed()) {
      line.emplace_back(kSuppressed);
    } else {
      const auto& f = r.figures();
      line.push_back(absl::StrCat(f.tasks()));
      line.push_back(absl::StrFormat("%.1f", f.hours()));
      line.push_back(absl::StrFormat("%.2f", f.fees_cents() / 100.0));
      line.push_back(absl::StrFormat("%.2f", f.travel_cents() / 100.0));
      line.push_back(absl::StrCat(
          f.cancelled_by_orderer(), "/", f.cancelled_by_expert(), "/", f.cancelled_by_exchange()));
      line.push_back(absl::StrCat(f.experts_worked()));
      line.push_back(absl::StrCat(f.organizations()));
    }
    cells.push_back(line);
  };
  for (const auto& r : resp.rows()) row(r, false);
  if (req.group_by_size() > 0 || resp.rows_size() == 0) row(resp.total(), true);
  PrintCells(cells, out);
  out << absl::StrFormat(
      "\nactive trained experts %d, with a task %d (%.1f %%), Gini of tasks %.3f\n",
      resp.active_trained_experts(), resp.active_trained_with_task(), 100 * resp.share_with_task(),
      resp.gini());
  if (resp.suppression_threshold() > 0) {
    out << "rows with fewer than " << resp.suppression_threshold()
        << " experts are not shown: " << resp.suppressed_rows() << "\n";
  }
}

void PrintFeedback(const v1::GetFeedbackSummaryResponse& resp, std::ostream& out) {
  for (const auto& group : resp.groups()) {
    if (!group.key().empty()) out << group.key() << ":\n";
    if (group.suppressed()) {
      out << "  " << kSuppressed << "\n";
      continue;
    }
    for (const auto& q : group.questions()) {
      out << "  " << q.question() << " (n=" << q.answers();
      if (q.mean() > 0) out << absl::StrFormat(", mean %.2f", q.mean());
      out << "):";
      for (const auto& o : q.options()) {
        out << absl::StrFormat("  %s: %d (%.1f %%)", o.option(), o.n(), o.percent());
      }
      out << "\n";
    }
  }
}

// A server-streamed CSV, concatenated.
template <typename Req, typename Chunk>
std::string ReadCsv(
    Session& s,
    std::unique_ptr<grpc::ClientReader<Chunk>> (Reports::*rpc)(grpc::ClientContext*, const Req&),
    const Req& req) {
  auto ctx = s.Context();
  auto reader = (s.stub<Reports>().*rpc)(ctx.get(), req);
  std::string csv;
  Chunk chunk;
  while (reader->Read(&chunk)) csv += chunk.csv();
  if (grpc::Status status = reader->Finish(); !status.ok()) throw RpcFailed{std::move(status)};
  return csv;
}

int Annual(Session& s, const std::string& parent) {
  v1::RenderAnnualReportRequest req;
  req.set_parent(parent);
  const auto year = s.TakeFlag("year");
  if (!year) throw UsageError{"report annual needs --year"};
  req.set_year(IntFlag("year", *year));
  req.set_language(s.TakeFlag("language").value_or(""));
  s.RequireNoMoreFlags();
  return s.WriteDocument(s.Call(&Reports::RenderAnnualReport, req).content());
}

}  // namespace

int ReportCommand(Session& s) {
  const std::string parent = s.command().exchange == "-" ? "exchanges/-" : s.Parent();
  if (s.verb() == "annual") return Annual(s, parent);
  const auto from = s.TakeFlag("from");
  const auto to = s.TakeFlag("to");
  if (!from || !to) throw UsageError{absl::StrCat("report ", s.verb(), " needs --from and --to")};
  const Period period{parent, ParseDayOrTime(*from, "from"), ParseDayOrTime(*to, "to")};
  if (s.verb() == "stats") {
    v1::GetStatisticsRequest req;
    period.Set(req);
    for (auto g : Groupings(s)) req.add_group_by(g);
    s.RequireNoMoreFlags();
    const v1::GetStatisticsResponse resp = s.Call(&Reports::GetStatistics, req);
    return s.Print(resp, [&] { PrintStatistics(req, resp, s.out()); });
  }
  if (s.verb() == "feedback") {
    v1::GetFeedbackSummaryRequest req;
    period.Set(req);
    const auto g = Groupings(s);
    if (g.size() > 1) throw UsageError{"--group-by: one of role, month, year"};
    if (!g.empty()) req.set_group_by(g[0]);
    s.RequireNoMoreFlags();
    const v1::GetFeedbackSummaryResponse resp = s.Call(&Reports::GetFeedbackSummary, req);
    return s.Print(resp, [&] { PrintFeedback(resp, s.out()); });
  }
  if (s.verb() == "export" || s.verb() == "payroll") {
    // --format csv (the machine CSV, as the API streams it) or excel.
    const std::string format = s.TakeFlag("format").value_or("csv");
    if (format != "csv" && format != "excel") throw UsageError{"--format: csv or excel"};
    std::string csv;
    if (s.verb() == "export") {
      s.RequireNoMoreFlags();
      v1::ExportAssignmentsRequest req;
      period.Set(req);
      csv = ReadCsv(s, &Reports::ExportAssignments, req);
    } else {
      // --view lines|summary|due; --by-payment-date true: the period is of
      // payment dates.
      v1::ExportPayrollRequest req;
      period.Set(req);
      const std::string view = absl::AsciiStrToLower(s.TakeFlag("view").value_or("lines"));
      v1::PayrollView parsed;
      if (!v1::PayrollView_Parse(
              absl::StrCat("PAYROLL_VIEW_", absl::AsciiStrToUpper(view)), &parsed) ||
          parsed == v1::PAYROLL_VIEW_UNSPECIFIED) {
        throw UsageError{"--view: lines, summary or due"};
      }
      req.set_view(parsed);
      if (const auto by = s.TakeFlag("by-payment-date")) {
        if (*by != "true" && *by != "false") throw UsageError{"--by-payment-date: true or false"};
        req.set_by_payment_date(*by == "true");
      }
      s.RequireNoMoreFlags();
      csv = ReadCsv(s, &Reports::ExportPayroll, req);
    }
    return s.WriteDocument(format == "excel" ? ExcelCsv(csv) : csv);
  }
  throw UsageError{"report verbs: stats, feedback, export, payroll, annual"};
}

}  // namespace kokemus::cli
