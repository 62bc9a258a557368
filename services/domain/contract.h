// The assignment contract (toimeksiantosopimus): the facts a contract states,
// the data a template sees, and Kokemus's default templates in fi, sv and en.
//
//   ContractFacts facts{exchange, orderer, expert, order, assignment, schedule};
//   auto text = RenderTemplate(DefaultContractTemplate("fi"), ContractTemplateData(facts, "fi"));
#ifndef KOKEMUS_SERVICES_DOMAIN_CONTRACT_H_
#define KOKEMUS_SERVICES_DOMAIN_CONTRACT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/documents.h"
#include "services/domain/fees.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

struct ContractFacts {
  Exchange exchange;
  Organization orderer;
  Expert expert;
  Order order;
  Assignment assignment;
  FeeSchedule schedule;
  absl::Time created = absl::UnixEpoch();  // the contract's date
};

// Contracts are made for CONFIRMED and COMPLETED assignments only;
// FAILED_PRECONDITION naming the state otherwise.
absl::Status CheckContractable(AssignmentState state);

// The contract's date: the latest change of anything it states (and of the
// template), so that the same inputs give the same document, byte for byte.
absl::Time ContractDate(const ContractFacts& facts, absl::Time template_time);

// Template keys (the same in every language): exchange_name,
// exchange_business_id, expert_name, orderer_name, orderer_business_id, role,
// topic, audience, audience_size, date_time, duration_minutes, remote,
// address, municipality, preparation_minutes, preparation_paid, fee, travel,
// total, travel_km, payment_salary, payment_invoice, payment_declined,
// cancel_rule {cancel_notice_days, cancel_late_percent,
// cancel_expert_percent, cancel_tiers [{days, percent}] (every step of the
// orderer's late fee, the longest notice first)}, notice_version, coordinator_contact,
// contract_date. Empty values are false in sections, so {{#x}}...{{/x}} shows only what applies.
TemplateData ContractTemplateData(const ContractFacts& facts, absl::string_view language);

// Kokemus's own template for a language (fi, sv, en); empty for others.
absl::string_view DefaultContractTemplate(absl::string_view language);

// An exchange's contract template: valid mustache using only the keys above
// (a typo such as {{expert_nmae}} is named) and every one a contract can't be
// without: the parties (exchange_name, expert_name, orderer_name), the time
// (date_time) and the pay (fee). INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckContractTemplate(absl::string_view text, absl::string_view field);

// The line at the foot of each of a contract's pages: its id and the first 16
// hex digits of the SHA-256 of its text ("Sopimus 3f…  ·  SHA-256 0a1b…").
std::string ContractFooter(
    absl::string_view contract_id, absl::string_view text_sha256, absl::string_view language);

// How an expert accepted her contract (storage's accepted_via).
enum class AcceptedVia { kSelfServicePage, kApiKey };
// The acceptance block appended to an accepted contract, as markup: who
// accepted (the full name she typed), when (Helsinki time) and how.
std::string AcceptanceBlock(
    absl::string_view typed_name, absl::Time accepted, AcceptedVia via, absl::string_view language);

// Invented facts for a template's preview: an exchange, an orderer, an
// expert and a two-hour school visit with its fee and cancellation rule; no
// real person's data.
ContractFacts SampleContractFacts();

// The privacy notice names its controller and how to reach them (GDPR art.
// 13(1)(a)): FAILED_PRECONDITION, saying which fields to set, while the
// exchange lacks a postal address or a contact e-mail.
absl::Status CheckPrivacyNoticeFacts(const Exchange& exchange);
// Whether an update changes what the privacy notice says (the controller's
// name, business id, address, contact e-mail or data protection officer);
// storage then moves the exchange's privacy_notice_time to the update.
bool ChangesPrivacyNotice(const Exchange& before, const Exchange& after);
// The notice's version date: when its content last changed, the exchange's
// details or the built-in text (kPrivacyTextDate), whichever is later.
absl::Time PrivacyNoticeDate(const Exchange& exchange);
// When the built-in privacy notice text last changed.
absl::Time PrivacyTextDate();

// The data of an exchange's privacy notice: exchange_name, business_id,
// contact_email, postal_address, data_protection_officer, region (the
// wellbeing region's name), notice_date (PrivacyNoticeDate).
TemplateData PrivacyNoticeData(const Exchange& exchange, absl::string_view language);
// The built-in privacy notice template for a language; empty for others.
absl::string_view DefaultPrivacyTemplate(absl::string_view language);

// A role, audience or payment method in words of the language.
std::string RoleLabel(Role role, absl::string_view language);
std::string AudienceLabel(Audience audience, absl::string_view language);
std::string ExperienceAreaLabel(ExperienceArea area, absl::string_view language);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_CONTRACT_H_
