#include "services/rpc/order_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/offer_rounds.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/orders.h"
#include "services/domain/validation.h"
#include "services/rpc/convert.h"
#include "services/rpc/handler.h"
#include "services/rpc/ownership.h"
#include "services/rpc/request_checks.h"

namespace kokemus::rpc {
namespace {

using domain::AssignmentState;
using domain::FieldViolations;
using storage::AssignmentKey;

// The organization of an order must be in the order's exchange; one elsewhere
// is NOT_FOUND, as if it did not exist.
absl::Status CheckOrganization(
    const std::string& organization, const std::string& exchange_id, FieldViolations& v) {
  auto org = domain::ParseChildName(organization, "organizations", "order.organization");
  if (!org.ok()) {
    v.Add(
        "order.organization",
        "must be a resource name exchanges/{exchange}/organizations/{organization}");
  } else if (org->exchange_id != exchange_id) {
    return absl::NotFoundError(absl::StrCat(organization, " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<AssignmentKey> KeyOf(const std::string& name, absl::string_view field) {
  auto parsed = domain::ParseAssignmentName(name, field);
  if (!parsed.ok()) return parsed.status();
  return AssignmentKey{parsed->exchange_id, parsed->order_id, parsed->id};
}

template <typename Request>
absl::StatusOr<domain::Assignment> Move(
    storage::AssignmentStore& store, const Request& request, AssignmentState to, absl::Time now,
    storage::TransitionOptions options = {}) {
  auto key = KeyOf(request.name(), "name");
  if (!key.ok()) return key.status();
  auto revision = domain::ParseEtag(request.etag());
  if (!revision.ok()) return revision.status();
  options.expected_revision = *revision;
  return store.Transition(*key, to, options, now);
}

// An assignment as the caller may see it: an orderer's key never gets why
// an expert cancelled (the reason may be her illness).
v1::Assignment View(const Caller& caller, const domain::Assignment& a) {
  v1::Assignment p = ToProto(a);
  if (caller.organization_only()) {
    p.clear_cancel_reason();
    p.clear_decline_reason();
  }
  // An orderer's or expert's key sees whether its own side's feedback is given.
  p.clear_feedback_given();
  for (domain::FeedbackSource s : a.feedback_given) {
    if (domain::CheckOwnSide(caller.principal().role, s, "").ok()) {
      p.add_feedback_given(static_cast<v1::Feedback::Source>(s));
    }
  }
  return p;
}

// An order as the caller may see it (domain::SeesOrderNotes).
v1::Order View(const Caller& caller, const domain::Order& o) {
  v1::Order p = ToProto(o);
  if (!domain::SeesOrderNotes(caller.principal().role)) p.clear_notes();
  return p;
}

template <typename Response>
absl::Status Reply(
    const Caller& caller, const absl::StatusOr<domain::Assignment>& a, Response* response) {
  if (a.ok()) *response->mutable_assignment() = View(caller, *a);
  return a.status();
}

// `exchanges/{exchange}/orders/{order}/offerRounds`: the order's name parts.
absl::StatusOr<domain::ChildName> ParseRoundsName(absl::string_view name, absl::string_view field) {
  absl::string_view order = name;
  if (!absl::ConsumeSuffix(&order, "/offerRounds")) {
    return domain::InvalidField(
        std::string(field), "must be exchanges/{exchange}/orders/{order}/offerRounds");
  }
  return domain::ParseChildName(order, "orders", field);
}

v1::OfferRounds RoundsToProto(const storage::RoundsView& view, absl::Time now) {
  const domain::OfferRounds& r = view.rounds;
  const std::string order = domain::ChildResourceName(r.exchange_id, "orders", r.order_id);
  v1::OfferRounds p;
  p.set_name(absl::StrCat(order, "/offerRounds"));
  p.set_strategy(static_cast<v1::OfferStrategy>(r.strategy));
  p.set_round_size(r.round_size);
  p.set_tier_interval_minutes(static_cast<int32_t>(absl::ToInt64Minutes(r.tier_interval)));
  p.set_answer_window_minutes(static_cast<int32_t>(absl::ToInt64Minutes(r.answer_window)));
  *p.mutable_offer_deadline() = ToProto(r.offer_deadline);
  p.set_state(static_cast<v1::OfferRounds::State>(r.state));
  for (const domain::OfferRound& round : r.rounds) {
    v1::OfferRounds::Round* out = p.add_rounds();
    out->set_number(round.number);
    out->set_trigger(static_cast<v1::OfferRounds::Round::Trigger>(round.trigger));
    *out->mutable_start_time() = ToProto(round.start_time);
    out->set_places_open(round.places_open);
    // Its offers in the order made: r{round}-1, r{round}-2, ...
    std::vector<std::pair<int, std::string>> made;
    for (const domain::Assignment& a : view.assignments) {
      if (a.offer_round != round.number) continue;
      int n = 0;
      absl::string_view id = a.id;
      const std::string prefix = absl::StrCat("r", round.number, "-");
      // r{round}-{n}, or r{round}-{n}-{suffix} when the id was taken by hand.
      if (absl::ConsumePrefix(&id, prefix) && absl::SimpleAtoi(id.substr(0, id.find('-')), &n)) {
        made.emplace_back(n, absl::StrCat(order, "/assignments/", a.id));
      }
    }
    std::sort(made.begin(), made.end());
    for (auto& [n, name] : made) out->add_assignments(std::move(name));
    const domain::RoundOutcome o = domain::OutcomeOf(round.number, view.assignments, now);
    out->set_waiting(o.waiting);
    out->set_placed(o.placed);
    out->set_declined(o.declined);
    out->set_lapsed(o.lapsed);
    out->set_withdrawn(o.withdrawn);
    out->set_cancelled(o.cancelled);
    out->set_available(o.available);
  }
  p.set_places_open(domain::PlacesOpen(view.order, view.assignments));
  *p.mutable_create_time() = ToProto(r.meta.create_time);
  *p.mutable_update_time() = ToProto(r.meta.update_time);
  return p;
}

}  // namespace

grpc::Status OrderService::CreateOrder(
    grpc::ServerContext* context, const v1::CreateOrderRequest* request,
    v1::CreateOrderResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/CreateOrder", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        FieldViolations v;
        domain::Order order = FromProto(request->order());
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        order.exchange_id = *exchange_id;
        if (absl::Status s = CheckOrganization(request->order().organization(), *exchange_id, v);
            !s.ok()) {
          return s;
        }
        // An orderer system orders for its own organization only.
        if (absl::Status s =
                caller.MaySee(request->order().organization(), order.organization_id, "");
            !s.ok()) {
          return s;
        }
        order.id = domain::IdOrGenerated(request->order_id(), "order_id", v);
        if (!request->request_id().empty() && !domain::IsValidUuid(request->request_id())) {
          v.Add("request_id", "must be a UUID");
        }
        domain::NormalizeOrder(order);
        domain::ValidateOrder(order, caller.now(), /*creating=*/true, "order", v);
        if (!v.empty()) return v.ToStatus();
        auto created =
            store_.CreateOrder(std::move(order), {request->request_id(), Fingerprint(*request)});
        if (created.ok()) *response->mutable_order() = View(caller, *created);
        return created.status();
      });
}

grpc::Status OrderService::GetOrder(
    grpc::ServerContext* context, const v1::GetOrderRequest* request,
    v1::GetOrderResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/GetOrder", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "orders", "name");
        if (!name.ok()) return name.status();
        auto order = store_.GetOrder({name->exchange_id, name->id});
        if (!order.ok()) return order.status();
        if (absl::Status s = MaySeeOrder(assignments_, caller, *order, request->name()); !s.ok())
          return s;
        *response->mutable_order() = View(caller, *order);
        return absl::OkStatus();
      });
}

grpc::Status OrderService::ListOrders(
    grpc::ServerContext* context, const v1::ListOrdersRequest* request,
    v1::ListOrdersResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/ListOrders", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        if (auto id = domain::ParseExchangeName(request->parent(), "parent"); !id.ok()) {
          return id.status();
        }
        auto query = domain::ParseListQuery(
            request->parent(), "orders", request->page_size(), request->page_token(),
            request->filter(), domain::OrderFilterFields());
        if (!query.ok()) return query.status();
        if (caller.organization_only()) {
          query->terms.push_back({"organization", caller.principal().organization_id});
        }
        auto page = store_.ListOrders(*query);
        if (!page.ok()) return page.status();
        for (const auto& o : page->items) *response->add_orders() = View(caller, o);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status OrderService::UpdateOrder(
    grpc::ServerContext* context, const v1::UpdateOrderRequest* request,
    v1::UpdateOrderResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/UpdateOrder", "order.name", request->order().name(),
      [&](Caller& caller) -> absl::Status {
        const v1::Order& proto = request->order();
        auto name = domain::ParseChildName(proto.name(), "orders", "order.name");
        if (!name.ok()) return name.status();
        auto current = store_.GetOrder({name->exchange_id, name->id});
        if (!current.ok()) return current.status();
        if (absl::Status s = MaySeeOrder(assignments_, caller, *current, proto.name()); !s.ok())
          return s;
        if (absl::Status s = domain::CheckEtag(proto.etag(), current->meta.revision, "order.etag");
            !s.ok()) {
          return s;
        }
        domain::Order updated = *current;
        std::vector<std::string> paths;
        if (absl::Status s = domain::ApplyOrderMask(
                FromProto(proto), MaskOf(request->update_mask(), proto), updated, &paths);
            !s.ok()) {
          return s;
        }
        FieldViolations v;
        const bool touches_organization =
            std::find(paths.begin(), paths.end(), "organization") != paths.end() ||
            (paths.size() == 1 && paths[0] == "*");
        if (touches_organization) {
          if (absl::Status s = CheckOrganization(proto.organization(), name->exchange_id, v);
              !s.ok()) {
            return s;
          }
        }
        domain::KeepUnseenNotes(caller.principal().role, paths, *current, updated);
        if (caller.organization_only() && updated.organization_id != current->organization_id) {
          return absl::NotFoundError(absl::StrCat(proto.organization(), " not found"));
        }
        domain::NormalizeOrder(updated);
        const bool moved = updated.start_time != current->start_time;
        domain::ValidateOrder(updated, caller.now(), /*creating=*/moved, "order", v);
        if (!v.empty()) return v.ToStatus();
        auto stored = store_.UpdateOrder(std::move(updated), current->meta.revision);
        if (stored.ok()) *response->mutable_order() = View(caller, *stored);
        return stored.status();
      });
}

grpc::Status OrderService::CancelOrder(
    grpc::ServerContext* context, const v1::CancelOrderRequest* request,
    v1::CancelOrderResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/CancelOrder", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "orders", "name");
        if (!name.ok()) return name.status();
        if (caller.organization_only()) {
          auto current = store_.GetOrder({name->exchange_id, name->id});
          if (!current.ok()) return current.status();
          if (absl::Status s = MaySeeOrder(assignments_, caller, *current, request->name());
              !s.ok()) {
            return s;
          }
        }
        const auto by = static_cast<domain::CancelledBy>(request->cancelled_by());
        if (absl::Status s = domain::CheckCancelledBy(by); !s.ok()) return s;
        auto revision = domain::ParseEtag(request->etag());
        if (!revision.ok()) return revision.status();
        auto plan = store_.CancelOrder(
            {name->exchange_id, name->id}, by, *revision, caller.now(), request->validate_only());
        if (!plan.ok()) return plan.status();
        *response->mutable_order() = View(caller, plan->order);
        int64_t fee = 0;
        for (const domain::Assignment& a : plan->changed) {
          *response->add_assignments() = View(caller, a);
          if (a.state == domain::AssignmentState::kCancelled) fee += a.total_cents();
        }
        response->set_cancellation_fee_cents(fee);
        return absl::OkStatus();
      });
}

grpc::Status OrderService::OfferAssignment(
    grpc::ServerContext* context, const v1::OfferAssignmentRequest* request,
    v1::OfferAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/OfferAssignment", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto order = domain::ParseChildName(request->parent(), "orders", "parent");
        if (!order.ok()) return order.status();
        FieldViolations v;
        domain::Assignment offer = FromProto(request->assignment());
        auto expert =
            domain::ParseChildName(request->assignment().expert(), "experts", "assignment.expert");
        if (!expert.ok()) {
          v.Add(
              "assignment.expert", "must be a resource name exchanges/{exchange}/experts/{expert}");
        } else if (expert->exchange_id != order->exchange_id) {
          // An expert of another exchange is invisible here.
          return absl::NotFoundError(absl::StrCat(request->assignment().expert(), " not found"));
        }
        if (!request->assignment().has_offer_deadline()) {
          v.Add("assignment.offer_deadline", "is required");
        }
        offer.exchange_id = order->exchange_id;
        offer.order_id = order->id;
        offer.id = domain::IdOrGenerated(request->assignment_id(), "assignment_id", v);
        if (!request->request_id().empty() && !domain::IsValidUuid(request->request_id())) {
          v.Add("request_id", "must be a UUID");
        }
        std::vector<domain::ExclusionRule> overrides;
        for (int i = 0; i < request->override_rules_size(); ++i) {
          const int rule = request->override_rules(i) - 1;
          if (rule < 0 || rule >= domain::kExclusionRuleCount) {
            v.Add(absl::StrCat("override_rules[", i, "]"), "is not a known matching rule");
          } else {
            overrides.push_back(static_cast<domain::ExclusionRule>(rule));
          }
        }
        if (!v.empty()) return v.ToStatus();
        caller.set_audit_resource(absl::StrCat(request->parent(), "/assignments/", offer.id));
        const storage::CreateOptions once = {request->request_id(), Fingerprint(*request)};
        // A retry gets the offer it made, even if the expert has answered since.
        auto replayed =
            assignments_.ReplayedOffer(order->exchange_id, order->id, once, caller.now());
        if (!replayed.ok()) return replayed.status();
        if (replayed->has_value()) {
          return Reply(caller, absl::StatusOr<domain::Assignment>(**replayed), response);
        }
        auto overridden = RulesOverridden(
            {order->exchange_id, order->id, offer.id}, expert->id, overrides, caller.now());
        if (!overridden.ok()) return overridden.status();
        offer.overridden_rules = *std::move(overridden);
        auto made = assignments_.Offer(std::move(offer), once, caller.now());
        if (!made.ok()) return domain::WithFieldPrefix(made.status(), "assignment");
        return Reply(caller, made, response);
      });
}

absl::StatusOr<std::vector<domain::ExclusionRule>> OrderService::RulesOverridden(
    const domain::AssignmentName& offer, const std::string& expert_id,
    const std::vector<domain::ExclusionRule>& overrides, absl::Time now) {
  int64_t version = 0;
  auto order = store_.GetOrderForMatching({offer.exchange_id, offer.order_id}, &version);
  // A backup may be asked on an ASSIGNED order; other states take no offer.
  if (!order.ok() || (order->state != domain::OrderState::kOpen &&
                      order->state != domain::OrderState::kAssigned)) {
    return std::vector<domain::ExclusionRule>{};
  }
  auto data = matching_.Data(offer.exchange_id, version);
  if (!data.ok()) return data.status();
  const std::vector<domain::ExpertRecord>& experts = (*data)->experts;
  auto record = std::find_if(experts.begin(), experts.end(), [&](const domain::ExpertRecord& r) {
    return r.expert.id == expert_id;
  });
  if (record == experts.end()) return std::vector<domain::ExclusionRule>{};
  return domain::CheckOverrides(
      domain::BrokenRules(*order, *record, (*data)->settings, (*data)->schedule, now), overrides);
}

grpc::Status OrderService::AcceptAssignment(
    grpc::ServerContext* context, const v1::AcceptAssignmentRequest* request,
    v1::AcceptAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/AcceptAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        return Reply(
            caller, Move(assignments_, *request, AssignmentState::kAccepted, caller.now()),
            response);
      });
}

grpc::Status OrderService::DeclineAssignment(
    grpc::ServerContext* context, const v1::DeclineAssignmentRequest* request,
    v1::DeclineAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/DeclineAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        storage::TransitionOptions options;
        options.decline_reason = static_cast<domain::DeclineReason>(request->reason());
        if (absl::Status s = domain::CheckDeclineReason(options.decline_reason, "reason"); !s.ok())
          return s;
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        return Reply(
            caller, Move(assignments_, *request, AssignmentState::kDeclined, caller.now(), options),
            response);
      });
}

grpc::Status OrderService::WithdrawAssignment(
    grpc::ServerContext* context, const v1::WithdrawAssignmentRequest* request,
    v1::WithdrawAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/WithdrawAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        return Reply(
            caller, Move(assignments_, *request, AssignmentState::kWithdrawn, caller.now()),
            response);
      });
}

grpc::Status OrderService::StartOfferRounds(
    grpc::ServerContext* context, const v1::StartOfferRoundsRequest* request,
    v1::StartOfferRoundsResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/StartOfferRounds", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->parent(), "orders", "parent");
        if (!name.ok()) return name.status();
        caller.set_audit_resource(absl::StrCat(request->parent(), "/offerRounds"));
        auto order = store_.GetOrder({name->exchange_id, name->id});
        if (!order.ok()) return order.status();
        const v1::OfferRounds& in = request->offer_rounds();
        domain::OfferRounds rounds;
        rounds.exchange_id = name->exchange_id;
        rounds.order_id = name->id;
        rounds.strategy = static_cast<domain::OfferStrategy>(in.strategy());
        rounds.round_size = in.round_size();
        rounds.tier_interval = absl::Minutes(in.tier_interval_minutes());
        rounds.answer_window = absl::Minutes(in.answer_window_minutes());
        if (in.has_offer_deadline()) rounds.offer_deadline = FromProto(in.offer_deadline());
        // An unknown strategy stays out of range: PrepareOfferRounds refuses it.
        auto defaults = matching_.GetSettings(name->exchange_id);
        if (!defaults.ok()) return defaults.status();
        domain::ApplyRoundsDefaults(rounds, *defaults);
        FieldViolations v;
        domain::PrepareOfferRounds(rounds, *order, caller.now(), "offer_rounds.", v);
        if (!v.empty()) return v.ToStatus();
        auto started = rounds_.Start(std::move(rounds), caller.now());
        if (!started.ok()) return started.status();
        *response->mutable_offer_rounds() = RoundsToProto(*started, caller.now());
        return absl::OkStatus();
      });
}

grpc::Status OrderService::GetOfferRounds(
    grpc::ServerContext* context, const v1::GetOfferRoundsRequest* request,
    v1::GetOfferRoundsResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/GetOfferRounds", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = ParseRoundsName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto view = rounds_.Get(name->exchange_id, name->id, caller.now());
        if (!view.ok()) return view.status();
        *response->mutable_offer_rounds() = RoundsToProto(*view, caller.now());
        return absl::OkStatus();
      });
}

grpc::Status OrderService::StopOfferRounds(
    grpc::ServerContext* context, const v1::StopOfferRoundsRequest* request,
    v1::StopOfferRoundsResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/StopOfferRounds", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = ParseRoundsName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto view = rounds_.Stop(name->exchange_id, name->id, caller.now());
        if (!view.ok()) return view.status();
        *response->mutable_offer_rounds() = RoundsToProto(*view, caller.now());
        return absl::OkStatus();
      });
}

grpc::Status OrderService::ConfirmAssignment(
    grpc::ServerContext* context, const v1::ConfirmAssignmentRequest* request,
    v1::ConfirmAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/ConfirmAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        return Reply(
            caller, Move(assignments_, *request, AssignmentState::kConfirmed, caller.now()),
            response);
      });
}

grpc::Status OrderService::CompleteAssignment(
    grpc::ServerContext* context, const v1::CompleteAssignmentRequest* request,
    v1::CompleteAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/CompleteAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        if (absl::Status s = domain::CheckActualDuration(request->actual_duration_minutes());
            !s.ok()) {
          return s;
        }
        if (absl::Status s = domain::CheckDailyAllowance(request->daily_allowance_cents());
            !s.ok()) {
          return s;
        }
        storage::TransitionOptions options;
        options.actual_duration_minutes = request->actual_duration_minutes();
        options.daily_allowance_cents = request->daily_allowance_cents();
        return Reply(
            caller,
            Move(assignments_, *request, AssignmentState::kCompleted, caller.now(), options),
            response);
      });
}

grpc::Status OrderService::CancelAssignment(
    grpc::ServerContext* context, const v1::CancelAssignmentRequest* request,
    v1::CancelAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/CancelAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        storage::TransitionOptions options;
        options.cancelled_by = static_cast<domain::CancelledBy>(request->cancelled_by());
        options.cancel_reason = static_cast<domain::CancelReason>(request->reason());
        if (absl::Status s = domain::CheckCancelledBy(options.cancelled_by); !s.ok()) return s;
        if (absl::Status s =
                domain::CheckCancelReason(options.cancelled_by, options.cancel_reason, "reason");
            !s.ok()) {
          return s;
        }
        auto drops = domain::DropsPlace(
            options.cancelled_by, static_cast<domain::PlaceAfterCancel>(request->place()), "place");
        if (!drops.ok()) return drops.status();
        options.drop_place = *drops;
        if (absl::Status s =
                domain::CheckOwnSide(caller.principal().role, options.cancelled_by, "cancelled_by");
            !s.ok()) {
          return s;
        }
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok())
          return s;
        return Reply(
            caller,
            Move(assignments_, *request, AssignmentState::kCancelled, caller.now(), options),
            response);
      });
}

grpc::Status OrderService::GetAssignment(
    grpc::ServerContext* context, const v1::GetAssignmentRequest* request,
    v1::GetAssignmentResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/GetAssignment", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto key = KeyOf(request->name(), "name");
        if (!key.ok()) return key.status();
        auto assignment = assignments_.GetAssignment(*key, caller.now());
        if (!assignment.ok()) return assignment.status();
        // An expert's is checked on what was just read; an orderer's needs the order.
        if (absl::Status s = caller.self_only()
                                 ? caller.MaySee(request->name(), "", assignment->expert_id)
                                 : MaySeeAssignment(store_, assignments_, caller, request->name());
            !s.ok()) {
          return s;
        }
        return Reply(caller, assignment, response);
      });
}

grpc::Status OrderService::ListAssignments(
    grpc::ServerContext* context, const v1::ListAssignmentsRequest* request,
    v1::ListAssignmentsResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/ListAssignments", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        // "exchanges/{e}/orders/{o}" or "exchanges/{e}/orders/-" for all orders.
        std::string parent = request->parent();
        std::string order_id;
        std::string exchange_id;
        if (absl::EndsWith(parent, "/orders/-")) {
          auto ex = domain::ParseExchangeName(parent.substr(0, parent.size() - 9), "parent");
          if (!ex.ok()) return ex.status();
          exchange_id = *ex;
        } else {
          auto order = domain::ParseChildName(parent, "orders", "parent");
          if (!order.ok()) return order.status();
          exchange_id = order->exchange_id;
          order_id = order->id;
        }
        auto query = domain::ParseListQuery(
            parent, "assignments", request->page_size(), request->page_token(), request->filter(),
            domain::AssignmentFilterFields());
        if (!query.ok()) return query.status();
        if (caller.organization_only()) {
          // One of its organization's orders at a time.
          if (order_id.empty()) {
            return absl::PermissionDeniedError(
                "an ORDERER_SYSTEM key lists the assignments of one order at a time");
          }
          auto order = store_.GetOrder({exchange_id, order_id});
          if (!order.ok()) return order.status();
          if (absl::Status s = MaySeeOrder(assignments_, caller, *order, parent); !s.ok()) return s;
        }
        if (caller.self_only()) query->terms.push_back({"expert", caller.principal().expert_id});
        auto page = assignments_.ListAssignments(exchange_id, order_id, *query, caller.now());
        if (!page.ok()) return page.status();
        for (const auto& a : page->items) *response->add_assignments() = View(caller, a);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status OrderService::SubmitFeedback(
    grpc::ServerContext* context, const v1::SubmitFeedbackRequest* request,
    v1::SubmitFeedbackResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/SubmitFeedback", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto key = KeyOf(request->parent(), "parent");
        if (!key.ok()) return key.status();
        domain::Feedback feedback = FromProto(request->feedback());
        if (absl::Status s =
                domain::CheckOwnSide(caller.principal().role, feedback.source, "feedback.source");
            !s.ok()) {
          return s;
        }
        if (absl::Status s = MaySeeAssignment(store_, assignments_, caller, request->parent());
            !s.ok())
          return s;
        FieldViolations v;
        domain::ValidateFeedback(feedback, "feedback", v);
        if (!v.empty()) return v.ToStatus();
        auto stored = assignments_.SubmitFeedback(*key, std::move(feedback), caller.now());
        if (!stored.ok()) return stored.status();
        *response->mutable_feedback() = ToProto(*stored);
        response->mutable_feedback()->set_name(absl::StrCat(
            request->parent(), "/feedback/",
            absl::AsciiStrToLower(domain::EnumName(stored->source))));
        return absl::OkStatus();
      });
}

grpc::Status OrderService::GetFeeSchedule(
    grpc::ServerContext* context, const v1::GetFeeScheduleRequest* request,
    v1::GetFeeScheduleResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/GetFeeSchedule", "name", request->name(),
      [&](Caller&) -> absl::Status {
        absl::string_view name = request->name();
        if (!absl::ConsumeSuffix(&name, "/feeSchedule")) {
          return domain::InvalidField("name", "must be exchanges/{exchange}/feeSchedule");
        }
        auto exchange_id = domain::ParseExchangeName(name, "name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto schedule = fees_.GetFeeSchedule(*exchange_id);
        if (schedule.ok()) *response->mutable_fee_schedule() = ToProto(*schedule);
        return schedule.status();
      });
}

grpc::Status OrderService::UpdateFeeSchedule(
    grpc::ServerContext* context, const v1::UpdateFeeScheduleRequest* request,
    v1::UpdateFeeScheduleResponse* response) {
  return guard_.Run(
      context, *request, "OrderService/UpdateFeeSchedule", "fee_schedule.name",
      request->fee_schedule().name(), [&](Caller&) -> absl::Status {
        absl::string_view name = request->fee_schedule().name();
        if (!absl::ConsumeSuffix(&name, "/feeSchedule")) {
          return domain::InvalidField(
              "fee_schedule.name", "must be exchanges/{exchange}/feeSchedule");
        }
        auto exchange_id = domain::ParseExchangeName(name, "fee_schedule.name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto revision = domain::ParseEtag(request->fee_schedule().etag(), "fee_schedule.etag");
        if (!revision.ok()) return revision.status();
        const domain::FeeSchedule given = FromProto(request->fee_schedule());
        // The rules as sent, named by their place in the request; then the
        // schedule they make with the stored rules.
        FieldViolations v;
        domain::ValidateFeeSchedule(given, "fee_schedule", v);
        if (!v.empty()) return v.ToStatus();
        const std::vector<std::string> paths(
            request->update_mask().paths().begin(), request->update_mask().paths().end());
        auto stored = fees_.UpdateFeeSchedule(
            *exchange_id, *revision,
            [&](const domain::FeeSchedule& current) -> absl::StatusOr<domain::FeeSchedule> {
              auto merged = domain::MergeFeeSchedule(current, given, paths);
              if (!merged.ok()) return merged.status();
              FieldViolations after;
              domain::ValidateFeeSchedule(*merged, "fee_schedule", after);
              if (!after.empty()) return after.ToStatus();
              return merged;
            });
        if (stored.ok()) *response->mutable_fee_schedule() = ToProto(*stored);
        return stored.status();
      });
}

}  // namespace kokemus::rpc
