// kokemus.v1.ReportService: statistics, feedback summaries and CSV exports
// (domain/statistics.h over storage::ReportStore).
#ifndef KOKEMUS_SERVICES_RPC_REPORT_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_REPORT_SERVICE_H_

#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/report_store.h"
#include "services/storage/survey_store.h"
#include "services/storage/training_store.h"

namespace kokemus::rpc {

class ReportService final : public v1::ReportService::Service {
 public:
  ReportService(
      storage::ReportStore& store, storage::TrainingStore& training, storage::SurveyStore& surveys,
      AccessGuard& guard)
      : store_(store), training_(training), surveys_(surveys), guard_(guard) {}

  grpc::Status GetStatistics(
      grpc::ServerContext*, const v1::GetStatisticsRequest*, v1::GetStatisticsResponse*) override;
  grpc::Status GetFeedbackSummary(
      grpc::ServerContext*, const v1::GetFeedbackSummaryRequest*,
      v1::GetFeedbackSummaryResponse*) override;
  grpc::Status ExportAssignments(
      grpc::ServerContext*, const v1::ExportAssignmentsRequest*,
      grpc::ServerWriter<v1::ExportAssignmentsResponse>*) override;
  grpc::Status ExportPayroll(
      grpc::ServerContext*, const v1::ExportPayrollRequest*,
      grpc::ServerWriter<v1::ExportPayrollResponse>*) override;
  grpc::Status RenderAnnualReport(
      grpc::ServerContext*, const v1::RenderAnnualReportRequest*,
      v1::RenderAnnualReportResponse*) override;

 private:
  storage::ReportStore& store_;
  storage::TrainingStore& training_;
  storage::SurveyStore& surveys_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REPORT_SERVICE_H_
