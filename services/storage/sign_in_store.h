// Sign-in links made and spent (the rules are domain/sign_in.h). A link is
// made for one person (an expert, or an orderer organization's contact
// person) when a message carrying it is sent, or when the person asks for
// one by e-mail address; the database keeps the BLAKE2b hash of its 256-bit
// random secret only (libsodium, as for API keys), and spends it once.
//
//   SignInStore links(db);
//   auto tokens = links.Mint({{"exchanges/ph/experts/kaisa", "kaisa@example.fi",
//                              "exchanges/ph/orders/o1/assignments/kaisa",
//                              domain::kMessageLinkLifetime}}, now);
//   auto grant = links.Redeem(token, now);   // once; then "has been used"
#ifndef KOKEMUS_SERVICES_STORAGE_SIGN_IN_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_SIGN_IN_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/access.h"
#include "services/storage/database.h"

namespace kokemus::storage {

// A link to make: whom it signs in, where it was sent, what it leads to.
struct LinkRequest {
  std::string link_for;  // "exchanges/x/experts/y" or "exchanges/x/organizations/y"
  std::string email;     // the address (or phone) it goes to, kept with the link
  std::string target;    // the resource it opens ("" : the person's start page)
  absl::Duration lifetime = absl::ZeroDuration();
};

// What a spent link grants: the person, as a principal of their role (an
// expert, or the organization's orderer role), and where to go.
struct LinkGrant {
  domain::Principal principal;  // key_id is the link's id
  std::string email;
  std::string target;
};

class SignInStore final {
 public:
  explicit SignInStore(Database& db);

  // One token per request, in order, in one transaction. INVALID_ARGUMENT
  // for a `link_for` that names no one.
  absl::StatusOr<std::vector<std::string>> Mint(
      const std::vector<LinkRequest>& requests, absl::Time now);
  // Whether the link may be spent, without spending it (the page a GET
  // shows): NOT_FOUND "not valid", or CheckLinkUsable's refusal.
  absl::Status Check(absl::string_view token, absl::Time now);
  // Spends the link: its grant, once.
  absl::StatusOr<LinkGrant> Redeem(absl::string_view token, absl::Time now);
  // Forgets links that expired before `before`; how many.
  absl::StatusOr<int> Sweep(absl::Time before);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_SIGN_IN_STORE_H_
