#include "services/domain/planner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "coin/Cbc_C_Interface.h"
#include "services/domain/enum_names.h"
#include "services/domain/statistics.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

// A candidate of an order: one binary variable of the program.
struct Pair {
  size_t order = 0;
  size_t expert = 0;  // into Problem::experts
  double score = 0;
  int64_t fee_cents = 0;
  int travel_km = 0;
  int month = 0;  // the task's Helsinki month (the cap counts by it)
  // The expert's payment period of the task (its first day, as days since
  // 1970: the limit counts by it), or kNoLimit.
  int64_t pay_period = 0;
};

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::min();

struct ExpertLimits {
  std::string id;
  int cap = 0;                       // max tasks per month, 0: none
  std::map<int, int> held_by_month;  // tasks already held
  LimitTerms terms;                  // her benefit's earnings limit
  // Per payment period: its limit and the fees of her tasks paid in it.
  std::map<int64_t, std::pair<int64_t, int64_t>> pay_periods;
  std::vector<size_t> pairs;  // by start time of the order
};

// The payment period of a task at `start` for `e` (kNoLimit: no limit
// applies), its limit and her held fees in it worked out on first use.
int64_t PayPeriodOf(
    ExpertLimits& e, const ExpertRecord* record, const EarningsRules& rules, absl::Time start) {
  const std::optional<AppliedLimit> limit =
      LimitFor(e.terms, rules.floors, PaymentDate(rules.pay_rule, start));
  if (!limit) return kNoLimit;
  const int64_t key = limit->period_start - absl::CivilDay(1970, 1, 1);
  if (e.pay_periods.count(key) == 0) {
    int64_t held = 0;
    if (record != nullptr) {
      for (const PastTask& t : record->tasks) {
        const absl::CivilDay paid = PaymentDate(rules.pay_rule, t.start_time);
        if (paid >= limit->period_start && paid < limit->period_end) held += t.fee_cents;
      }
    }
    e.pay_periods[key] = {limit->limit_cents, held};
  }
  return key;
}

struct Problem {
  std::vector<Pair> pairs;
  std::vector<ExpertLimits> experts;
  // Pairs of pairs (same expert) that can't both be taken.
  std::vector<std::pair<size_t, size_t>> conflicts;
  std::vector<std::vector<size_t>> conflicts_of;  // per pair
};

Problem Build(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& records,
    const MatchingSettings& s) {
  Problem p;
  std::unordered_map<std::string, const ExpertRecord*> record_of;
  for (const ExpertRecord& r : records) record_of[r.expert.id] = &r;
  std::unordered_map<std::string, size_t> index_of;
  for (size_t o = 0; o < orders.size(); ++o) {
    const int month = reference::HelsinkiMonth(orders[o].order.start_time);
    for (const Candidate& c : orders[o].candidates) {
      auto [it, added] = index_of.emplace(c.expert_id, p.experts.size());
      if (added) {
        ExpertLimits limits;
        limits.id = c.expert_id;
        if (auto r = record_of.find(c.expert_id); r != record_of.end()) {
          limits.cap = r->second->expert.max_assignments_per_month;
          limits.terms = LimitTermsOf(r->second->expert);
          for (const PastTask& t : r->second->tasks) {
            ++limits.held_by_month[reference::HelsinkiMonth(t.start_time)];
          }
        }
        p.experts.push_back(std::move(limits));
      }
      auto r = record_of.find(c.expert_id);
      const int64_t period = PayPeriodOf(
          p.experts[it->second], r == record_of.end() ? nullptr : r->second, s.earnings,
          orders[o].order.start_time);
      p.pairs.push_back({o, it->second, c.score, c.fee_cents, c.travel_km, month, period});
      p.experts[it->second].pairs.push_back(p.pairs.size() - 1);
    }
  }
  p.conflicts_of.resize(p.pairs.size());
  const absl::Duration reach = std::max(s.travel_buffer, s.rest_after_heavy);
  for (ExpertLimits& e : p.experts) {
    std::sort(e.pairs.begin(), e.pairs.end(), [&](size_t a, size_t b) {
      return orders[p.pairs[a].order].order.start_time < orders[p.pairs[b].order].order.start_time;
    });
    for (size_t i = 0; i < e.pairs.size(); ++i) {
      const Order& a = orders[p.pairs[e.pairs[i]].order].order;
      for (size_t j = i + 1; j < e.pairs.size(); ++j) {
        const Order& b = orders[p.pairs[e.pairs[j]].order].order;
        if (b.start_time >= a.end_time() + reach) break;
        if (Conflicts(a.start_time, a.end_time(), b.start_time, b.end_time(), s.travel_buffer) ||
            BreaksRest(
                a.start_time, a.end_time(), IsHeavyRole(a.role), b.start_time, b.end_time(),
                IsHeavyRole(b.role), s.rest_after_heavy)) {
          p.conflicts.emplace_back(e.pairs[i], e.pairs[j]);
          p.conflicts_of[e.pairs[i]].push_back(e.pairs[j]);
          p.conflicts_of[e.pairs[j]].push_back(e.pairs[i]);
        }
      }
    }
  }
  return p;
}

// The tasks left under her cap in `month` (-1: no cap).
int TasksLeft(const ExpertLimits& e, int month) {
  if (e.cap <= 0) return -1;
  auto it = e.held_by_month.find(month);
  return std::max(0, e.cap - (it == e.held_by_month.end() ? 0 : it->second));
}

// The pay left under her limit in a payment period (-1: no limit).
int64_t CentsLeft(const ExpertLimits& e, int64_t period) {
  auto it = e.pay_periods.find(period);
  if (period == kNoLimit || it == e.pay_periods.end()) return -1;
  return std::max<int64_t>(0, it->second.first - it->second.second);
}

// The spreading cost of an expert's k-th task in the plan (k from 1).
double SpreadCost(const MatchingSettings& s, int k) { return s.weight_fairness * (k - 1); }

// Adds pairs one by one while every rule still holds.
class Feasibility {
 public:
  Feasibility(const Problem& p, const std::vector<PlanOrder>& orders) : p_(p), orders_(orders) {
    taken_.assign(p.pairs.size(), false);
    places_.resize(orders.size());
    for (size_t o = 0; o < orders.size(); ++o) places_[o] = orders[o].open_places;
  }

  // Why the pair can't be added, or "" if it can.
  std::string Problem(size_t i) const {
    const Pair& pair = p_.pairs[i];
    const ExpertLimits& e = p_.experts[pair.expert];
    if (taken_[i]) return "proposed twice";
    if (places_[pair.order] <= 0) return "more experts than the order's open places";
    for (size_t j : p_.conflicts_of[i]) {
      if (taken_[j]) {
        return absl::StrCat(
            "overlaps (or leaves too little rest) with order ",
            orders_[p_.pairs[j].order].order.id);
      }
    }
    const int tasks_left = TasksLeft(e, pair.month);
    auto tasks = used_tasks_.find({pair.expert, pair.month});
    if (tasks_left >= 0 && (tasks == used_tasks_.end() ? 0 : tasks->second) + 1 > tasks_left) {
      return "over the expert's monthly cap";
    }
    const int64_t cents_left = CentsLeft(e, pair.pay_period);
    auto cents = used_cents_.find({pair.expert, pair.pay_period});
    if (cents_left >= 0 &&
        (cents == used_cents_.end() ? 0 : cents->second) + pair.fee_cents > cents_left) {
      return "over the expert's earnings limit in the task's payment period";
    }
    return "";
  }

  void Add(size_t i) {
    const Pair& pair = p_.pairs[i];
    taken_[i] = true;
    --places_[pair.order];
    ++used_tasks_[{pair.expert, pair.month}];
    used_cents_[{pair.expert, pair.pay_period}] += pair.fee_cents;
  }

 private:
  const struct Problem& p_;
  const std::vector<PlanOrder>& orders_;
  std::vector<bool> taken_;
  std::vector<int> places_;
  std::map<std::pair<size_t, int>, int> used_tasks_;          // by expert and month
  std::map<std::pair<size_t, int64_t>, int64_t> used_cents_;  // by expert and pay period
};

std::vector<Proposal> ToProposals(const Problem& p, const std::vector<size_t>& taken) {
  std::vector<Proposal> out;
  for (size_t i : taken) {
    const Pair& pair = p.pairs[i];
    out.push_back(
        {pair.order, p.experts[pair.expert].id, pair.score, pair.fee_cents, pair.travel_km});
  }
  std::sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
    if (a.order_index != b.order_index) return a.order_index < b.order_index;
    if (a.score != b.score) return a.score > b.score;
    return a.expert_id < b.expert_id;
  });
  return out;
}

std::vector<size_t> GreedyPairs(const Problem& p, const std::vector<PlanOrder>& orders) {
  std::vector<size_t> by_time(orders.size());
  std::iota(by_time.begin(), by_time.end(), 0);
  std::stable_sort(by_time.begin(), by_time.end(), [&](size_t a, size_t b) {
    return orders[a].order.start_time < orders[b].order.start_time;
  });
  std::vector<std::vector<size_t>> pairs_of(orders.size());
  for (size_t i = 0; i < p.pairs.size(); ++i) pairs_of[p.pairs[i].order].push_back(i);
  Feasibility f(p, orders);
  std::vector<size_t> taken;
  for (size_t o : by_time) {
    std::vector<size_t>& cands = pairs_of[o];
    std::stable_sort(cands.begin(), cands.end(), [&](size_t a, size_t b) {
      return p.pairs[a].score > p.pairs[b].score;
    });
    int left = orders[o].open_places;
    for (size_t i : cands) {
      if (left <= 0) break;
      if (!f.Problem(i).empty()) continue;
      f.Add(i);
      taken.push_back(i);
      --left;
    }
  }
  return taken;
}

// CBC's solver entry keeps global state: one solve at a time per process.
std::mutex& SolverMutex() {
  static std::mutex* m = new std::mutex;
  return *m;
}

struct SolveResult {
  std::vector<size_t> taken;
  bool optimal = false;
  bool solved = false;
};

// Maximises the places filled (phase 1), or, given `min_filled`, the score
// less the spreading cost (phase 2). Columns: one binary per pair, then per
// expert with k pairs the continuous y_1..y_k (y_j: a j-th task; cost grows).
// With `fill_every_order` (phase 2 when every order can be filled as far as
// its candidates go) each order's row is an equality, which keeps the
// program sparse instead of adding one dense row over all pairs.
SolveResult Solve(
    const Problem& p, const std::vector<PlanOrder>& orders, const MatchingSettings& s,
    int min_filled, bool fill_every_order, absl::Duration time_limit,
    const std::vector<size_t>& start) {
  const bool phase2 = min_filled >= 0;
  Cbc_Model* model = Cbc_newModel();
  Cbc_setLogLevel(model, 0);
  Cbc_setObjSense(model, -1);  // maximise
  Cbc_setMaximumSeconds(model, std::max(0.1, absl::ToDoubleSeconds(time_limit)));
  Cbc_setAllowableGap(model, 1e-7);
  Cbc_setAllowableFractionGap(model, 0);
  Cbc_setParameter(model, "threads", "1");
  // The relaxation is nearly always integral here: cuts and CBC's own
  // preprocessing cost more time and memory than they save (on the benchmark
  // instance 6.5 s and 440 MB with them, 4.5 s and 270 MB without, same plan).
  Cbc_setParameter(model, "cuts", "off");
  Cbc_setParameter(model, "preprocess", "off");
  Cbc_setParameter(model, "heuristics", "off");
  const int n = static_cast<int>(p.pairs.size());
  for (int i = 0; i < n; ++i) {
    Cbc_addCol(model, "", 0, 1, phase2 ? p.pairs[i].score : 1.0, 1, 0, nullptr, nullptr);
  }
  std::vector<int> cols;
  std::vector<double> coefs;
  auto row = [&](char sense, double rhs) {
    Cbc_addRow(model, "", static_cast<int>(cols.size()), cols.data(), coefs.data(), sense, rhs);
    cols.clear();
    coefs.clear();
  };
  if (phase2 && s.weight_fairness > 0) {
    for (const ExpertLimits& e : p.experts) {
      if (e.pairs.size() < 2) continue;
      const int first = Cbc_getNumCols(model);
      for (size_t k = 1; k <= e.pairs.size(); ++k) {
        Cbc_addCol(model, "", 0, 1, -SpreadCost(s, static_cast<int>(k)), 0, 0, nullptr, nullptr);
      }
      for (size_t i : e.pairs) {
        cols.push_back(static_cast<int>(i));
        coefs.push_back(1);
      }
      for (size_t k = 0; k < e.pairs.size(); ++k) {
        cols.push_back(first + static_cast<int>(k));
        coefs.push_back(-1);
      }
      row('E', 0);
    }
  }
  std::vector<std::vector<int>> of_order(orders.size());
  for (int i = 0; i < n; ++i) of_order[p.pairs[i].order].push_back(i);
  for (size_t o = 0; o < orders.size(); ++o) {
    const int places = std::min<int>(orders[o].open_places, static_cast<int>(of_order[o].size()));
    if (of_order[o].empty() ||
        (!fill_every_order && static_cast<int>(of_order[o].size()) <= places)) {
      continue;
    }
    for (int i : of_order[o]) {
      cols.push_back(i);
      coefs.push_back(1);
    }
    row(fill_every_order ? 'E' : 'L', places);
  }
  for (const auto& [a, b] : p.conflicts) {
    cols = {static_cast<int>(a), static_cast<int>(b)};
    coefs = {1, 1};
    row('L', 1);
  }
  for (const ExpertLimits& e : p.experts) {
    std::map<int, std::vector<size_t>> by_month;
    std::map<int64_t, std::vector<size_t>> by_pay_period;
    for (size_t i : e.pairs) {
      by_month[p.pairs[i].month].push_back(i);
      by_pay_period[p.pairs[i].pay_period].push_back(i);
    }
    for (const auto& [month, pairs] : by_month) {
      const int tasks_left = TasksLeft(e, month);
      if (tasks_left >= 0 && static_cast<int>(pairs.size()) > tasks_left) {
        for (size_t i : pairs) {
          cols.push_back(static_cast<int>(i));
          coefs.push_back(1);
        }
        row('L', tasks_left);
      }
    }
    for (const auto& [period, pairs] : by_pay_period) {
      const int64_t cents_left = CentsLeft(e, period);
      int64_t all = 0;
      for (size_t i : pairs) all += p.pairs[i].fee_cents;
      if (cents_left >= 0 && all > cents_left) {
        for (size_t i : pairs) {
          cols.push_back(static_cast<int>(i));
          coefs.push_back(static_cast<double>(p.pairs[i].fee_cents));
        }
        row('L', static_cast<double>(cents_left));
      }
    }
  }
  if (phase2 && !fill_every_order) {
    for (int i = 0; i < n; ++i) {
      cols.push_back(i);
      coefs.push_back(1);
    }
    row('G', min_filled);
  }
  if (!start.empty()) {
    std::vector<int> idx(start.begin(), start.end());
    std::vector<double> ones(start.size(), 1.0);
    // Only the pair columns: CBC completes the rest.
    Cbc_setMIPStartI(model, static_cast<int>(idx.size()), idx.data(), ones.data());
  }
  SolveResult result;
  {
    std::lock_guard<std::mutex> lock(SolverMutex());
    Cbc_solve(model);
  }
  const double* x = Cbc_getColSolution(model);
  result.optimal = Cbc_isProvenOptimal(model) != 0;
  if (x != nullptr && (result.optimal || Cbc_numberSavedSolutions(model) > 0)) {
    result.solved = true;
    for (int i = 0; i < n; ++i) {
      if (x[i] > 0.5) result.taken.push_back(static_cast<size_t>(i));
    }
  }
  Cbc_deleteModel(model);
  return result;
}

// Lexicographic: more places, then a higher objective.
bool Better(const PlanQuality& a, const PlanQuality& b) {
  if (a.places_filled != b.places_filled) return a.places_filled > b.places_filled;
  return a.objective > b.objective + 1e-9;
}

}  // namespace

PlanQuality QualityOf(
    const std::vector<PlanOrder>& orders, const std::vector<Proposal>& proposals,
    const MatchingSettings& s) {
  PlanQuality q;
  std::map<std::string, int> tasks;
  for (const PlanOrder& o : orders) {
    for (const Candidate& c : o.candidates) tasks.emplace(c.expert_id, 0);
  }
  for (const Proposal& pr : proposals) {
    ++q.places_filled;
    q.total_score += pr.score;
    ++tasks[pr.expert_id];
  }
  q.objective = q.total_score;
  std::vector<int> counts;
  for (const auto& [id, n] : tasks) {
    counts.push_back(n);
    q.experts_with_tasks += n > 0;
    for (int k = 1; k <= n; ++k) q.objective -= SpreadCost(s, k);
  }
  q.eligible_experts = static_cast<int>(counts.size());
  q.gini = Gini(counts);
  return q;
}

std::vector<Proposal> GreedyPlan(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings) {
  const Problem p = Build(orders, experts, settings);
  return ToProposals(p, GreedyPairs(p, orders));
}

std::vector<std::string> CheckPlan(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings, const std::vector<Proposal>& proposals) {
  const Problem p = Build(orders, experts, settings);
  std::map<std::pair<size_t, std::string>, size_t> pair_of;
  for (size_t i = 0; i < p.pairs.size(); ++i) {
    pair_of[{p.pairs[i].order, p.experts[p.pairs[i].expert].id}] = i;
  }
  Feasibility f(p, orders);
  std::vector<std::string> problems;
  for (const Proposal& pr : proposals) {
    const std::string what =
        pr.order_index < orders.size()
            ? absl::StrCat("expert ", pr.expert_id, " for order ", orders[pr.order_index].order.id)
            : absl::StrCat("expert ", pr.expert_id, " for an order not in the plan");
    auto it = pair_of.find({pr.order_index, pr.expert_id});
    if (it == pair_of.end()) {
      problems.push_back(absl::StrCat(what, ": not a candidate the hard rules allow"));
      continue;
    }
    if (std::string why = f.Problem(it->second); !why.empty()) {
      problems.push_back(absl::StrCat(what, ": ", why));
      continue;
    }
    f.Add(it->second);
  }
  return problems;
}

Plan PlanAssignments(
    const std::vector<PlanOrder>& orders, const std::vector<ExpertRecord>& experts,
    const MatchingSettings& settings, absl::Duration time_limit) {
  const absl::Time deadline = absl::Now() + time_limit;
  const Problem p = Build(orders, experts, settings);
  const std::vector<size_t> greedy_pairs = GreedyPairs(p, orders);
  Plan plan;
  plan.proposals = ToProposals(p, greedy_pairs);
  plan.greedy = QualityOf(orders, plan.proposals, settings);
  plan.quality = plan.greedy;
  plan.method = PlanMethod::kGreedy;
  if (p.pairs.empty()) {
    plan.method = PlanMethod::kOptimal;  // nothing to choose from
    return plan;
  }
  // Phase 1: the most places (half the time limit at most), unless greedy
  // already fills every place that has a candidate.
  int bound = 0;
  for (const PlanOrder& o : orders) {
    bound += std::min<int>(o.open_places, static_cast<int>(o.candidates.size()));
  }
  SolveResult most;
  const bool fills_all = static_cast<int>(greedy_pairs.size()) == bound;
  if (fills_all) {
    most = {greedy_pairs, true, true};
  } else {
    most = Solve(p, orders, settings, -1, false, time_limit / 2, greedy_pairs);
  }
  if (!most.solved) return plan;
  const int filled = static_cast<int>(most.taken.size());
  // Phase 2: the best objective with that many places.
  const bool greedy_fits = static_cast<int>(greedy_pairs.size()) >= filled;
  SolveResult best = Solve(
      p, orders, settings, filled, fills_all || filled == bound,
      std::max(absl::Milliseconds(100), deadline - absl::Now()),
      greedy_fits ? greedy_pairs : most.taken);
  const SolveResult& chosen = best.solved ? best : most;
  std::vector<Proposal> proposals = ToProposals(p, chosen.taken);
  const PlanQuality q = QualityOf(orders, proposals, settings);
  // The solver's plan must hold every rule and be at least as good as greedy.
  if (CheckPlan(orders, experts, settings, proposals).empty() && !Better(plan.greedy, q)) {
    plan.proposals = std::move(proposals);
    plan.quality = q;
    plan.method = most.optimal && best.optimal ? PlanMethod::kOptimal : PlanMethod::kTimeLimit;
  }
  return plan;
}

}  // namespace kokemus::domain
