// kokemus.v1.SurveyService: the exchange's survey template, a task's survey
// link with its QR code and printable card, the figures of the answers for a
// task, an expert, an orderer, an exchange or every exchange
// (domain/surveys.h over storage::SurveyStore), and the coordinator's review
// of the free texts.
#ifndef KOKEMUS_SERVICES_RPC_SURVEY_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_SURVEY_SERVICE_H_

#include <string>

#include "kokemus/v1/survey_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/survey_store.h"

namespace kokemus::rpc {

class SurveyService final : public v1::SurveyService::Service {
 public:
  // `web_base_url`: where the self-service pages are reached; a survey's
  // link is `{web_base_url}k/{code}`.
  SurveyService(storage::SurveyStore& store, std::string web_base_url, AccessGuard& guard);

  grpc::Status GetSurveyTemplate(
      grpc::ServerContext*, const v1::GetSurveyTemplateRequest*,
      v1::GetSurveyTemplateResponse*) override;
  grpc::Status UpdateSurveyTemplate(
      grpc::ServerContext*, const v1::UpdateSurveyTemplateRequest*,
      v1::UpdateSurveyTemplateResponse*) override;
  grpc::Status GetTaskSurvey(
      grpc::ServerContext*, const v1::GetTaskSurveyRequest*, v1::GetTaskSurveyResponse*) override;
  grpc::Status GetSurveyResults(
      grpc::ServerContext*, const v1::GetSurveyResultsRequest*,
      v1::GetSurveyResultsResponse*) override;
  grpc::Status ListSurveyComments(
      grpc::ServerContext*, const v1::ListSurveyCommentsRequest*,
      v1::ListSurveyCommentsResponse*) override;
  grpc::Status ReviewSurveyComment(
      grpc::ServerContext*, const v1::ReviewSurveyCommentRequest*,
      v1::ReviewSurveyCommentResponse*) override;

 private:
  storage::SurveyStore& store_;
  const std::string base_url_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_SURVEY_SERVICE_H_
