#include "services/domain/orders.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/domain/enum_names.h"
#include "services/reference/reference_data.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr double kRoadFactor = 1.3;
constexpr double kEarthRadiusKm = 6371.0;

std::string Path(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

template <typename E>
bool IsSet(E value) {
  return IsKnown(value) && static_cast<int>(value) != 0;
}

void CheckRange(int64_t value, int64_t lo, int64_t hi, std::string path,
                FieldViolations& v) {
  if (value < lo || value > hi) {
    v.Add(std::move(path), absl::StrCat("must be between ", lo, " and ", hi));
  }
}

void CheckLength(const std::string& text, size_t max, bool required, std::string path,
                 FieldViolations& v) {
  if (text.empty()) {
    if (required) v.Add(std::move(path), "is required");
  } else if (text.size() > max * 4 ||
             std::count_if(text.begin(), text.end(),
                           [](char c) { return (c & 0xc0) != 0x80; }) >
                 static_cast<long>(max)) {
    v.Add(std::move(path), absl::StrCat("must be at most ", max, " characters"));
  }
}

// Entries sorted by valid_from: the one valid on `date` is the last not after it.
template <typename T>
const T* ValidOn(const std::vector<T>& entries, absl::string_view date,
                 const std::function<bool(const T&)>& match) {
  const T* best = nullptr;
  for (const T& e : entries) {
    if (!match(e) || e.valid_from > date) continue;
    if (best == nullptr || e.valid_from > best->valid_from) best = &e;
  }
  return best;
}

template <typename T>
void CheckDatedEntries(const std::vector<T>& entries, const std::string& path,
                       FieldViolations& v) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!IsValidDate(entries[i].valid_from)) {
      v.Add(absl::StrCat(path, "[", i, "].valid_from"), "must be a date YYYY-MM-DD");
    }
  }
}

}  // namespace

bool HoldsTime(AssignmentState state) {
  return state == AssignmentState::kAccepted || state == AssignmentState::kConfirmed;
}

AssignmentState EffectiveState(const Assignment& a, absl::Time now) {
  if (a.state == AssignmentState::kOffered && a.offer_deadline <= now) {
    return AssignmentState::kLapsed;
  }
  return a.state;
}

absl::Status CheckAssignmentTransition(AssignmentState from, AssignmentState to) {
  using S = AssignmentState;
  bool allowed = false;
  switch (to) {
    case S::kAccepted:
    case S::kDeclined:
    case S::kLapsed:
    case S::kWithdrawn:
      allowed = from == S::kOffered;
      break;
    case S::kConfirmed:
      allowed = from == S::kAccepted;
      break;
    case S::kCompleted:
      allowed = from == S::kConfirmed;
      break;
    case S::kCancelled:
      allowed = from == S::kAccepted || from == S::kConfirmed;
      break;
    default:
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the assignment is ", EnumName(from), " and can't become ", EnumName(to)));
}

bool Conflicts(absl::Time start_a, absl::Time end_a, absl::Time start_b,
               absl::Time end_b, absl::Duration buffer) {
  return start_a < end_b + buffer && start_b < end_a + buffer;
}

OrderState OrderStateAfter(const Order& order, const std::vector<Assignment>& assignments) {
  if (order.state == OrderState::kCancelled) return order.state;
  int accepted = 0, confirmed = 0, completed = 0;
  for (const auto& a : assignments) {
    if (a.state == AssignmentState::kAccepted) ++accepted;
    if (a.state == AssignmentState::kConfirmed) ++confirmed;
    if (a.state == AssignmentState::kCompleted) ++completed;
  }
  if (completed > 0 && accepted == 0 && confirmed == 0) return OrderState::kCompleted;
  if (confirmed + completed >= order.experts_needed) return OrderState::kAssigned;
  return OrderState::kOpen;
}

void NormalizeOrder(Order& o) {
  // Times are stored to the microsecond; so are they compared.
  o.start_time = absl::FromUnixMicros(absl::ToUnixMicros(o.start_time));
  if (auto tag = CanonicalLanguageTag(o.language)) o.language = *tag;
  if (o.experts_needed == 0) o.experts_needed = 1;
  if (o.state == OrderState::kUnspecified) o.state = OrderState::kOpen;
}

void ValidateOrder(const Order& o, absl::Time now, bool creating,
                   absl::string_view prefix, FieldViolations& v) {
  if (!IsValidId(o.organization_id)) {
    v.Add(Path(prefix, "organization"),
          "must be a resource name exchanges/{exchange}/organizations/{organization}");
  }
  if (!IsSet(o.role)) v.Add(Path(prefix, "role"), "is required (must not be UNSPECIFIED)");
  CheckLength(o.topic, 500, true, Path(prefix, "topic"), v);
  if (!IsSet(o.audience)) {
    v.Add(Path(prefix, "audience"), "is required (must not be UNSPECIFIED)");
  }
  CheckRange(o.audience_size, 0, 10000, Path(prefix, "audience_size"), v);
  if (o.start_time == absl::UnixEpoch()) {
    v.Add(Path(prefix, "start_time"), "is required");
  } else if (creating && o.start_time <= now) {
    v.Add(Path(prefix, "start_time"), "must be in the future");
  }
  CheckRange(o.duration_minutes, 15, 720, Path(prefix, "duration_minutes"), v);
  CheckRange(o.preparation_minutes, 0, 480, Path(prefix, "preparation_minutes"), v);
  CheckLength(o.address, 500, !o.remote, Path(prefix, "address"), v);
  if (o.municipality.empty()) {
    if (!o.remote) v.Add(Path(prefix, "municipality"), "is required unless remote");
  } else if (reference::ReferenceData::Get().FindMunicipality(o.municipality) == nullptr) {
    v.Add(Path(prefix, "municipality"),
          "not a Statistics Finland municipality code (3 digits, 398 is Lahti)");
  }
  if (o.language.empty()) {
    v.Add(Path(prefix, "language"), "is required");
  } else if (!CanonicalLanguageTag(o.language)) {
    v.Add(Path(prefix, "language"), "not a BCP-47 language tag such as fi, sv or en");
  }
  const std::string areas = Path(prefix, "experience_areas");
  for (size_t i = 0; i < o.experience_areas.size(); ++i) {
    if (!IsSet(o.experience_areas[i])) {
      v.Add(absl::StrCat(areas, "[", i, "]"), "unknown or UNSPECIFIED enum value");
    }
  }
  CheckRange(o.experts_needed, 1, 10, Path(prefix, "experts_needed"), v);
  CheckLength(o.notes, 2000, false, Path(prefix, "notes"), v);
}

void ValidateFeedback(const Feedback& f, absl::string_view prefix, FieldViolations& v) {
  if (!IsSet(f.source)) v.Add(Path(prefix, "source"), "is required (must not be UNSPECIFIED)");
  if (f.source == FeedbackSource::kOrderer) {
    CheckRange(f.overall_rating, 1, 5, Path(prefix, "overall_rating"), v);
    CheckRange(f.content_rating, 0, 5, Path(prefix, "content_rating"), v);
    if (f.heaviness != 0) v.Add(Path(prefix, "heaviness"), "is the expert's to give");
  }
  if (f.source == FeedbackSource::kExpert) {
    CheckRange(f.heaviness, 1, 5, Path(prefix, "heaviness"), v);
    CheckRange(f.overall_rating, 0, 5, Path(prefix, "overall_rating"), v);
    if (f.content_rating != 0) v.Add(Path(prefix, "content_rating"), "is the orderer's to give");
  }
  CheckLength(f.comment, 4000, false, Path(prefix, "comment"), v);
}

void ValidateFeeSchedule(const FeeSchedule& s, absl::string_view prefix,
                         FieldViolations& v) {
  const std::string roles = Path(prefix, "role_rules");
  CheckDatedEntries(s.role_rules, roles, v);
  for (size_t i = 0; i < s.role_rules.size(); ++i) {
    const RoleFeeRule& r = s.role_rules[i];
    const std::string at = absl::StrCat(roles, "[", i, "]");
    if (!IsSet(r.role)) v.Add(at + ".role", "is required (must not be UNSPECIFIED)");
    if (!IsSet(r.kind)) v.Add(at + ".kind", "is required (must not be UNSPECIFIED)");
    CheckRange(r.amount_cents, 0, 1'000'000, at + ".amount_cents", v);
    CheckRange(r.minimum_cents, 0, 1'000'000, at + ".minimum_cents", v);
    for (size_t j = 0; j < i; ++j) {
      if (s.role_rules[j].role == r.role && s.role_rules[j].valid_from == r.valid_from) {
        v.Add(at, "another rule has the same role and valid_from");
      }
    }
  }
  const std::string travel = Path(prefix, "travel_rates");
  CheckDatedEntries(s.travel_rates, travel, v);
  for (size_t i = 0; i < s.travel_rates.size(); ++i) {
    CheckRange(s.travel_rates[i].cents_per_km, 0, 1000,
               absl::StrCat(travel, "[", i, "].cents_per_km"), v);
  }
  const std::string cancel = Path(prefix, "cancellation_rules");
  CheckDatedEntries(s.cancellation_rules, cancel, v);
  for (size_t i = 0; i < s.cancellation_rules.size(); ++i) {
    const CancellationRule& c = s.cancellation_rules[i];
    const std::string at = absl::StrCat(cancel, "[", i, "]");
    CheckRange(c.orderer_notice_days, 0, 365, at + ".orderer_notice_days", v);
    CheckRange(c.orderer_late_percent, 0, 100, at + ".orderer_late_percent", v);
    CheckRange(c.expert_percent, 0, 100, at + ".expert_percent", v);
    CheckRange(c.exchange_percent, 0, 100, at + ".exchange_percent", v);
  }
}

int TravelKm(absl::string_view from, absl::string_view to) {
  const reference::ReferenceData& ref = reference::ReferenceData::Get();
  const reference::Municipality* a = ref.FindMunicipality(from);
  const reference::Municipality* b = ref.FindMunicipality(to);
  if (a == nullptr || b == nullptr || a == b) return 0;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (b->lat - a->lat) * kRad;
  const double dlon = (b->lon - a->lon) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a->lat * kRad) * std::cos(b->lat * kRad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  const double km = 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
  return static_cast<int>(std::lround(km * kRoadFactor));
}

const RoleFeeRule* RuleFor(const FeeSchedule& s, Role role, absl::string_view date) {
  return ValidOn<RoleFeeRule>(s.role_rules, date,
                              [role](const RoleFeeRule& r) { return r.role == role; });
}

const TravelRate* TravelRateFor(const FeeSchedule& s, absl::string_view date) {
  return ValidOn<TravelRate>(s.travel_rates, date, [](const TravelRate&) { return true; });
}

const CancellationRule* CancellationRuleFor(const FeeSchedule& s, absl::string_view date) {
  return ValidOn<CancellationRule>(s.cancellation_rules, date,
                                   [](const CancellationRule&) { return true; });
}

absl::StatusOr<FeeQuote> QuoteFee(const FeeSchedule& schedule, const Order& order,
                                  int minutes, PaymentMethod payment_method,
                                  int travel_km) {
  const std::string date = reference::HelsinkiDate(order.start_time);
  const RoleFeeRule* rule = RuleFor(schedule, order.role, date);
  if (rule == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the fee schedule has no rule for ", EnumName(order.role),
                     " on ", date, "; set one with UpdateFeeSchedule"));
  }
  FeeQuote quote;
  if (rule->kind == FeeKind::kFixed) {
    quote.fee_cents = rule->amount_cents;
  } else {
    const int paid = minutes + (rule->preparation_paid ? order.preparation_minutes : 0);
    const int64_t half_hours = (paid + 29) / 30;
    quote.fee_cents = std::max((rule->amount_cents * half_hours + 1) / 2, rule->minimum_cents);
  }
  if (payment_method == PaymentMethod::kFeeDeclined) quote.fee_cents = 0;
  if (!order.remote) {
    quote.travel_km = travel_km;
    if (const TravelRate* rate = TravelRateFor(schedule, date)) {
      quote.travel_cents = rate->cents_per_km * travel_km * 2;
    }
  }
  return quote;
}

int64_t CancellationFee(const FeeSchedule& schedule, const Order& order,
                        int64_t full_fee_cents, CancelledBy by, absl::Time cancel_time) {
  const CancellationRule* rule =
      CancellationRuleFor(schedule, reference::HelsinkiDate(order.start_time));
  if (rule == nullptr) return 0;
  int percent = 0;
  switch (by) {
    case CancelledBy::kOrderer:
      if (order.start_time - cancel_time < absl::Hours(24) * rule->orderer_notice_days) {
        percent = rule->orderer_late_percent;
      }
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
