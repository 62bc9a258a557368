#include "services/rpc/matching_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/planner.h"
#include "services/rpc/convert.h"
#include "services/rpc/handler.h"
#include "services/rpc/request_checks.h"

namespace kokemus::rpc {
namespace {

using domain::FieldViolations;

static_assert(
    static_cast<int>(domain::ExclusionRule::kEarningsLimit) + 1 ==
    v1::EXCLUSION_RULE_EARNINGS_LIMIT);
static_assert(domain::kExclusionRuleCount == v1::ExclusionRule_ARRAYSIZE - 1);

constexpr int kDefaultCandidatesPerOrder = 20;
constexpr int kMaxCandidatesPerOrder = 100;
constexpr int kMaxPlanDays = 92;
constexpr int kMaxProposals = 5000;
// The planner's share of a call without a deadline, and the most it takes.
constexpr absl::Duration kPlanTimeLimit = absl::Seconds(30);

// The experts of MatchingData come by id.
const domain::Expert* FindExpert(const storage::MatchingData& data, const std::string& id) {
  auto it = std::lower_bound(
      data.experts.begin(), data.experts.end(), id,
      [](const domain::ExpertRecord& r, const std::string& key) { return r.expert.id < key; });
  return it != data.experts.end() && it->expert.id == id ? &it->expert : nullptr;
}

std::string DisplayName(const storage::MatchingData& data, const std::string& id) {
  const domain::Expert* e = FindExpert(data, id);
  return e == nullptr ? "" : e->display_name;
}

v1::MatchingSettings SettingsToProto(
    const std::string& exchange_id, const domain::MatchingSettings& s) {
  v1::MatchingSettings p;
  p.set_name(absl::StrCat(domain::ExchangeName(exchange_id), "/matchingSettings"));
  v1::MatchingWeights* w = p.mutable_weights();
  w->set_experience(s.weight_experience);
  w->set_role(s.weight_role);
  w->set_travel(s.weight_travel);
  w->set_fairness(s.weight_fairness);
  w->set_preferred(s.weight_preferred);
  w->set_feedback(s.weight_feedback);
  p.set_rest_after_heavy_hours(static_cast<int32_t>(absl::ToInt64Hours(s.rest_after_heavy)));
  p.set_offer_strategy(static_cast<v1::OfferStrategy>(s.offer_strategy));
  p.set_round_size(s.round_size);
  p.set_tier_interval_minutes(static_cast<int32_t>(absl::ToInt64Minutes(s.tier_interval)));
  p.set_answer_window_minutes(static_cast<int32_t>(absl::ToInt64Minutes(s.answer_window)));
  p.set_etag(domain::FormatEtag(s.revision));
  if (s.revision > 0) *p.mutable_update_time() = ToProto(s.update_time);
  return p;
}

absl::StatusOr<std::string> SettingsExchange(absl::string_view name, absl::string_view field) {
  if (!absl::ConsumeSuffix(&name, "/matchingSettings")) {
    return domain::InvalidField(
        std::string(field), "must be exchanges/{exchange}/matchingSettings");
  }
  return domain::ParseExchangeName(name, field);
}

v1::PlanQuality QualityToProto(const domain::PlanQuality& q) {
  v1::PlanQuality p;
  p.set_places_filled(q.places_filled);
  p.set_total_score(q.total_score);
  p.set_objective(q.objective);
  p.set_gini(q.gini);
  p.set_experts_with_tasks(q.experts_with_tasks);
  p.set_eligible_experts(q.eligible_experts);
  return p;
}

// The orders to plan with the candidates the hard rules allow for each on
// its own: those with an offer or a place on the order already left out,
// the best `per_order` kept (0: all).
std::vector<domain::PlanOrder> PlanOrders(
    std::vector<storage::OpenOrder> open, const storage::MatchingData& data, int per_order,
    absl::Time now) {
  std::vector<domain::PlanOrder> orders;
  for (storage::OpenOrder& o : open) {
    if (o.open_places <= 0) continue;
    domain::Ranking ranking = domain::RankExpertsIndexed(
        o.order, data.experts, data.index, data.settings, data.schedule, now);
    domain::PlanOrder p;
    p.order = std::move(o.order);
    p.open_places = o.open_places;
    for (domain::Candidate& c : ranking.candidates) {
      if (std::find(o.engaged_experts.begin(), o.engaged_experts.end(), c.expert_id) !=
          o.engaged_experts.end()) {
        continue;
      }
      if (per_order > 0 && static_cast<int>(p.candidates.size()) >= per_order) break;
      p.candidates.push_back(std::move(c));
    }
    orders.push_back(std::move(p));
  }
  return orders;
}

}  // namespace

grpc::Status MatchingService::RankExperts(
    grpc::ServerContext* context, const v1::RankExpertsRequest* request,
    v1::RankExpertsResponse* response) {
  return guard_.Run(
      context, *request, "MatchingService/RankExperts", "order", request->order(),
      [&](Caller& caller) -> absl::Status {
        const absl::Time started = absl::Now();
        auto name = domain::ParseChildName(request->order(), "orders", "order");
        if (!name.ok()) return name.status();
        if (request->max_candidates() < 0) {
          return domain::InvalidField("max_candidates", "must not be negative");
        }
        // Upcoming orders are in the matching data; others are read with the counter.
        absl::StatusOr<std::shared_ptr<const storage::MatchingData>> data =
            matching_.RecentData(name->exchange_id);
        absl::StatusOr<domain::Order> order = absl::NotFoundError("");
        if (data.ok()) {
          auto it = (*data)->upcoming_orders.find(name->id);
          if (it != (*data)->upcoming_orders.end()) order = it->second;
        }
        if (!order.ok()) {
          int64_t version = 0;
          order = orders_.GetOrderForMatching({name->exchange_id, name->id}, &version);
          if (!order.ok()) return order.status();
          data = matching_.Data(name->exchange_id, version);
        }
        if (!data.ok()) return data.status();
        const storage::MatchingData& d = **data;
        const domain::Ranking ranking =
            request->omit_excluded()
                ? domain::RankExpertsIndexed(
                      *order, d.experts, d.index, d.settings, d.schedule, started)
                : domain::RankExperts(*order, d.experts, d.settings, d.schedule, started, true);

        response->set_total_candidates(static_cast<int32_t>(ranking.candidates.size()));
        for (const auto& c : ranking.candidates) {
          if (request->max_candidates() > 0 &&
              response->candidates_size() >= request->max_candidates()) {
            break;
          }
          v1::RankedExpert* out = response->add_candidates();
          out->set_expert(domain::ChildResourceName(name->exchange_id, "experts", c.expert_id));
          out->set_display_name(DisplayName(d, c.expert_id));
          out->set_score(c.score);
          out->mutable_parts()->set_experience(c.parts.experience);
          out->mutable_parts()->set_role(c.parts.role);
          out->mutable_parts()->set_travel(c.parts.travel);
          out->mutable_parts()->set_fairness(c.parts.fairness);
          out->mutable_parts()->set_preferred(c.parts.preferred);
          out->mutable_parts()->set_feedback(c.parts.feedback);
          out->set_fee_cents(c.fee_cents);
          out->set_travel_km(c.travel_km);
        }
        for (const auto& x : ranking.excluded) {
          v1::ExcludedExpert* out = response->add_excluded();
          out->set_expert(domain::ChildResourceName(name->exchange_id, "experts", x.expert_id));
          out->set_display_name(DisplayName(d, x.expert_id));
          out->set_rule(static_cast<v1::ExclusionRule>(static_cast<int>(x.rule) + 1));
          out->set_reason(x.reason);
        }
        for (int rule = 0; rule < domain::kExclusionRuleCount; ++rule) {
          if (ranking.excluded_by_rule[rule] == 0) continue;
          v1::ExclusionCount* count = response->add_exclusion_counts();
          count->set_rule(static_cast<v1::ExclusionRule>(rule + 1));
          count->set_count(ranking.excluded_by_rule[rule]);
        }
        if (metrics_ != nullptr) {
          metrics_->RecordOperation("matching", absl::ToDoubleSeconds(absl::Now() - started));
        }
        return absl::OkStatus();
      });
}

grpc::Status MatchingService::PlanAssignments(
    grpc::ServerContext* context, const v1::PlanAssignmentsRequest* request,
    v1::PlanAssignmentsResponse* response) {
  return guard_.Run(
      context, *request, "MatchingService/PlanAssignments", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        const absl::Time started = absl::Now();
        FieldViolations v;
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        if (!request->has_start_time()) v.Add("start_time", "is required");
        if (!request->has_end_time()) v.Add("end_time", "is required");
        const absl::Time from = FromProto(request->start_time());
        const absl::Time to = FromProto(request->end_time());
        if (request->has_start_time() && request->has_end_time()) {
          if (to <= from) {
            v.Add("end_time", "must be after start_time");
          } else if (to - from > absl::Hours(24 * kMaxPlanDays)) {
            v.Add(
                "end_time",
                absl::StrCat("must be at most ", kMaxPlanDays, " days after start_time"));
          }
        }
        const int per_order = request->candidates_per_order() == 0
                                  ? kDefaultCandidatesPerOrder
                                  : request->candidates_per_order();
        if (per_order < 1 || per_order > kMaxCandidatesPerOrder) {
          v.Add("candidates_per_order", absl::StrCat("must be from 1 to ", kMaxCandidatesPerOrder));
        }
        if (!v.empty()) return v.ToStatus();

        auto open = matching_.OpenOrders(*exchange_id, from, to, started);
        if (!open.ok()) return open.status();
        auto data = matching_.Data(*exchange_id);
        if (!data.ok()) return data.status();
        const storage::MatchingData& d = **data;
        response->set_open_orders(static_cast<int32_t>(open->size()));
        for (const auto& o : *open)
          response->set_open_places(response->open_places() + std::max(0, o.open_places));
        const std::vector<domain::PlanOrder> orders =
            PlanOrders(*std::move(open), d, per_order, started);

        // Leave the call's deadline (the caller's, or the server's default) a
        // second for the reply.
        const absl::Duration limit =
            std::min(kPlanTimeLimit, caller.deadline() - absl::Now() - absl::Seconds(1));
        const domain::Plan plan = domain::PlanAssignments(
            orders, d.experts, d.settings, std::max(limit, absl::Milliseconds(200)));

        std::vector<int> filled(orders.size(), 0);
        for (const domain::Proposal& p : plan.proposals) {
          ++filled[p.order_index];
          v1::PlannedAssignment* out = response->add_proposals();
          out->set_order(
              domain::ChildResourceName(*exchange_id, "orders", orders[p.order_index].order.id));
          out->set_expert(domain::ChildResourceName(*exchange_id, "experts", p.expert_id));
          out->set_display_name(DisplayName(d, p.expert_id));
          out->set_score(p.score);
          out->set_fee_cents(p.fee_cents);
          out->set_travel_km(p.travel_km);
        }
        for (size_t i = 0; i < orders.size(); ++i) {
          if (filled[i] >= orders[i].open_places) continue;
          v1::UnfilledOrder* u = response->add_unfilled();
          u->set_order(domain::ChildResourceName(*exchange_id, "orders", orders[i].order.id));
          u->set_places(orders[i].open_places - filled[i]);
          u->set_candidates(static_cast<int32_t>(orders[i].candidates.size()));
        }
        *response->mutable_quality() = QualityToProto(plan.quality);
        *response->mutable_greedy() = QualityToProto(plan.greedy);
        response->set_method(
            plan.method == domain::PlanMethod::kOptimal     ? v1::PLAN_METHOD_OPTIMAL
            : plan.method == domain::PlanMethod::kTimeLimit ? v1::PLAN_METHOD_TIME_LIMIT
                                                            : v1::PLAN_METHOD_GREEDY);
        if (metrics_ != nullptr) {
          metrics_->RecordOperation("planning", absl::ToDoubleSeconds(absl::Now() - started));
        }
        return absl::OkStatus();
      });
}

grpc::Status MatchingService::OfferPlan(
    grpc::ServerContext* context, const v1::OfferPlanRequest* request,
    v1::OfferPlanResponse* response) {
  return guard_.Run(
      context, *request, "MatchingService/OfferPlan", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        const absl::Time now = caller.now();
        FieldViolations v;
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        if (!request->has_offer_deadline()) {
          v.Add("offer_deadline", "is required");
        } else {
          v.Add(domain::CheckOfferDeadlineAhead(FromProto(request->offer_deadline()), now));
        }
        if (request->proposals().empty()) v.Add("proposals", "must not be empty");
        if (request->proposals_size() > kMaxProposals) {
          v.Add("proposals", absl::StrCat("must have at most ", kMaxProposals, " entries"));
        }
        struct Wanted {
          std::string order_id;
          std::string expert_id;
        };
        std::vector<Wanted> wanted;
        std::set<std::pair<std::string, std::string>> seen;
        for (int i = 0; i < request->proposals_size(); ++i) {
          const auto& p = request->proposals(i);
          const std::string prefix = absl::StrCat("proposals[", i, "].");
          auto order = domain::ParseChildName(p.order(), "orders", prefix + "order");
          auto expert = domain::ParseChildName(p.expert(), "experts", prefix + "expert");
          if (!order.ok()) v.Add(prefix + "order", "must be exchanges/{exchange}/orders/{order}");
          if (!expert.ok())
            v.Add(prefix + "expert", "must be exchanges/{exchange}/experts/{expert}");
          if (!order.ok() || !expert.ok()) continue;
          // Another exchange's objects are invisible here.
          if (order->exchange_id != *exchange_id)
            return absl::NotFoundError(absl::StrCat(p.order(), " not found"));
          if (expert->exchange_id != *exchange_id)
            return absl::NotFoundError(absl::StrCat(p.expert(), " not found"));
          if (!seen.insert({order->id, expert->id}).second) {
            v.Add(prefix + "expert", "is proposed twice for the same order");
          }
          wanted.push_back({order->id, expert->id});
        }
        if (!v.empty()) return v.ToStatus();
        const absl::Time deadline = FromProto(request->offer_deadline());

        // The orders as they are now, each still OPEN.
        std::map<std::string, domain::Order> by_id;
        absl::Time first = absl::InfiniteFuture(), last = absl::InfinitePast();
        for (const Wanted& w : wanted) {
          if (by_id.count(w.order_id)) continue;
          auto order = orders_.GetOrder({*exchange_id, w.order_id});
          if (!order.ok()) return order.status();
          const std::string order_name =
              domain::ChildResourceName(*exchange_id, "orders", w.order_id);
          if (absl::Status s = domain::CheckOrderTakesOffers(*order); !s.ok()) {
            return absl::Status(s.code(), absl::StrCat(order_name, ": ", s.message()));
          }
          if (absl::Status s = domain::CheckOfferDeadline(deadline, *order, now); !s.ok()) {
            // One deadline for every proposal: the violation says which order it misses.
            FieldViolations named;
            for (const auto& [field, description] : domain::ViolationsOf(s)) {
              named.Add(field, absl::StrCat(description, " (", order_name, ")"));
            }
            return named.ToStatus();
          }
          first = std::min(first, order->start_time);
          last = std::max(last, order->start_time);
          by_id.emplace(w.order_id, *std::move(order));
        }
        auto open = matching_.OpenOrders(*exchange_id, first, last + absl::Microseconds(1), now);
        if (!open.ok()) return open.status();
        std::erase_if(*open, [&](const storage::OpenOrder& o) { return !by_id.count(o.order.id); });
        auto data = matching_.Data(*exchange_id);
        if (!data.ok()) return data.status();
        const std::vector<domain::PlanOrder> orders = PlanOrders(*std::move(open), **data, 0, now);
        std::map<std::string, size_t> index;
        for (size_t i = 0; i < orders.size(); ++i) index[orders[i].order.id] = i;
        std::vector<domain::Proposal> proposals;
        for (const Wanted& w : wanted) {
          auto it = index.find(w.order_id);
          if (it == index.end()) {
            return absl::FailedPreconditionError(absl::StrCat(
                domain::ChildResourceName(*exchange_id, "orders", w.order_id),
                " has no open places left"));
          }
          proposals.push_back({it->second, w.expert_id, 0, 0, 0});
        }
        const std::vector<std::string> problems =
            domain::CheckPlan(orders, (*data)->experts, (*data)->settings, proposals);
        if (!problems.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("the plan no longer holds: ", absl::StrJoin(problems, "; ")));
        }
        std::vector<domain::Assignment> offers;
        for (const Wanted& w : wanted) {
          domain::Assignment a;
          a.exchange_id = *exchange_id;
          a.order_id = w.order_id;
          a.id = domain::GenerateId();
          a.expert_id = w.expert_id;
          a.offer_deadline = deadline;
          offers.push_back(std::move(a));
        }
        size_t failed = 0;
        auto made = assignments_.OfferAll(std::move(offers), now, &failed);
        if (!made.ok()) {
          // Each offer's own rule failed (the data changed since the checks above).
          return absl::Status(
              made.status().code(),
              absl::StrCat("proposals[", failed, "]: ", made.status().message()));
        }
        for (const domain::Assignment& a : *made) *response->add_assignments() = ToProto(a);
        return absl::OkStatus();
      });
}

grpc::Status MatchingService::GetMatchingSettings(
    grpc::ServerContext* context, const v1::GetMatchingSettingsRequest* request,
    v1::GetMatchingSettingsResponse* response) {
  return guard_.Run(
      context, *request, "MatchingService/GetMatchingSettings", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = SettingsExchange(request->name(), "name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto settings = matching_.GetSettings(*exchange_id);
        if (!settings.ok()) return settings.status();
        *response->mutable_matching_settings() = SettingsToProto(*exchange_id, *settings);
        return absl::OkStatus();
      });
}

grpc::Status MatchingService::UpdateMatchingSettings(
    grpc::ServerContext* context, const v1::UpdateMatchingSettingsRequest* request,
    v1::UpdateMatchingSettingsResponse* response) {
  return guard_.Run(
      context, *request, "MatchingService/UpdateMatchingSettings", "matching_settings.name",
      request->matching_settings().name(), [&](Caller& caller) -> absl::Status {
        const v1::MatchingSettings& in = request->matching_settings();
        auto exchange_id = SettingsExchange(in.name(), "matching_settings.name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto revision = domain::ParseEtag(in.etag(), "matching_settings.etag");
        if (!revision.ok()) return revision.status();
        const domain::UpdateMask mask = MaskOf(request->update_mask(), in, {"weights"});
        domain::MatchingSettings s;
        s.weight_experience = in.weights().experience();
        s.weight_role = in.weights().role();
        s.weight_travel = in.weights().travel();
        s.weight_fairness = in.weights().fairness();
        s.weight_preferred = in.weights().preferred();
        s.weight_feedback = in.weights().feedback();
        s.rest_after_heavy = absl::Hours(in.rest_after_heavy_hours());
        // Unset: no default strategy (TARGETED); an unknown one is refused.
        s.offer_strategy = in.offer_strategy() == v1::OFFER_STRATEGY_UNSPECIFIED
                               ? domain::OfferStrategy::kTargeted
                               : static_cast<domain::OfferStrategy>(in.offer_strategy());
        s.round_size = in.round_size();
        s.tier_interval = absl::Minutes(in.tier_interval_minutes());
        s.answer_window = absl::Minutes(in.answer_window_minutes());
        // An etag read from the defaults ("0") expects them still unchanged.
        auto stored = matching_.UpdateSettings(
            *exchange_id, in.etag().empty() ? -1 : *revision,
            [&](const domain::MatchingSettings& current)
                -> absl::StatusOr<domain::MatchingSettings> {
              domain::MatchingSettings updated = current;
              if (absl::Status m = domain::ApplyMatchingSettingsMask(s, mask, updated); !m.ok()) {
                return m;
              }
              FieldViolations v;
              domain::ValidateMatchingSettings(updated, "matching_settings.", v);
              if (!v.empty()) return v.ToStatus();
              return updated;
            });
        if (!stored.ok()) return stored.status();
        *response->mutable_matching_settings() = SettingsToProto(*exchange_id, *stored);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
