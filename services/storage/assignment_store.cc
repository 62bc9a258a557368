#include "services/storage/assignment_store.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "services/storage/matching_store.h"
#include "services/storage/order_rows.h"
#include "services/storage/outbox_store.h"

namespace kokemus::storage {

// The rows, SQL and domain names shared by the order, assignment and fee
// schedule stores.
using namespace order_rows;  // NOLINT

namespace {

// ListAssignments: by (order_id, id) from the page token's cursor, filtered.
// Offers past their deadline are LAPSED even before the sweep marks them.
constexpr char kAssignmentsInExchange[] = "exchange_id = :exchange_id";
constexpr char kAssignmentsOfOrder[] = " AND order_id = :order_id";
constexpr char kAssignmentsAfterCursor[] =
    " AND (order_id > :o1 OR (order_id = :o2 AND id > :after))";
constexpr char kAssignmentsPageOrder[] = " ORDER BY order_id, id LIMIT :limit";
constexpr FilterSql kAssignmentFilters[] = {
    {"state", "=", "LAPSED", "(state = 'LAPSED' OR (state = 'OFFERED' AND offer_deadline <= :v))",
     FilterSql::Bind::kNow},
    {"state", "=", "OFFERED", "state = 'OFFERED' AND offer_deadline > :v", FilterSql::Bind::kNow},
    // An AVAILABLE expert is not needed once the task starts (EffectiveState).
    {"state", "=", "AVAILABLE", "state = 'AVAILABLE' AND start_time > :v", FilterSql::Bind::kNow},
    {"state", "=", "WITHDRAWN",
     "(state = 'WITHDRAWN' OR (state = 'AVAILABLE' AND start_time <= :v))", FilterSql::Bind::kNow},
    {"state", "=", "", "state = :v"},
    {"expert", "=", "", "expert_id = :v"},
};

}  // namespace

absl::StatusOr<Assignment> order_rows::OfferIn(
    OrderTx& tx, Assignment offer, const CreateOptions& options, absl::Time now) {
  soci::session& sql = tx.sql();
  const std::string scope = OrderName(offer.exchange_id, offer.order_id);
  auto known = tx.FindRequest(scope, "assignments", options);
  if (!known.ok()) return known.status();
  if (!known->empty()) {
    return tx.GetAssignment({offer.exchange_id, offer.order_id, *known}, false);
  }
  auto order = tx.GetOrder(offer.exchange_id, offer.order_id, true);
  if (!order.ok()) return order.status();
  auto expert = tx.GetExpert(offer.exchange_id, offer.expert_id, false);
  if (!expert.ok()) return expert.status();
  auto schedule = tx.GetFeeSchedule(offer.exchange_id);
  if (!schedule.ok()) return schedule.status();
  auto planned = domain::PlanOffer(
      *order, tx.AssignmentsOf(*order), *expert, *schedule, std::move(offer), now);
  if (!planned.ok()) return planned.status();
  offer = *std::move(planned);
  const absl::Time created = absl::FromUnixMicros(Micros(now));  // as a later read gives it
  offer.meta = {1, created, created};
  Record values = {offer.exchange_id, offer.order_id, offer.id};
  for (Value& v : AssignmentData(offer, offer.end_time)) values.push_back(std::move(v));
  Execute(sql, kInsertAssignment, std::move(values));
  tx.RecordRequest(scope, "assignments", options, offer.id, offer.meta.create_time);
  // The expert hears of it: the message commits with the offer, or neither does.
  if (absl::Status s =
          OutboxStore::EnqueueChange(sql, AssignmentState::kUnspecified, offer, *order, now);
      !s.ok()) {
    return s;
  }
  return offer;
}

absl::StatusOr<Assignment> AssignmentStore::Offer(
    Assignment offer, const CreateOptions& options, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    OrderTx tx(sql, db_.dialect());
    return OfferIn(tx, std::move(offer), options, now);
  });
}

absl::StatusOr<std::vector<Assignment>> AssignmentStore::OfferAll(
    std::vector<Assignment> offers, absl::Time now, size_t* failed_index) {
  std::vector<Assignment> made;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    // Every order row first, in one order: no write (and so no lock on the
    // exchange's matching counter) comes before a lock another writer holds.
    std::set<std::pair<std::string, std::string>> orders;
    for (const Assignment& a : offers) orders.insert({a.exchange_id, a.order_id});
    for (const auto& [exchange_id, order_id] : orders) {
      if (auto order = tx.GetOrder(exchange_id, order_id, true); !order.ok()) {
        return order.status();
      }
    }
    made.clear();
    for (size_t i = 0; i < offers.size(); ++i) {
      auto offer = OfferIn(tx, offers[i], CreateOptions{}, now);
      if (!offer.ok()) {
        if (failed_index != nullptr) *failed_index = i;
        return offer.status();
      }
      made.push_back(*std::move(offer));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return made;
}

absl::StatusOr<Assignment> AssignmentStore::Transition(
    const AssignmentKey& key, AssignmentState to, const TransitionOptions& options,
    absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    OrderTx tx(sql, db_.dialect());
    // Lock order: the order row, then the expert row (accept), so that
    // concurrent changes of one order or one expert's calendar queue up.
    auto order = tx.GetOrder(key.exchange_id, key.order_id, true);
    if (!order.ok()) return order.status();
    absl::Time block_end;  // as stored; an accept reserves it anew
    auto assignment = tx.GetAssignment(key, false, &block_end);
    if (!assignment.ok()) return assignment.status();
    if (options.expected_revision != 0 && assignment->meta.revision != options.expected_revision) {
      return absl::AbortedError(
          absl::StrCat(AssignmentName(*assignment), " was changed by another request; retry"));
    }
    auto schedule = tx.GetFeeSchedule(key.exchange_id);
    if (!schedule.ok()) return schedule.status();
    const std::vector<Assignment> siblings = tx.AssignmentsOf(*order);
    domain::TransitionFacts facts{*order, *assignment, siblings, nullptr, *schedule};
    absl::StatusOr<domain::ExpertFacts> expert;
    const bool accepting = domain::ChecksExpertHold(
        domain::EffectiveState(*assignment, now), domain::AnswerState(*assignment, to));
    if (accepting || to == AssignmentState::kCompleted) {
      expert = tx.GetExpert(key.exchange_id, assignment->expert_id, /*lock=*/accepting);
      if (!expert.ok()) return expert.status();
      facts.expert = &*expert;
    }
    std::vector<domain::PastTask> held;
    if (accepting) {
      held = tx.HeldNear(*assignment);
      facts.held = &held;
      auto settings = MatchingSettingsIn(sql, key.exchange_id);
      if (!settings.ok()) return settings.status();
      facts.rest_after_heavy = settings->rest_after_heavy;
      facts.travel_buffer = settings->travel_buffer;
      facts.earnings = settings->earnings;
      facts.overlapping_held = static_cast<int>(Count(
          sql, kCountOverlaps,
          {key.exchange_id, assignment->expert_id,
           Micros(domain::BlockEnd(*assignment, facts.travel_buffer)),
           Micros(assignment->start_time)}));
    }
    auto plan = domain::PlanTransition(
        facts,
        {.to = to,
         .cancelled_by = options.cancelled_by,
         .cancel_reason = options.cancel_reason,
         .drop_place = options.drop_place,
         .decline_reason = options.decline_reason,
         .actual_duration_minutes = options.actual_duration_minutes,
         .daily_allowance_cents = options.daily_allowance_cents},
        now);
    if (!plan.ok()) return plan.status();
    if (absl::Status s =
            tx.SaveAssignment(plan->assignment, plan->block_end.value_or(block_end), now);
        !s.ok()) {
      return s;
    }
    // The experts hear of it in the same transaction: a cancelled task, the
    // offers withdrawn when the last place filled.
    if (absl::Status s =
            OutboxStore::EnqueueChange(sql, assignment->state, plan->assignment, *order, now);
        !s.ok()) {
      return s;
    }
    if (plan->earnings_warning) {
      if (absl::Status s = OutboxStore::EnqueueEarningsWarning(
              sql, plan->assignment, *order, *plan->earnings_warning, now);
          !s.ok()) {
        return s;
      }
    }
    // Siblings the move changed: offers withdrawn when the last place filled,
    // the pool's others kept as backups, a freed place offered to the
    // best-ranked backup. Each is written and its expert told.
    auto save_sibling = [&](Assignment& a, AssignmentState from) -> absl::Status {
      if (absl::Status s = tx.SaveAssignment(a, a.end_time, now); !s.ok()) return s;
      return OutboxStore::EnqueueChange(sql, from, a, *order, now);
    };
    for (Assignment& withdrawn : plan->withdrawn) {
      if (absl::Status s = save_sibling(withdrawn, AssignmentState::kOffered); !s.ok()) return s;
    }
    for (Assignment& backup : plan->standing_by) {
      if (absl::Status s = save_sibling(backup, AssignmentState::kAvailable); !s.ok()) return s;
    }
    if (plan->order_state || plan->experts_needed) {
      if (plan->order_state) order->state = *plan->order_state;
      if (plan->experts_needed) order->experts_needed = *plan->experts_needed;
      if (absl::Status s = tx.SaveOrder(*order, now); !s.ok()) return s;
    }
    if (plan->backup_offered) {
      if (absl::Status s = save_sibling(*plan->backup_offered, AssignmentState::kAvailable);
          !s.ok()) {
        return s;
      }
    }
    return plan->assignment;
  });
}

absl::StatusOr<Assignment> AssignmentStore::GetAssignment(
    const AssignmentKey& key, absl::Time now) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    auto assignment = OrderTx(sql, db_.dialect()).GetAssignment(key, false);
    if (assignment.ok()) assignment->state = domain::EffectiveState(*assignment, now);
    return assignment;
  });
}

absl::StatusOr<std::optional<Assignment>> AssignmentStore::ReplayedOffer(
    const std::string& exchange_id, const std::string& order_id, const CreateOptions& options,
    absl::Time now) {
  if (options.request_id.empty()) return std::nullopt;
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::optional<Assignment>> {
    OrderTx tx(sql, db_.dialect());
    auto known = tx.FindRequest(OrderName(exchange_id, order_id), "assignments", options);
    if (!known.ok()) return known.status();
    if (known->empty()) return std::nullopt;
    auto assignment = tx.GetAssignment({exchange_id, order_id, *known}, false);
    if (!assignment.ok()) return assignment.status();
    assignment->state = domain::EffectiveState(*assignment, now);
    return std::optional<Assignment>(*std::move(assignment));
  });
}

absl::StatusOr<Page<Assignment>> AssignmentStore::ListAssignments(
    const std::string& exchange_id, const std::string& order_id, const domain::ListQuery& query,
    absl::Time now) {
  Page<Assignment> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    Record values = {exchange_id};
    std::string where = kAssignmentsInExchange;
    if (!order_id.empty()) {
      if (auto order = tx.GetOrder(exchange_id, order_id, false); !order.ok()) {
        return order.status();
      }
      absl::StrAppend(&where, kAssignmentsOfOrder);
      values.push_back(order_id);
    } else if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) {
      return s;
    }
    if (!query.after_id.empty()) {
      // Cursor "order_id/id".
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      absl::StrAppend(&where, kAssignmentsAfterCursor);
      values.insert(values.end(), {cursor.first, cursor.first, cursor.second});
    }
    if (absl::Status s = AppendFilters(kAssignmentFilters, query.terms, now, where, values);
        !s.ok()) {
      return s;
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    static const std::string kSelect =
        absl::StrCat("SELECT ", kAssignmentColumns, " FROM assignments WHERE ");
    page.items = Query<Assignment>(
        sql, absl::StrCat(kSelect, where, kAssignmentsPageOrder), std::move(values),
        [](const soci::row& row) { return ReadAssignment(row); });
    for (Assignment& a : page.items) a.state = domain::EffectiveState(a, now);
    FinishPage(
        page, query, [](const Assignment& a) { return absl::StrCat(a.order_id, "/", a.id); });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Feedback> AssignmentStore::SubmitFeedback(
    const AssignmentKey& key, domain::Feedback feedback, absl::Time now) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    auto a = tx.GetAssignment(key, true);
    if (!a.ok()) return a.status();
    const std::string source = Name(feedback.source);
    const bool given =
        Count(sql, kCountFeedback, {key.exchange_id, key.order_id, key.id, source}) > 0;
    if (absl::Status s = domain::CheckFeedbackTaken(a->state, feedback.source, given); !s.ok()) {
      return s;
    }
    feedback.create_time = now;
    Execute(
        sql, kInsertFeedback,
        {key.exchange_id, key.order_id, key.id, source,
         static_cast<long long>(feedback.overall_rating),
         static_cast<long long>(feedback.content_rating),
         static_cast<long long>(feedback.heaviness),
         static_cast<long long>(feedback.setting_safe ? 1 : 0),
         std::string(domain::SupportAnswerName(feedback.support_afterwards)), feedback.comment,
         Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return feedback;
}

absl::StatusOr<int> AssignmentStore::LapseExpiredOffers(absl::Time now) {
  int lapsed = 0;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    lapsed = 0;
    OrderTx tx(sql, db_.dialect());
    // Each lapsed offer's expert hears of it, in the transaction that lapses it.
    const std::vector<AssignmentKey> keys =
        Query<AssignmentKey>(sql, kExpiredOffers, {Micros(now)}, [](const soci::row& row) {
          RowReader r(row);
          AssignmentKey key;
          key.exchange_id = r.Text();
          key.order_id = r.Text();
          key.id = r.Text();
          return key;
        });
    for (const AssignmentKey& key : keys) {
      if (Execute(sql, kLapseOffer, {Micros(now), key.exchange_id, key.order_id, key.id}) != 1) {
        continue;
      }
      ++lapsed;
      auto assignment = tx.GetAssignment(key, false);
      if (!assignment.ok()) return assignment.status();
      auto order = tx.GetOrder(key.exchange_id, key.order_id, false);
      if (!order.ok()) return order.status();
      if (absl::Status s =
              OutboxStore::EnqueueChange(sql, AssignmentState::kOffered, *assignment, *order, now);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return lapsed;
}

}  // namespace kokemus::storage
