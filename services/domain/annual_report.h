// The annual report of an exchange for its board and funders: key figures,
// tasks per month split into educational institutions and basic services,
// roles, orderer kinds, feedback distributions, how orders were filled, how
// evenly work was spread, what became of the trained and what the audiences
// said, each as a chart with its numbers in a table beside it, in Finnish, Swedish or English.
// Built from the same figures as GetStatistics.
//
//   Document doc = AnnualReportDocument({"Päijät-Häme", 2021, "fi"}, tasks, active_trained);
//   auto pdf = render::RenderPdf(doc, title, created);
#ifndef KOKEMUS_SERVICES_DOMAIN_ANNUAL_REPORT_H_
#define KOKEMUS_SERVICES_DOMAIN_ANNUAL_REPORT_H_

#include <string>
#include <vector>

#include "services/domain/cohorts.h"
#include "services/domain/documents.h"
#include "services/domain/filling.h"
#include "services/domain/statistics.h"
#include "services/domain/surveys.h"

namespace kokemus::domain {

struct AnnualReportHeader {
  std::string exchange_name;
  int year = 0;
  std::string language;  // fi, sv or en
};

// `tasks` are the year's completed and cancelled assignments of the exchange;
// `active_trained` as for ComputeStatistics; `filling`, when given, how the
// year's orders were filled, `training` its courses' cohorts and trained
// experts at work, and `survey` what the audiences answered (sections of
// their own).
Document AnnualReportDocument(
    const AnnualReportHeader& header, const std::vector<TaskRecord>& tasks,
    const std::vector<std::string>& active_trained, const FillingFigures* filling = nullptr,
    const TrainingReport* training = nullptr, const SurveyReport* survey = nullptr);

// "Vuosiraportti 2021: Päijät-Häme" in the report's language.
std::string AnnualReportTitle(const AnnualReportHeader& header);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_ANNUAL_REPORT_H_
