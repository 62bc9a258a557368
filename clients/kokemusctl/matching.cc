// match rank ORDER: candidates with their score parts, then the excluded
// experts with the rule. match plan --from --to [--offer-deadline T]: the
// plan beside greedy's figures, turned into offers with a deadline.
// match settings [--WEIGHT N] [--rest-after-heavy-hours H]: show or change.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using M = v1::MatchingService::Stub;

int Rank(Session& s) {
  v1::RankExpertsRequest req;
  req.set_order(s.NameIn("orders"));
  if (auto n = s.TakeFlag("max-candidates")) {
    req.set_max_candidates(IntFlag("max-candidates", *n));
  }
  if (auto omit = s.TakeFlag("omit-excluded")) {
    req.set_omit_excluded(BoolFlag("omit-excluded", *omit));
  }
  s.RequireNoMoreFlags();
  const v1::RankExpertsResponse resp = s.Call(&M::RankExperts, req);
  return s.Print(resp, [&] {
    s.Table(
        resp, "candidates", {"expert", "display_name", "score", "parts", "fee_cents", "travel_km"});
    if (resp.excluded_size() > 0) {
      s.out() << "\nexcluded:\n";
      s.Table(resp, "excluded", {"expert", "display_name", "rule", "reason"});
    } else if (resp.exclusion_counts_size() > 0) {
      s.out() << "\nexcluded:\n";
      s.Table(resp, "exclusion_counts", {"rule", "count"});
    }
  });
}

std::string Figures(const v1::PlanQuality& q) {
  return absl::StrFormat(
      "%d places, score %.2f, objective %.2f, Gini %.3f, %d of %d experts", q.places_filled(),
      q.total_score(), q.objective(), q.gini(), q.experts_with_tasks(), q.eligible_experts());
}

int Plan(Session& s) {
  v1::PlanAssignmentsRequest req;
  req.set_parent(s.Parent());
  const auto from = s.TakeFlag("from");
  const auto to = s.TakeFlag("to");
  if (!from || !to) throw UsageError{"match plan needs --from and --to"};
  SetTimestamp(req.mutable_start_time(), ParseDayOrTime(*from, "from"));
  SetTimestamp(req.mutable_end_time(), ParseDayOrTime(*to, "to"));
  if (auto n = s.TakeFlag("candidates-per-order")) {
    req.set_candidates_per_order(IntFlag("candidates-per-order", *n));
  }
  const auto deadline = s.TakeFlag("offer-deadline");
  s.RequireNoMoreFlags();
  const v1::PlanAssignmentsResponse plan = s.Call(&M::PlanAssignments, req);
  v1::OfferPlanResponse offered;
  if (deadline && plan.proposals_size() > 0) {
    v1::OfferPlanRequest offer;
    offer.set_parent(s.Parent());
    *offer.mutable_proposals() = plan.proposals();
    SetTimestamp(offer.mutable_offer_deadline(), ParseTimestamp(*deadline, "offer-deadline"));
    offered = s.Call(&M::OfferPlan, offer);
  }
  if (s.json()) {
    PrintJson(plan, s.out());
    if (deadline) PrintJson(offered, s.out());
    return 0;
  }
  s.Table(
      plan, "proposals", {"order", "expert", "display_name", "score", "fee_cents", "travel_km"});
  s.out() << "\nopen orders " << plan.open_orders() << ", open places " << plan.open_places()
          << ", method " << v1::PlanMethod_Name(plan.method()) << "\n"
          << "plan:   " << Figures(plan.quality()) << "\n"
          << "greedy: " << Figures(plan.greedy()) << "\n";
  if (plan.unfilled_size() > 0) {
    s.out() << "\nunfilled:\n";
    s.Table(plan, "unfilled", {"order", "places", "candidates"});
  }
  if (deadline) {
    s.out() << "\noffered " << offered.assignments_size() << ":\n";
    s.Table(offered, "assignments", {"name", "expert", "state", "offer_deadline"});
  }
  return 0;
}

int Settings(Session& s) {
  v1::GetMatchingSettingsRequest get;
  get.set_name(absl::StrCat(s.Parent(), "/matchingSettings"));
  // Only the settings given change (named in the mask, so 0 is a value).
  v1::UpdateMatchingSettingsRequest update;
  v1::MatchingSettings& settings = *update.mutable_matching_settings();
  settings.set_name(get.name());
  google::protobuf::FieldMask& mask = *update.mutable_update_mask();
  v1::MatchingWeights* w = settings.mutable_weights();
  const std::pair<const char*, void (v1::MatchingWeights::*)(double)> weights[] = {
      {"experience", &v1::MatchingWeights::set_experience},
      {"role", &v1::MatchingWeights::set_role},
      {"travel", &v1::MatchingWeights::set_travel},
      {"fairness", &v1::MatchingWeights::set_fairness},
      {"preferred", &v1::MatchingWeights::set_preferred},
      {"feedback", &v1::MatchingWeights::set_feedback}};
  for (const auto& [flag, set] : weights) {
    if (auto value = s.TakeFlag(flag)) {
      double d = 0;
      if (!absl::SimpleAtod(*value, &d)) {
        throw UsageError{absl::StrCat("--", flag, " must be a number")};
      }
      (w->*set)(d);
      mask.add_paths(absl::StrCat("weights.", flag));
    }
  }
  if (auto hours = s.TakeFlag("rest-after-heavy-hours")) {
    settings.set_rest_after_heavy_hours(IntFlag("rest-after-heavy-hours", *hours));
    mask.add_paths("rest_after_heavy_hours");
  }
  // The offer rounds' defaults: --offer-strategy pool, --round-size N,
  // --tier-interval-minutes M, --answer-window-minutes M.
  if (const Flags rest = s.TakeFlags(); !rest.empty()) {
    for (const std::string& field : SetFields(rest, &settings)) mask.add_paths(field);
  }
  if (mask.paths().empty()) return s.Show(&M::GetMatchingSettings, get);
  if (!s.command().etag.empty()) settings.set_etag(s.command().etag);
  return s.Show(&M::UpdateMatchingSettings, update);
}

}  // namespace

int MatchCommand(Session& s) {
  if (s.verb() == "rank") return Rank(s);
  if (s.verb() == "plan") return Plan(s);
  if (s.verb() == "settings") return Settings(s);
  throw UsageError{"match verbs: rank, plan, settings"};
}

}  // namespace kokemus::cli
