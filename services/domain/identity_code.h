// Finnish personal identity codes (henkilötunnus), for the payroll of
// exchanges that pay wages (issue 20): the form DDMMYYCZZZQ, where C is the
// century sign (+ for the 1800s; -, Y, X, W, V, U for the 1900s; A to F for
// the 2000s), ZZZ the individual number (002 to 899; 900 to 999 are
// temporary codes) and Q the check character: DDMMYYZZZ mod 31 in
// "0123456789ABCDEFHJKLMNPRSTUVWXY".
//
//   CheckIdentityCode("131052-308T").ok()   // the example of the Digital and
//                                           // Population Data Services Agency
//   NormalizeIdentityCode(" 131052-308t ")  // "131052-308T"
//
// Error messages never repeat the code: it is personal data.
#ifndef KOKEMUS_SERVICES_DOMAIN_IDENTITY_CODE_H_
#define KOKEMUS_SERVICES_DOMAIN_IDENTITY_CODE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kokemus::domain {

// Trimmed and upper-cased, as it is checked and stored.
std::string NormalizeIdentityCode(absl::string_view code);

// OK, or INVALID_ARGUMENT naming `field` with why: the form, the century
// sign, a date that exists, the individual number, the check character.
absl::Status CheckIdentityCode(absl::string_view code, absl::string_view field = "identity_code");

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_IDENTITY_CODE_H_
