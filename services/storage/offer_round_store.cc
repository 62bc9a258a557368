#include "services/storage/offer_round_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/storage/order_rows.h"
#include "services/storage/outbox_store.h"

namespace kokemus::storage {

using namespace order_rows;  // NOLINT
using domain::OfferRound;
using domain::OfferRounds;
using domain::RoundsState;
using domain::RoundStep;

namespace {

constexpr char kSelectRounds[] =
    "SELECT exchange_id, order_id, strategy, round_size, tier_interval_seconds, "
    "answer_window_seconds, offer_deadline, state, rounds, revision, create_time, update_time "
    "FROM offer_rounds WHERE exchange_id = :x AND order_id = :o";
// Rounds that may start one: ACTIVE ones, and EXHAUSTED ones before their
// deadline (someone may have become free).
constexpr char kActiveRounds[] =
    "SELECT exchange_id, order_id FROM offer_rounds WHERE state = 'ACTIVE' OR (state = "
    "'EXHAUSTED' AND offer_deadline > :now) ORDER BY exchange_id, order_id";
constexpr char kInsertRounds[] =
    "INSERT INTO offer_rounds (exchange_id, order_id, strategy, round_size, "
    "tier_interval_seconds, answer_window_seconds, offer_deadline, state, rounds, revision, "
    "create_time, update_time) VALUES (:x, :o, :strategy, :size, :interval, :window, :deadline, "
    ":state, :rounds, :revision, :create_time, :update_time)";
constexpr char kUpdateRounds[] =
    "UPDATE offer_rounds SET strategy = :strategy, round_size = :size, tier_interval_seconds = "
    ":interval, answer_window_seconds = :window, offer_deadline = :deadline, state = :state, "
    "rounds = :rounds, revision = :revision, create_time = :create_time, update_time = "
    ":update_time WHERE exchange_id = :x AND order_id = :o";

Json RoundsJson(const std::vector<OfferRound>& rounds) {
  Json out = Json::array();
  for (const OfferRound& r : rounds) {
    out.push_back(
        {{"number", r.number},
         {"trigger", Name(r.trigger)},
         {"start_time", Micros(r.start_time)},
         {"places_open", r.places_open}});
  }
  return out;
}

OfferRounds ReadRounds(const soci::row& row) {
  RowReader r(row);
  OfferRounds o;
  o.exchange_id = r.Text();
  o.order_id = r.Text();
  o.strategy = r.Enum<domain::OfferStrategy>();
  o.round_size = static_cast<int>(r.Int());
  o.tier_interval = absl::Seconds(r.Int());
  o.answer_window = absl::Seconds(r.Int());
  o.offer_deadline = r.Time();
  o.state = r.Enum<RoundsState>();
  for (const Json& j : r.JsonValue()) {
    OfferRound round;
    round.number = j.at("number").get<int>();
    round.trigger = domain::ParseEnum<domain::RoundTrigger>(j.at("trigger").get<std::string>())
                        .value_or(domain::RoundTrigger::kUnspecified);
    round.start_time = absl::FromUnixMicros(j.at("start_time").get<int64_t>());
    round.places_open = j.at("places_open").get<int>();
    o.rounds.push_back(std::move(round));
  }
  o.meta.revision = r.Int();
  o.meta.create_time = r.Time();
  o.meta.update_time = r.Time();
  return o;
}

std::optional<OfferRounds> FindRounds(
    soci::session& sql, const std::string& exchange_id, const std::string& order_id) {
  std::vector<OfferRounds> rows =
      Query<OfferRounds>(sql, kSelectRounds, {exchange_id, order_id}, ReadRounds);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

void SaveRounds(soci::session& sql, OfferRounds& r, bool stored, absl::Time now) {
  const absl::Time at = absl::FromUnixMicros(Micros(now));
  if (!stored) r.meta.create_time = at;
  r.meta.update_time = at;
  ++r.meta.revision;
  Record values = {
      r.exchange_id,
      r.order_id,
      Name(r.strategy),
      static_cast<long long>(r.round_size),
      static_cast<long long>(absl::ToInt64Seconds(r.tier_interval)),
      static_cast<long long>(absl::ToInt64Seconds(r.answer_window)),
      Micros(r.offer_deadline),
      Name(r.state),
      RoundsJson(r.rounds).dump(),
      static_cast<long long>(r.meta.revision),
      Micros(r.meta.create_time),
      Micros(r.meta.update_time)};
  if (!stored) {
    Execute(sql, kInsertRounds, std::move(values));
    return;
  }
  // The update binds the key last.
  Record update(values.begin() + 2, values.end());
  update.push_back(r.exchange_id);
  update.push_back(r.order_id);
  Execute(sql, kUpdateRounds, std::move(update));
}

}  // namespace

absl::StatusOr<std::vector<domain::Candidate>> OfferRoundStore::Candidates(
    const domain::Order& order, absl::Time now) {
  auto data = matching_.Data(order.exchange_id);
  if (!data.ok()) return data.status();
  const MatchingData& d = **data;
  return domain::RankExpertsIndexed(order, d.experts, d.index, d.settings, d.schedule, now)
      .candidates;
}

absl::StatusOr<OfferRoundStore::Outcome> OfferRoundStore::Step(
    const std::string& exchange_id, const std::string& order_id, const OfferRounds* start,
    absl::Time now) {
  // The ranking is read before the transaction from the order as it is,
  // and only when a round is to start: sweeps that find nothing due cost a
  // read of the order and its assignments.
  struct Due {
    domain::Order order;
    std::vector<domain::Assignment> assignments;
    bool retry = false;  // EXHAUSTED rounds looking for someone new
  };
  auto due = db_.Read([&](soci::session& sql) -> absl::StatusOr<std::optional<Due>> {
    OrderTx tx(sql, db_.dialect());
    auto order = tx.GetOrder(exchange_id, order_id, false);
    if (!order.ok()) return order.status();
    Due d{*std::move(order), {}, false};
    d.assignments = tx.AssignmentsOf(d.order);
    if (start == nullptr) {
      std::optional<OfferRounds> stored = FindRounds(sql, exchange_id, order_id);
      if (!stored) return std::nullopt;
      const RoundStep step = domain::NextRoundStep(*stored, d.order, d.assignments, now);
      if (step.action == RoundStep::kWait) return std::nullopt;
      d.retry = step.action == RoundStep::kStart && stored->state == RoundsState::kExhausted;
    }
    return std::optional<Due>(std::move(d));
  });
  if (!due.ok()) return due.status();
  if (!due->has_value()) return Outcome{};
  auto ranked = Candidates((*due)->order, now);
  if (!ranked.ok()) return ranked.status();
  const std::vector<domain::Candidate> candidates = *std::move(ranked);
  // Rounds that ran out try again only when someone new is there: no write
  // (and no second word to the coordinator) otherwise.
  if ((*due)->retry && domain::RoundExperts(candidates, (*due)->assignments, 1).empty()) {
    return Outcome{};
  }
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Outcome> {
    OrderTx tx(sql, db_.dialect());
    auto order = tx.GetOrder(exchange_id, order_id, true);
    if (!order.ok()) return order.status();
    std::optional<OfferRounds> stored = FindRounds(sql, exchange_id, order_id);
    Outcome out;
    out.view.order = *order;
    out.view.assignments = tx.AssignmentsOf(*order);
    OfferRounds& rounds = out.view.rounds;
    if (start != nullptr) {
      if (absl::Status s = domain::CheckRoundsMayStart(
              *order, out.view.assignments, stored ? &*stored : nullptr, now);
          !s.ok()) {
        return s;
      }
      rounds = *start;
      rounds.state = RoundsState::kActive;
      if (stored) {
        rounds.rounds = stored->rounds;
        rounds.meta = stored->meta;
      }
    } else {
      if (!stored) {
        return absl::NotFoundError(
            absl::StrCat(OrderName(exchange_id, order_id), "/offerRounds not found"));
      }
      rounds = *stored;
    }
    // A fresh start begins a round whatever came before.
    RoundStep step;
    if (start != nullptr) {
      step.action = RoundStep::kStart;
      step.trigger = domain::RoundTrigger::kStarted;
      step.places_open = domain::PlacesOpen(*order, out.view.assignments);
    } else {
      step = domain::NextRoundStep(rounds, *order, out.view.assignments, now);
    }
    if (step.action == RoundStep::kWait) return out;
    const bool places_left = order->state == domain::OrderState::kOpen &&
                             domain::PlacesOpen(*order, out.view.assignments) > 0;
    const bool pool = rounds.strategy == domain::OfferStrategy::kPool;
    if (step.action == RoundStep::kEnd) {
      const bool told = rounds.state == RoundsState::kExhausted;  // when they ran out
      rounds.state = step.end_state;
      SaveRounds(sql, rounds, stored.has_value(), now);
      // A pool with people to pick from closes: the coordinator picks.
      bool to_pick = false;
      for (const domain::Assignment& a : out.view.assignments) {
        if (pool && domain::EffectiveState(a, now) == domain::AssignmentState::kAvailable) {
          to_pick = true;
        }
      }
      if (places_left && (to_pick || !told)) {
        if (absl::Status s = OutboxStore::EnqueueRoundsEnded(sql, *order, to_pick, now); !s.ok()) {
          return s;
        }
        ++out.made;
      }
      return out;
    }
    OfferRound round;
    round.number = rounds.rounds.empty() ? 1 : rounds.rounds.back().number + 1;
    round.trigger = step.trigger;
    round.start_time = now;
    round.places_open = step.places_open;
    // The best candidates without an assignment on the order; one whose
    // offer its own rules refuse now (paused since the ranking) is passed by.
    std::vector<std::string> experts =
        domain::RoundExperts(candidates, out.view.assignments, static_cast<int>(candidates.size()));
    int made = 0;
    for (const std::string& expert_id : experts) {
      if (made >= rounds.round_size) break;
      domain::Assignment offer;
      offer.exchange_id = exchange_id;
      offer.order_id = order_id;
      offer.id = absl::StrCat("r", round.number, "-", made + 1);
      // An id a coordinator took by hand gets a suffix ("r2-1-x7k2").
      if (std::any_of(
              out.view.assignments.begin(), out.view.assignments.end(),
              [&](const domain::Assignment& a) { return a.id == offer.id; })) {
        absl::StrAppend(&offer.id, "-", domain::GenerateId().substr(0, 4));
      }
      offer.expert_id = expert_id;
      offer.offer_deadline = domain::RoundOfferDeadline(rounds, now);
      offer.offer_round = round.number;
      offer.offer_kind = pool ? domain::OfferKind::kPool : domain::OfferKind::kPlace;
      auto offered = OfferIn(tx, std::move(offer), CreateOptions{}, now);
      if (offered.status().code() == absl::StatusCode::kFailedPrecondition) continue;
      if (!offered.ok()) return offered.status();
      out.view.assignments.push_back(*std::move(offered));
      ++made;
    }
    if (made == 0) {
      if (start != nullptr) {
        return absl::FailedPreconditionError(
            "no eligible expert is left to offer the order to (RankExperts shows why)");
      }
      if (rounds.state == RoundsState::kExhausted) return out;  // still nobody: as it was
      rounds.state = RoundsState::kExhausted;
      SaveRounds(sql, rounds, stored.has_value(), now);
      if (places_left) {
        if (absl::Status s = OutboxStore::EnqueueRoundsEnded(sql, *order, false, now); !s.ok()) {
          return s;
        }
        ++out.made;
      }
      return out;
    }
    rounds.rounds.push_back(round);
    rounds.state = RoundsState::kActive;  // EXHAUSTED ones run again
    SaveRounds(sql, rounds, stored.has_value(), now);
    out.made += made;
    return out;
  });
}

absl::StatusOr<RoundsView> OfferRoundStore::Start(OfferRounds rounds, absl::Time now) {
  auto outcome = Step(rounds.exchange_id, rounds.order_id, &rounds, now);
  if (!outcome.ok()) return outcome.status();
  return std::move(outcome->view);
}

absl::StatusOr<RoundsView> OfferRoundStore::Get(
    const std::string& exchange_id, const std::string& order_id, absl::Time now) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<RoundsView> {
    OrderTx tx(sql, db_.dialect());
    auto order = tx.GetOrder(exchange_id, order_id, false);
    if (!order.ok()) return order.status();
    std::optional<OfferRounds> stored = FindRounds(sql, exchange_id, order_id);
    if (!stored) {
      return absl::NotFoundError(
          absl::StrCat(OrderName(exchange_id, order_id), "/offerRounds not found"));
    }
    RoundsView view{*std::move(stored), *order, tx.AssignmentsOf(*order)};
    for (domain::Assignment& a : view.assignments) a.state = domain::EffectiveState(a, now);
    return view;
  });
}

absl::StatusOr<RoundsView> OfferRoundStore::Stop(
    const std::string& exchange_id, const std::string& order_id, absl::Time now) {
  auto stopped = db_.Write([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    auto order = tx.GetOrder(exchange_id, order_id, true);
    if (!order.ok()) return order.status();
    std::optional<OfferRounds> stored = FindRounds(sql, exchange_id, order_id);
    if (!stored) {
      return absl::NotFoundError(
          absl::StrCat(OrderName(exchange_id, order_id), "/offerRounds not found"));
    }
    if (stored->state != RoundsState::kActive) {
      return absl::FailedPreconditionError(
          absl::StrCat("the offer rounds are ", domain::EnumName(stored->state), ", not running"));
    }
    stored->state = RoundsState::kStopped;
    SaveRounds(sql, *stored, true, now);
    return absl::OkStatus();
  });
  if (!stopped.ok()) return stopped;
  return Get(exchange_id, order_id, now);
}

absl::StatusOr<int> OfferRoundStore::Advance(absl::Time now) {
  auto active = db_.Read(
      [&](soci::session& sql) -> absl::StatusOr<std::vector<std::pair<std::string, std::string>>> {
        return Query<std::pair<std::string, std::string>>(
            sql, kActiveRounds, {Micros(now)}, [](const soci::row& row) {
              RowReader r(row);
              std::string exchange_id = r.Text();
              return std::make_pair(exchange_id, r.Text());
            });
      });
  if (!active.ok()) return active.status();
  int made = 0;
  absl::Status first_error;
  for (const auto& [exchange_id, order_id] : *active) {
    // One order's failure (its data briefly unreadable) does not hold up the rest.
    auto outcome = Step(exchange_id, order_id, nullptr, now);
    if (outcome.ok()) {
      made += outcome->made;
    } else if (first_error.ok()) {
      first_error = outcome.status();
    }
  }
  if (!first_error.ok() && made == 0) return first_error;
  return made;
}

}  // namespace kokemus::storage
