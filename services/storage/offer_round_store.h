// Storage of offer rounds (domain/offer_rounds.h). Starting rounds and every
// later round is one transaction: the order row is locked, the rounds row and
// the order's assignments read, domain::NextRoundStep decides, and the
// round's offers (made as OfferAssignment makes them, each expert told) and
// the record are written together, so a round is never half made and two
// replicas' sweeps never start the same round twice. The ranking is read just
// before from the matching data; every offer checks its own rules again.
//
//   OfferRoundStore rounds(db, matching);
//   auto started = rounds.Start(r, now);   // round 1 offered
//   auto made = rounds.Advance(now);       // the sweeper, every few seconds
#ifndef KOKEMUS_SERVICES_STORAGE_OFFER_ROUND_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_OFFER_ROUND_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/offer_rounds.h"
#include "services/storage/database.h"
#include "services/storage/matching_store.h"

namespace kokemus::storage {

// An order's rounds with the order's assignments, whose round numbers say
// what became of each round's offers (domain::OutcomeOf).
struct RoundsView {
  domain::OfferRounds rounds;
  domain::Order order;
  std::vector<domain::Assignment> assignments;
};

class OfferRoundStore final {
 public:
  OfferRoundStore(Database& db, MatchingStore& matching) : db_(db), matching_(matching) {}

  // Starts rounds on an OPEN order with open places (rounds.strategy and the
  // rest as domain::PrepareOfferRounds left them): the first round's offers
  // go to the best eligible experts. FAILED_PRECONDITION when rounds may not
  // start or no expert is eligible; nothing is stored then. Rounds that
  // stopped or ended before are started again, their record kept.
  absl::StatusOr<RoundsView> Start(domain::OfferRounds rounds, absl::Time now);
  // NOT_FOUND when the order has never had rounds (or does not exist).
  absl::StatusOr<RoundsView> Get(
      const std::string& exchange_id, const std::string& order_id, absl::Time now);
  // No further round starts; the offers made stay open.
  absl::StatusOr<RoundsView> Stop(
      const std::string& exchange_id, const std::string& order_id, absl::Time now);
  // Moves every ACTIVE order's rounds on: a round started where one is due,
  // rounds ENDED or EXHAUSTED where so (the coordinator told once when places
  // are left); EXHAUSTED rounds before their deadline run again when someone
  // the rules allow has become free. Returns how many offers and messages
  // were made.
  absl::StatusOr<int> Advance(absl::Time now);

 private:
  struct Outcome {
    RoundsView view;
    int made = 0;  // offers and messages written
  };
  // One step of `order_id`'s rounds in a write transaction. `start`: the
  // rounds to begin (Start), or null to go on with the stored ones.
  absl::StatusOr<Outcome> Step(
      const std::string& exchange_id, const std::string& order_id, const domain::OfferRounds* start,
      absl::Time now);
  // The ranked candidates for the order as it is now.
  absl::StatusOr<std::vector<domain::Candidate>> Candidates(
      const domain::Order& order, absl::Time now);

  Database& db_;
  MatchingStore& matching_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_OFFER_ROUND_STORE_H_
