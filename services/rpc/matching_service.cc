#include "services/rpc/matching_service.h"

#include <map>

#include "absl/time/clock.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/rpc/handler.h"

namespace kokemus::rpc {
namespace {

static_assert(static_cast<int>(domain::ExclusionRule::kEarningsLimit) + 1 ==
              v1::EXCLUSION_RULE_EARNINGS_LIMIT);

}  // namespace

grpc::Status MatchingService::RankExperts(grpc::ServerContext*,
                                          const v1::RankExpertsRequest* request,
                                          v1::RankExpertsResponse* response) {
  return Guarded([&]() -> absl::Status {
    const absl::Time started = absl::Now();
    auto name = domain::ParseChildName(request->order(), "orders", "order");
    if (!name.ok()) return name.status();
    auto order = orders_.GetOrder({name->exchange_id, name->id});
    if (!order.ok()) return order.status();
    auto exchange = registry_.Get<domain::Exchange>({"", name->exchange_id});
    if (!exchange.ok()) return exchange.status();
    auto schedule = orders_.GetFeeSchedule(name->exchange_id);
    if (!schedule.ok()) return schedule.status();

    std::vector<domain::ExpertRecord> records;
    auto query = domain::ParseListQuery(domain::ExchangeName(name->exchange_id),
                                        domain::kMaxPageSize, "", "", {});
    if (!query.ok()) return query.status();
    while (true) {
      auto page = registry_.List<domain::Expert>(*query);
      if (!page.ok()) return page.status();
      for (auto& e : page->items) {
        domain::ExpertRecord record;
        record.expert = std::move(e);
        records.push_back(std::move(record));
      }
      if (page->next_page_token.empty()) break;
      query = domain::ParseListQuery(query->scope, domain::kMaxPageSize,
                                     page->next_page_token, "", {});
      if (!query.ok()) return query.status();
    }
    if (absl::Status s = orders_.FillActivity(name->exchange_id, order->organization_id,
                                              started, records);
        !s.ok()) {
      return s;
    }
    domain::MatchingSettings settings;
    settings.travel_buffer = absl::Minutes(exchange->travel_buffer_minutes);
    const domain::Ranking ranking = domain::RankExperts(*order, records, settings, *schedule);

    std::map<std::string, std::string> names;
    for (const auto& r : records) names[r.expert.id] = r.expert.display_name;
    for (const auto& c : ranking.candidates) {
      v1::RankedExpert* out = response->add_candidates();
      out->set_expert(domain::ChildResourceName(name->exchange_id, "experts", c.expert_id));
      out->set_display_name(names[c.expert_id]);
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
      out->set_display_name(names[x.expert_id]);
      out->set_rule(static_cast<v1::ExclusionRule>(static_cast<int>(x.rule) + 1));
      out->set_reason(x.reason);
    }
    if (metrics_ != nullptr) {
      metrics_->RecordOperation("matching", absl::ToDoubleSeconds(absl::Now() - started));
    }
    return absl::OkStatus();
  });
}

}  // namespace kokemus::rpc
