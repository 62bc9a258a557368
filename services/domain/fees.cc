#include "services/domain/fees.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

// Entries sorted by valid_from: the one valid on `date` is the last not after it.
template <typename T>
const T* ValidOn(
    const std::vector<T>& entries, absl::string_view date,
    const std::function<bool(const T&)>& match) {
  const T* best = nullptr;
  for (const T& e : entries) {
    if (!match(e) || e.valid_from > date) continue;
    if (best == nullptr || e.valid_from > best->valid_from) best = &e;
  }
  return best;
}

// Each entry's date, and no two entries with the same `key` (the date, and
// for role rules the role): one violation per repeat, found in linear time.
// False when the list is too long to check at all.
template <typename T, typename Key>
bool CheckDatedEntries(
    const std::vector<T>& entries, const std::string& path, Key key, absl::string_view repeat,
    FieldViolations& v) {
  if (entries.size() > kMaxScheduleEntries) {
    v.Add(path, absl::StrCat("must have at most ", kMaxScheduleEntries, " entries"));
    return false;
  }
  std::set<decltype(key(entries.front()))> seen;
  for (size_t i = 0; i < entries.size(); ++i) {
    CheckDate(entries[i].valid_from, Indexed(path, i) + ".valid_from", v);
    if (!seen.insert(key(entries[i])).second) v.Add(Indexed(path, i), std::string(repeat));
  }
  return true;
}

}  // namespace

void ValidateFeeSchedule(const FeeSchedule& s, absl::string_view prefix, FieldViolations& v) {
  const std::string roles = FieldPath(prefix, "role_rules");
  const bool roles_checked = CheckDatedEntries(
      s.role_rules, roles,
      [](const RoleFeeRule& r) { return std::make_pair(static_cast<int>(r.role), r.valid_from); },
      "another rule has the same role and valid_from", v);
  for (size_t i = 0; roles_checked && i < s.role_rules.size(); ++i) {
    const RoleFeeRule& r = s.role_rules[i];
    const std::string at = absl::StrCat(roles, "[", i, "]");
    CheckRequiredEnum(r.role, at + ".role", v);
    CheckRequiredEnum(r.kind, at + ".kind", v);
    CheckRange(r.amount_cents, 0, 1'000'000, at + ".amount_cents", v);
    CheckRange(r.minimum_cents, 0, 1'000'000, at + ".minimum_cents", v);
  }
  const std::string travel = FieldPath(prefix, "travel_rates");
  const bool travel_checked = CheckDatedEntries(
      s.travel_rates, travel, [](const TravelRate& r) { return r.valid_from; },
      "another rate has the same valid_from", v);
  for (size_t i = 0; travel_checked && i < s.travel_rates.size(); ++i) {
    CheckRange(
        s.travel_rates[i].cents_per_km, 0, 1000, absl::StrCat(travel, "[", i, "].cents_per_km"), v);
  }
  const std::string cancel = FieldPath(prefix, "cancellation_rules");
  const bool cancel_checked = CheckDatedEntries(
      s.cancellation_rules, cancel, [](const CancellationRule& r) { return r.valid_from; },
      "another rule has the same valid_from", v);
  for (size_t i = 0; cancel_checked && i < s.cancellation_rules.size(); ++i) {
    const CancellationRule& c = s.cancellation_rules[i];
    const std::string at = absl::StrCat(cancel, "[", i, "]");
    CheckRange(c.orderer_notice_days, 0, 365, at + ".orderer_notice_days", v);
    CheckRange(c.orderer_late_percent, 0, 100, at + ".orderer_late_percent", v);
    CheckRange(c.expert_percent, 0, 100, at + ".expert_percent", v);
    CheckRange(c.exchange_percent, 0, 100, at + ".exchange_percent", v);
    if (c.orderer_tiers.size() > static_cast<size_t>(kMaxNoticeTiers)) {
      v.Add(at + ".orderer_tiers", absl::StrCat("must have at most ", kMaxNoticeTiers, " entries"));
    }
    for (size_t t = 0; t < c.orderer_tiers.size(); ++t) {
      const NoticeTier& tier = c.orderer_tiers[t];
      const std::string tier_at = absl::StrCat(at, ".orderer_tiers[", t, "]");
      CheckRange(tier.notice_days, 1, 365, tier_at + ".notice_days", v);
      CheckRange(tier.percent, 0, 100, tier_at + ".percent", v);
      bool repeated = c.orderer_notice_days > 0 && tier.notice_days == c.orderer_notice_days;
      for (size_t u = 0; u < t; ++u) {
        repeated = repeated || c.orderer_tiers[u].notice_days == tier.notice_days;
      }
      if (repeated) {
        v.Add(tier_at + ".notice_days", "is given twice: each step needs its own number of days");
      }
    }
  }
}

namespace {

// `into` takes each entry of `given`: in place of the one with the same key,
// or at the end.
template <typename T, typename KeyOf>
void MergeByKey(std::vector<T>& into, const std::vector<T>& given, KeyOf key_of) {
  for (const T& entry : given) {
    auto same = std::find_if(
        into.begin(), into.end(), [&](const T& e) { return key_of(e) == key_of(entry); });
    if (same != into.end()) {
      *same = entry;
    } else {
      into.push_back(entry);
    }
  }
}

}  // namespace

absl::StatusOr<FeeSchedule> MergeFeeSchedule(
    const FeeSchedule& current, const FeeSchedule& patch, const std::vector<std::string>& paths) {
  FeeSchedule out = current;
  if (paths.size() == 1 && paths[0] == "*") {
    out.role_rules = patch.role_rules;
    out.travel_rates = patch.travel_rates;
    out.cancellation_rules = patch.cancellation_rules;
    return out;
  }
  if (paths.empty()) {
    MergeByKey(out.role_rules, patch.role_rules, [](const RoleFeeRule& r) {
      return std::make_pair(r.role, r.valid_from);
    });
    MergeByKey(
        out.travel_rates, patch.travel_rates, [](const TravelRate& r) { return r.valid_from; });
    MergeByKey(out.cancellation_rules, patch.cancellation_rules, [](const CancellationRule& r) {
      return r.valid_from;
    });
    return out;
  }
  FieldViolations v;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (paths[i] == "role_rules") {
      out.role_rules = patch.role_rules;
    } else if (paths[i] == "travel_rates") {
      out.travel_rates = patch.travel_rates;
    } else if (paths[i] == "cancellation_rules") {
      out.cancellation_rules = patch.cancellation_rules;
    } else {
      v.Add(
          absl::StrCat("update_mask.paths[", i, "]"),
          paths[i] == "*" ? "\"*\" must be the only path" : "not an updatable field");
    }
  }
  if (!v.empty()) return v.ToStatus();
  return out;
}

const RoleFeeRule* RuleFor(const FeeSchedule& s, Role role, absl::string_view date) {
  return ValidOn<RoleFeeRule>(
      s.role_rules, date, [role](const RoleFeeRule& r) { return r.role == role; });
}

const TravelRate* TravelRateFor(const FeeSchedule& s, absl::string_view date) {
  return ValidOn<TravelRate>(s.travel_rates, date, [](const TravelRate&) { return true; });
}

const CancellationRule* CancellationRuleFor(const FeeSchedule& s, absl::string_view date) {
  return ValidOn<CancellationRule>(
      s.cancellation_rules, date, [](const CancellationRule&) { return true; });
}

absl::StatusOr<FeeQuote> QuoteFee(
    const FeeSchedule& schedule, const Order& order, int minutes, PaymentMethod payment_method,
    int travel_km) {
  const std::string date = reference::HelsinkiDate(order.start_time);
  const RoleFeeRule* rule = RuleFor(schedule, order.role, date);
  if (rule == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the fee schedule has no rule for ", EnumName(order.role), " on ", date,
        "; set one with UpdateFeeSchedule"));
  }
  FeeQuote quote;
  if (rule->kind == FeeKind::kFixed) {
    quote.fee_cents = rule->amount_cents;
  } else {
    const int paid = minutes + (rule->preparation_paid ? order.preparation_minutes : 0);
    const int64_t half_hours = (paid + 29) / 30;
    quote.fee_cents = std::max((rule->amount_cents * half_hours + 1) / 2, rule->minimum_cents);
  }
  if (payment_method == PaymentMethod::kFeeDeclined) {
    quote.declined_fee_cents = quote.fee_cents;
    quote.fee_cents = 0;
  }
  if (!order.remote) {
    quote.travel_km = travel_km;
    if (const TravelRate* rate = TravelRateFor(schedule, date)) {
      quote.travel_cents = rate->cents_per_km * travel_km * 2;
    }
  }
  return quote;
}

std::vector<NoticeTier> OrdererTiers(const CancellationRule& rule) {
  std::vector<NoticeTier> tiers;
  if (rule.orderer_notice_days > 0) {
    tiers.push_back({rule.orderer_notice_days, rule.orderer_late_percent});
  }
  tiers.insert(tiers.end(), rule.orderer_tiers.begin(), rule.orderer_tiers.end());
  std::stable_sort(tiers.begin(), tiers.end(), [](const NoticeTier& a, const NoticeTier& b) {
    return a.notice_days > b.notice_days;
  });
  return tiers;
}

int OrdererLatePercent(const CancellationRule& rule, absl::Duration notice) {
  int percent = 0;
  for (const NoticeTier& tier : OrdererTiers(rule)) {  // the longest notice first
    if (notice < absl::Hours(24) * tier.notice_days) percent = tier.percent;
  }
  return percent;
}

int64_t CancellationFee(
    const FeeSchedule& schedule, const Order& order, int64_t full_fee_cents, CancelledBy by,
    absl::Time cancel_time) {
  const CancellationRule* rule =
      CancellationRuleFor(schedule, reference::HelsinkiDate(order.start_time));
  if (rule == nullptr) return 0;
  int percent = 0;
  switch (by) {
    case CancelledBy::kOrderer:
      percent = OrdererLatePercent(*rule, order.start_time - cancel_time);
      break;
    case CancelledBy::kExpert:
      percent = rule->expert_percent;
      break;
    case CancelledBy::kExchange:
      percent = rule->exchange_percent;
      break;
    default:
      break;
  }
  return (full_fee_cents * percent + 50) / 100;
}

}  // namespace kokemus::domain
