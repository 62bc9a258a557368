// The exchange's courses and their trainees (issue 21), and graduation into
// the registry in one transaction with the trainee's record. The rules are
// the domain's (domain/cohorts.h); this applies them to the rows inside each
// write, so two coordinators cannot overfill a course or graduate one trainee
// twice.
//
//   TrainingStore store(db, registry);
//   auto course = store.CreateCourse(course);
//   auto trainee = store.Enrol(trainee);   // FAILED_PRECONDITION when full
#ifndef KOKEMUS_SERVICES_STORAGE_TRAINING_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_TRAINING_STORE_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/domain/cohorts.h"
#include "services/domain/listing.h"
#include "services/storage/database.h"
#include "services/storage/page.h"
#include "services/storage/registry_store.h"

namespace kokemus::storage {

class TrainingStore final {
 public:
  TrainingStore(Database& db, RegistryStore& registry) : db_(db), registry_(registry) {}

  // ALREADY_EXISTS for a taken id, NOT_FOUND without the exchange or a
  // trainer's expert.
  absl::StatusOr<domain::Course> CreateCourse(domain::Course course);
  absl::StatusOr<domain::Course> GetCourse(const std::string& exchange_id, const std::string& id);
  // `query.scope` is the parent exchange's name.
  absl::StatusOr<Page<domain::Course>> ListCourses(const domain::ListQuery& query);

  // A course's trainees (every course's with `course_id` ""), by course and
  // id, each expert's name read from the registry.
  absl::StatusOr<std::vector<domain::Trainee>> Trainees(
      const std::string& exchange_id, const std::string& course_id);
  // Every course of the exchange (by id) and every trainee.
  absl::StatusOr<std::pair<std::vector<domain::Course>, std::vector<domain::Trainee>>> Everything(
      const std::string& exchange_id);

  // Enrols her as domain::CheckEnrolment allows; an expert must exist.
  absl::StatusOr<domain::Trainee> Enrol(domain::Trainee trainee);
  // domain::RecordSessionAttendance on the stored trainees; the course and
  // its trainees after.
  absl::StatusOr<std::pair<domain::Course, std::vector<domain::Trainee>>> RecordAttendance(
      const std::string& exchange_id, const std::string& course_id, int session,
      const std::vector<std::string>& present);
  // domain::ChangeTraineeState on the stored trainee.
  absl::StatusOr<domain::Trainee> ChangeState(
      const domain::TraineeName& name, domain::EnrolmentState to,
      const std::string& completion_date);
  // Graduation: `make_expert(course, trainee)` gives the new expert (checked
  // by the caller's rules) for a trainee who is not an expert; one who is
  // gets the training added. The expert and the trainee's link are written
  // together. Returns the expert and the trainee.
  absl::StatusOr<std::pair<domain::Expert, domain::Trainee>> Graduate(
      const domain::TraineeName& name,
      const std::function<absl::StatusOr<domain::Expert>(
          const domain::Course&, const domain::Trainee&)>& make_expert);

 private:
  Database& db_;
  RegistryStore& registry_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_TRAINING_STORE_H_
