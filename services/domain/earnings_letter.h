// A letter for an expert's benefit payer (issue 20, Kela or her pension
// provider), in Finnish, Swedish or English: what expert-by-experience work
// is and how it is paid, her fees paid so far this year by payment month (as
// the Incomes Register shows them) and her planned tasks with their payment
// dates. It names no benefit, no limit and nothing about her health: she
// decides what to tell her benefit payer.
//
//   Document doc = EarningsLetterDocument(facts);
//   auto pdf = render::RenderPdf(doc, "", created);
#ifndef KOKEMUS_SERVICES_DOMAIN_EARNINGS_LETTER_H_
#define KOKEMUS_SERVICES_DOMAIN_EARNINGS_LETTER_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/documents.h"
#include "services/domain/earnings.h"
#include "services/domain/model.h"

namespace kokemus::domain {

// A task she has accepted that is still to come.
struct PlannedTask {
  absl::Time start_time;
  int minutes = 0;
  Role role = Role::kUnspecified;
  int64_t fee_cents = 0;
};

struct EarningsLetterFacts {
  std::string language;  // fi, sv or en
  absl::CivilDay today;  // the letter's date (Helsinki)
  std::string expert_name;
  PaymentMethod payment_method = PaymentMethod::kUnspecified;
  Exchange exchange;                 // name, business id, contact, pay rule
  YearPay year;                      // PayOfYear for today's year
  std::vector<PlannedTask> planned;  // from today on, by start
};

// The letter: who and from whom, the work, how it is paid (the pay rule in
// words), the year's paid fees by payment month with their total, and the
// planned tasks (task and length, date, fee, payment date) or a line saying there
// are none.
Document EarningsLetterDocument(const EarningsLetterFacts& facts);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_EARNINGS_LETTER_H_
