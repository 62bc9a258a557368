// kokemus.v1.TrainingService: courses, trainees, attendance, completion and
// graduation into the registry (domain/cohorts.h over storage::TrainingStore),
// with each cohort's outcome from the exchange's completed tasks.
#ifndef KOKEMUS_SERVICES_RPC_TRAINING_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_TRAINING_SERVICE_H_

#include "kokemus/v1/training_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/report_store.h"
#include "services/storage/training_store.h"

namespace kokemus::rpc {

class TrainingService final : public v1::TrainingService::Service {
 public:
  TrainingService(storage::TrainingStore& store, storage::ReportStore& reports, AccessGuard& guard)
      : store_(store), reports_(reports), guard_(guard) {}

  grpc::Status CreateCourse(
      grpc::ServerContext*, const v1::CreateCourseRequest*, v1::CreateCourseResponse*) override;
  grpc::Status GetCourse(
      grpc::ServerContext*, const v1::GetCourseRequest*, v1::GetCourseResponse*) override;
  grpc::Status ListCourses(
      grpc::ServerContext*, const v1::ListCoursesRequest*, v1::ListCoursesResponse*) override;
  grpc::Status EnrolTrainee(
      grpc::ServerContext*, const v1::EnrolTraineeRequest*, v1::EnrolTraineeResponse*) override;
  grpc::Status RecordAttendance(
      grpc::ServerContext*, const v1::RecordAttendanceRequest*,
      v1::RecordAttendanceResponse*) override;
  grpc::Status SetTraineeState(
      grpc::ServerContext*, const v1::SetTraineeStateRequest*,
      v1::SetTraineeStateResponse*) override;
  grpc::Status GraduateTrainee(
      grpc::ServerContext*, const v1::GraduateTraineeRequest*,
      v1::GraduateTraineeResponse*) override;

 private:
  storage::TrainingStore& store_;
  storage::ReportStore& reports_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_TRAINING_SERVICE_H_
