// course create|get|list [--format csv]|enrol|attend|complete|drop|graduate: the exchange's
// courses (one cohort each), their trainees and what became of them.
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using T = v1::TrainingService::Stub;

std::string Percent(double value) { return absl::StrFormat("%.1f", value); }

// One line per course: how its cohort fared.
std::vector<std::vector<std::string>> OutcomeRows(const v1::ListCoursesResponse& all) {
  std::vector<std::vector<std::string>> rows = {
      {"COURSE", "KIND", "TITLE", "ENROLLED", "DROPPED", "COMPLETED", "IN_REGISTRY", "WORKED_6M",
       "WORKED_12M", "SHARE_12M", "TASKS", "HOURS"}};
  for (const v1::Course& c : all.courses()) {
    const v1::CohortOutcome& o = c.outcome();
    rows.push_back(
        {ShortName(c.name()), HumanField(c, c.GetDescriptor()->FindFieldByName("kind")), c.title(),
         absl::StrCat(o.enrolled()), absl::StrCat(o.dropped()), absl::StrCat(o.completed()),
         absl::StrCat(o.in_registry()), absl::StrCat(o.worked_within_6_months()),
         absl::StrCat(o.worked_within_12_months()), Percent(o.share_worked_12_months()),
         absl::StrCat(o.tasks()), Percent(o.hours())});
  }
  return rows;
}

// A trainee named by id on the positional course, or by full name.
std::string TraineeName(Session& s, const std::string& course) {
  const auto trainee = s.TakeFlag("trainee");
  if (!trainee) throw UsageError{absl::StrCat("course ", s.verb(), " needs --trainee ID")};
  return trainee->find('/') != std::string::npos ? *trainee
                                                 : absl::StrCat(course, "/trainees/", *trainee);
}

}  // namespace

int CourseCommand(Session& s) {
  if (s.verb() == "create") {
    v1::CreateCourseRequest req;
    req.set_parent(s.Parent());
    req.set_course_id(s.RequireId());
    SetFields(s.TakeFlags(), req.mutable_course());
    return s.Show(&T::CreateCourse, req);
  }
  if (s.verb() == "list") {
    // --format csv: the same rows as CSV (for a funder's spreadsheet).
    const std::string format = s.TakeFlag("format").value_or("table");
    if (format != "table" && format != "csv") throw UsageError{"--format: table or csv"};
    const bool csv = format == "csv";
    s.RequireNoMoreFlags();
    v1::ListCoursesRequest req;
    req.set_parent(s.Parent());
    return s.List(&T::ListCourses, req, [&](const v1::ListCoursesResponse& all) {
      const auto rows = OutcomeRows(all);
      csv ? PrintCsv(rows, s.out()) : PrintCells(rows, s.out());
    });
  }
  const std::string course = s.NameIn("courses");
  if (s.verb() == "get") {
    s.RequireNoMoreFlags();
    v1::GetCourseRequest req;
    req.set_name(course);
    const v1::Course c = s.Call(&T::GetCourse, req).course();
    return s.Print(c, [&] {
      for (const char* field : {"name", "kind", "title", "provider", "capacity", "enrolled"}) {
        s.out() << field << ": " << HumanField(c, c.GetDescriptor()->FindFieldByName(field))
                << "\n";
      }
      const v1::CohortOutcome& o = c.outcome();
      s.out() << "outcome: " << o.completed() << " of " << o.enrolled() << " completed, "
              << o.in_registry() << " in the registry, " << o.worked_within_6_months()
              << " worked within 6 months, " << o.worked_within_12_months() << " within 12 months ("
              << Percent(o.share_worked_12_months()) << " %)\n";
      s.Table(c, "trainees", {"name", "display_name", "state", "completion_date", "expert"});
    });
  }
  if (s.verb() == "enrol") {
    v1::EnrolTraineeRequest req;
    req.set_parent(course);
    if (auto id = s.TakeFlag("id")) req.set_trainee_id(*id);
    SetFields(s.TakeFlags(), req.mutable_trainee());
    s.ExpandReferences(*req.mutable_trainee());
    return s.Show(&T::EnrolTrainee, req);
  }
  if (s.verb() == "attend") {
    v1::RecordAttendanceRequest req;
    req.set_course(course);
    const auto session = s.TakeFlag("session");
    if (!session) throw UsageError{"course attend needs --session N"};
    req.set_session(IntFlag("session", *session));
    if (auto present = s.TakeFlag("present")) {
      for (absl::string_view id : absl::StrSplit(*present, ',', absl::SkipEmpty())) {
        req.add_present(std::string(id));
      }
    }
    s.RequireNoMoreFlags();
    const v1::Course c = s.Call(&T::RecordAttendance, req).course();
    return s.Print(c, [&] {
      s.Table(c, "trainees", {"name", "display_name", "attended_sessions"});
    });
  }
  if (s.verb() == "complete" || s.verb() == "drop") {
    v1::SetTraineeStateRequest req;
    req.set_name(TraineeName(s, course));
    const bool complete = s.verb() == "complete";
    req.set_state(complete ? v1::Trainee::STATE_COMPLETED : v1::Trainee::STATE_DROPPED);
    if (complete) {
      const auto date = s.TakeFlag("date");
      if (!date) throw UsageError{"course complete needs --date YYYY-MM-DD"};
      req.set_completion_date(*date);
    }
    s.RequireNoMoreFlags();
    return s.Show(&T::SetTraineeState, req);
  }
  if (s.verb() == "graduate") {
    v1::GraduateTraineeRequest req;
    req.set_name(TraineeName(s, course));
    if (auto id = s.TakeFlag("expert-id")) req.set_expert_id(*id);
    SetFields(s.TakeFlags(), req.mutable_expert());
    return s.Show(&T::GraduateTrainee, req);
  }
  throw UsageError{"course verbs: create, get, list, enrol, attend, complete, drop, graduate"};
}

}  // namespace kokemus::cli
