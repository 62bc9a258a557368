// Matching benchmark. Loads a synthetic region into an empty PostgreSQL
// database (10,000 experts, 1,000 organizations, 100,000 completed past
// assignments with orderers' ratings, 2,000 confirmed tasks in the planning
// month, 1,000 open orders in it), starts kokemus-server on it as a child
// process, and reports in one run, with an async gRPC client holding 16 calls
// in flight: the empty grpc.health.v1.Health/Check throughput; RankExperts
// throughput and p50/p99 latency (the coordinator's view: the best 20 with
// counts per rule; and the full response with every excluded expert); the
// ratio to Health/Check; PlanAssignments for the 1,000 open orders; the
// server's peak RSS.
//
//   matching_bench --database postgresql://postgres@127.0.0.1:PORT/bench
//
// The past is written with SQL through the storage layer (the API refuses
// orders in the past); everything the server reads is in its real tables.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/common/key_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "services/domain/fees.h"
#include "services/domain/orders.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"
#include "services/storage/database.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/key_store.h"
#include "services/storage/order_store.h"
#include "services/storage/registry_store.h"
#include "services/storage/sql.h"

ABSL_FLAG(std::string, database, "", "postgresql:// URL of an empty database (required)");
ABSL_FLAG(int, experts, 10000, "experts in the region");
ABSL_FLAG(int, organizations, 1000, "orderer organizations");
ABSL_FLAG(int, past, 100000, "completed past assignments");
ABSL_FLAG(int, held, 2000, "confirmed tasks in the planning month");
ABSL_FLAG(int, open_orders, 1000, "open orders in the planning month");
ABSL_FLAG(int, in_flight, 16, "concurrent calls");
ABSL_FLAG(int, seconds, 10, "seconds per throughput measurement");
ABSL_FLAG(bool, reuse, false, "the database was loaded by an earlier run with the same flags");
ABSL_FLAG(std::string, server, "", "kokemus-server binary (default: next to this one)");

namespace {

using namespace kokemus;
using domain::Role;

void Die(absl::string_view what, absl::string_view why) {
  std::fprintf(stderr, "%s: %s\n", std::string(what).c_str(), std::string(why).c_str());
  std::exit(1);
}

void Check(const absl::Status& s, absl::string_view what) {
  if (!s.ok()) Die(what, s.ToString());
}

constexpr Role kRoles[] = {Role::kLecturer,          Role::kCoTeacher,     Role::kPeerSupport,
                           Role::kGroupFacilitator,  Role::kCoDeveloper,   Role::kEvaluator,
                           Role::kInterviewer,       Role::kTeamMember,    Role::kWorkingPair,
                           Role::kLowThresholdShift, Role::kCommunications};

struct Region {
  std::vector<std::string> municipalities;
  std::vector<std::string> expert_ids;
  std::vector<std::vector<Role>> expert_roles;
  std::vector<std::string> organization_ids;
};

// --- Loading -----------------------------------------------------------------

Region Load(storage::Database& db, std::mt19937& rng, absl::Time month_start) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  Region region;
  for (const auto& m : reference::ReferenceData::Get().municipalities()) {
    if (m.wellbeing_region == "PH") region.municipalities.push_back(m.code);
  }
  storage::RegistryStore registry(db);
  storage::OrderStore orders(db);
  storage::FeeScheduleStore fees_store(db);
  domain::Exchange exchange;
  exchange.id = "ph";
  exchange.display_name = "Päijät-Hämeen kokemusasiantuntijapankki";
  exchange.wellbeing_region = "PH";
  exchange.default_language = "fi";
  exchange.travel_buffer_minutes = 30;
  Check(registry.Create(exchange, {}).status(), "exchange");
  domain::FeeSchedule fees;
  fees.exchange_id = "ph";
  for (Role r : kRoles) {
    fees.role_rules.push_back({r, "2020-01-01", domain::FeeKind::kFixed, 15000, 0, false});
  }
  fees.travel_rates = {{"2020-01-01", 25}};
  Check(fees_store.UpdateFeeSchedule(fees, 0).status(), "fee schedule");

  for (int i = 0; i < absl::GetFlag(FLAGS_organizations); ++i) {
    domain::Organization o;
    o.exchange_id = "ph";
    o.id = absl::StrCat("org", i);
    o.display_name = absl::StrCat("Organisaatio ", i);
    o.sector = static_cast<domain::Sector>(1 + pick(4));
    o.kind = static_cast<domain::OrganizationKind>(1 + pick(12));
    o.municipality = region.municipalities[pick(region.municipalities.size())];
    Check(registry.Create(o, {}).status(), "organization");
    region.organization_ids.push_back(o.id);
  }
  const absl::Time t0 = absl::Now();
  for (int i = 0; i < absl::GetFlag(FLAGS_experts); ++i) {
    domain::Expert e;
    e.exchange_id = "ph";
    e.id = absl::StrCat("e", i);
    e.display_name = absl::StrCat("Asiantuntija ", i);
    e.home_municipality = region.municipalities[pick(region.municipalities.size())];
    e.languages = {chance(0.92) ? "fi" : "sv"};
    if (chance(0.2)) e.languages.push_back("en");
    std::set<int> areas = {1 + pick(9)};
    if (chance(0.5)) areas.insert(1 + pick(9));
    for (int a : areas) e.experience_areas.push_back(static_cast<domain::ExperienceArea>(a));
    std::set<int> roles = {pick(11)};
    while (roles.size() < 3 && chance(0.6)) roles.insert(pick(11));
    for (int r : roles) e.roles.push_back(kRoles[r]);
    if (chance(0.9)) e.trainings = {{"MIELI ry", "Kokemusasiantuntijakoulutus", "2023-05-31"}};
    e.max_travel_km = 20 + pick(80);
    e.remote_ok = chance(0.5);
    if (chance(0.4)) {
      for (int d = 1; d <= 5; ++d) {
        if (chance(0.6))
          e.weekly_availability.push_back({static_cast<domain::Weekday>(d), 8 * 60, 16 * 60});
      }
    }
    e.max_assignments_per_month = chance(0.5) ? 2 + pick(6) : 0;
    e.monthly_earnings_limit_cents = chance(0.3) ? 30000 + 10000 * pick(10) : 0;
    e.payment_method =
        chance(0.8) ? domain::PaymentMethod::kSalaryTaxCard : domain::PaymentMethod::kInvoice;
    e.state = chance(0.85)
                  ? domain::ExpertState::kActive
                  : (chance(0.6) ? domain::ExpertState::kPaused : domain::ExpertState::kInactive);
    Check(registry.Create(e, {}).status(), "expert");
    region.expert_ids.push_back(e.id);
    region.expert_roles.push_back(e.roles);
  }
  std::fprintf(
      stderr, "loaded %zu experts in %.1f s\n", region.expert_ids.size(),
      absl::ToDoubleSeconds(absl::Now() - t0));

  // Past and held work, straight into the tables in batches.
  const std::string order_sql =
      "INSERT INTO orders (exchange_id, id, organization_id, role, topic, audience, "
      "audience_size, start_time, duration_minutes, preparation_minutes, remote, address, "
      "municipality, language, experience_areas, experts_needed, notes, state, cancelled_by, "
      "cancel_time, revision, create_time, update_time) VALUES ('ph', :id, :org, :role, "
      "'Kokemuspuheenvuoro', 'STUDENTS', 30, :start, 90, 0, 0, '', :municipality, 'fi', "
      "'[]', 1, '', :state, 'UNSPECIFIED', 0, 1, :created, :updated)";
  const std::string assignment_sql =
      "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, offer_deadline, "
      "start_time, end_time, block_end, actual_duration_minutes, fee_cents, travel_cents, "
      "travel_km, cancelled_by, cancel_time, revision, create_time, update_time) VALUES "
      "('ph', :order, 'a1', :expert, :state, :deadline, :start, :end, :block_end, 90, 15000, "
      "0, 0, 'UNSPECIFIED', 0, 3, :created, :updated)";
  const std::string feedback_sql =
      "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, overall_rating, "
      "content_rating, heaviness, setting_safe, comment, create_time) VALUES ('ph', :order, "
      "'a1', 'ORDERER', :rating, :rating2, 0, 1, '', :created)";
  const absl::Time now = absl::Now();
  std::set<std::pair<int, int64_t>> held_days;  // (expert, day): one held task a day
  auto write_task = [&](soci::session& sql, int n, bool past) {
    int expert = pick(region.expert_ids.size());
    absl::Time start;
    if (past) {
      start = now - absl::Hours(24 * (1 + pick(730))) + absl::Hours(pick(8));
    } else {
      int64_t day;
      do {
        expert = pick(region.expert_ids.size());
        day = pick(30);
      } while (!held_days.insert({expert, day}).second);
      start = month_start + absl::Hours(24 * day + 8 + pick(6));
    }
    const Role role = region.expert_roles[expert][pick(region.expert_roles[expert].size())];
    const std::string id = absl::StrCat(past ? "p" : "h", n);
    const long long s = storage::Micros(start);
    const long long e = storage::Micros(start + absl::Minutes(90));
    storage::Execute(
        sql, order_sql.c_str(),
        {id, region.organization_ids[pick(region.organization_ids.size())], storage::Name(role), s,
         region.municipalities[pick(region.municipalities.size())],
         std::string(past ? "COMPLETED" : "ASSIGNED"), s, s});
    storage::Execute(
        sql, assignment_sql.c_str(),
        {id, region.expert_ids[expert], std::string(past ? "COMPLETED" : "CONFIRMED"), s, s, e,
         e + absl::ToInt64Microseconds(absl::Minutes(30)), s, s});
    if (past && chance(0.5)) {
      const long long rating = 2 + pick(4);
      storage::Execute(sql, feedback_sql.c_str(), {id, rating, rating, e});
    }
  };
  const absl::Time t1 = absl::Now();
  const int past = absl::GetFlag(FLAGS_past);
  for (int batch = 0; batch < past; batch += 2000) {
    Check(
        db.Write([&](soci::session& sql) {
          for (int n = batch; n < std::min(past, batch + 2000); ++n) write_task(sql, n, true);
          return absl::OkStatus();
        }),
        "past assignments");
  }
  Check(
      db.Write([&](soci::session& sql) {
        for (int n = 0; n < absl::GetFlag(FLAGS_held); ++n) write_task(sql, n, false);
        return absl::OkStatus();
      }),
      "held assignments");
  std::fprintf(
      stderr, "loaded %d past and %d held assignments in %.1f s\n", past, absl::GetFlag(FLAGS_held),
      absl::ToDoubleSeconds(absl::Now() - t1));

  // Open orders on weekdays of the planning month, 8-16 in Helsinki.
  for (int i = 0; i < absl::GetFlag(FLAGS_open_orders); ++i) {
    domain::Order o;
    o.exchange_id = "ph";
    o.id = absl::StrCat("open", i);
    o.organization_id = region.organization_ids[pick(region.organization_ids.size())];
    o.role = kRoles[pick(11)];
    o.topic = "Kokemuspuheenvuoro";
    o.audience = domain::Audience::kStudents;
    o.audience_size = 25;
    absl::CivilDay day = absl::ToCivilDay(month_start, reference::HelsinkiTimeZone()) + pick(28);
    while (absl::GetWeekday(day) == absl::Weekday::saturday ||
           absl::GetWeekday(day) == absl::Weekday::sunday) {
      ++day;
    }
    o.start_time = absl::FromCivil(
        absl::CivilMinute(day.year(), day.month(), day.day(), 8 + pick(7), 0),
        reference::HelsinkiTimeZone());
    o.duration_minutes = 60 + 30 * pick(3);
    o.remote = chance(0.15);
    if (!o.remote) {
      o.address = "Katu 1";
      o.municipality = region.municipalities[pick(region.municipalities.size())];
    }
    o.language = chance(0.92) ? "fi" : "sv";
    o.experience_areas = {static_cast<domain::ExperienceArea>(1 + pick(9))};
    o.experts_needed = chance(0.8) ? 1 : 2;
    o.state = domain::OrderState::kOpen;
    Check(orders.CreateOrder(o, {}).status(), "open order");
  }
  return region;
}

// --- The server --------------------------------------------------------------

pid_t StartServer(const std::string& binary, const std::string& database, int port) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string listen = absl::StrCat("--listen=127.0.0.1:", port);
    const std::string db = absl::StrCat("--database=", database);
    freopen("/dev/null", "w", stdout);
    // Request logs on, as in production (to /dev/null here).
    // One key makes all the load: no rate limit in the way.
    execl(
        binary.c_str(), binary.c_str(), listen.c_str(), db.c_str(), "--plaintext",
        "--rate_limit=1e9", "--rate_burst=1e9", static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  return pid;
}

long PeakRssKb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// --- Closed-loop async load ----------------------------------------------------

struct LoadResult {
  double qps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long errors = 0;
};

// Keeps `in_flight` calls running for `duration` on two completion-queue
// threads; `start(ctx, cq, i)` starts call number i and returns a finisher.
template <typename Resp, typename Start>
LoadResult Drive(int in_flight, absl::Duration duration, Start start) {
  struct Call {
    grpc::ClientContext ctx;
    Resp resp;
    grpc::Status status;
    absl::Time t0;
  };
  std::vector<double> latencies[2];
  long errors[2] = {0, 0};
  long counter = 0;
  std::mutex counter_mu;
  const absl::Time end = absl::Now() + duration;
  const absl::Time t_start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      grpc::CompletionQueue cq;
      auto launch = [&] {
        long i;
        {
          std::lock_guard<std::mutex> lock(counter_mu);
          i = counter++;
        }
        auto* call = new Call;
        call->t0 = absl::Now();
        start(&call->ctx, &cq, i)->Finish(&call->resp, &call->status, call);
      };
      const int mine = in_flight / 2 + (t == 0 ? in_flight % 2 : 0);
      for (int k = 0; k < mine; ++k) launch();
      int outstanding = mine;
      void* tag;
      bool ok;
      while (outstanding > 0 && cq.Next(&tag, &ok)) {
        auto* call = static_cast<Call*>(tag);
        const absl::Time done = absl::Now();
        if (call->status.ok()) {
          latencies[t].push_back(absl::ToDoubleMilliseconds(done - call->t0));
        } else {
          ++errors[t];
        }
        delete call;
        --outstanding;
        if (done < end) {
          launch();
          ++outstanding;
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<double> all = latencies[0];
  all.insert(all.end(), latencies[1].begin(), latencies[1].end());
  std::sort(all.begin(), all.end());
  LoadResult r;
  r.errors = errors[0] + errors[1];
  r.qps = all.size() / absl::ToDoubleSeconds(absl::Now() - t_start);
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string database = absl::GetFlag(FLAGS_database);
  if (database.rfind("postgres", 0) != 0) Die("--database", "a postgresql:// URL is required");
  std::string binary = absl::GetFlag(FLAGS_server);
  if (binary.empty()) {
    binary =
        (std::filesystem::canonical("/proc/self/exe").parent_path() / "kokemus-server").string();
  }
  std::mt19937 rng(20261122);
  // The planning month: starting 30 days from now, 31 days long.
  const absl::Time month_start = absl::FromCivil(
      absl::ToCivilDay(absl::Now(), reference::HelsinkiTimeZone()) + 30,
      reference::HelsinkiTimeZone());
  Region region;
  if (!absl::GetFlag(FLAGS_reuse)) {
    auto db = storage::Database::Open(database);
    if (!db.ok()) Die("database", db.status().ToString());
    region = Load(**db, rng, month_start);
  }

  const int port = 20000 + static_cast<int>(getpid() % 20000);
  const pid_t server = StartServer(binary, database, port);
  std::string key;
  {
    // The region's coordinator ranks; only the key's hash is kept.
    auto db = storage::Database::Open(database);
    if (!db.ok()) Die("database", db.status().ToString());
    storage::KeyStore keys(**db, "");
    storage::ApiKey coordinator;
    coordinator.display_name = "matching bench";
    coordinator.principal.role = domain::AccessRole::kCoordinator;
    coordinator.principal.exchange_id = "ph";
    coordinator.expire_time = absl::Now() + absl::Hours(24);
    auto made = keys.Create(coordinator, absl::Now());
    if (!made.ok()) Die("key", made.status().ToString());
    key = made->plaintext;
  }
  auto channel =
      client::KeyChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials(), key);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    kill(server, SIGKILL);
    Die("server", "did not start");
  }
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto matching = v1::MatchingService::NewStub(channel);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const absl::Duration seconds = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const int open_orders = absl::GetFlag(FLAGS_open_orders);

  // The first ranking loads the exchange's matching data.
  v1::RankExpertsResponse first;
  {
    grpc::ClientContext ctx;
    v1::RankExpertsRequest req;
    req.set_order("exchanges/ph/orders/open0");
    const absl::Time t = absl::Now();
    grpc::Status s = matching->RankExperts(&ctx, req, &first);
    if (!s.ok()) Die("RankExperts", s.error_message());
    std::printf(
        "first RankExperts (loads the region): %.0f ms; %d candidates, %d excluded\n",
        absl::ToDoubleMilliseconds(absl::Now() - t), first.candidates_size(),
        first.excluded_size());
  }

  using grpc::health::v1::HealthCheckRequest;
  using grpc::health::v1::HealthCheckResponse;
  const LoadResult h = Drive<HealthCheckResponse>(
      in_flight, seconds, [&](grpc::ClientContext* ctx, grpc::CompletionQueue* cq, long) {
        return health->AsyncCheck(ctx, HealthCheckRequest(), cq);
      });
  std::printf(
      "Health/Check:             %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  errors %ld\n", h.qps,
      h.p50_ms, h.p99_ms, h.errors);
  auto rank = [&](bool coordinator_view) {
    return Drive<v1::RankExpertsResponse>(
        in_flight, seconds,
        [&, coordinator_view](grpc::ClientContext* ctx, grpc::CompletionQueue* cq, long i) {
      v1::RankExpertsRequest req;
      req.set_order(absl::StrCat("exchanges/ph/orders/open", (i * 7919) % open_orders));
      if (coordinator_view) {
        req.set_max_candidates(20);
        req.set_omit_excluded(true);
      }
      return matching->AsyncRankExperts(ctx, req, cq);
        });
  };
  const LoadResult view = rank(true);
  std::printf(
      "RankExperts (best 20):    %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  errors %ld  "
      "= %.0f %% of Health/Check\n",
      view.qps, view.p50_ms, view.p99_ms, view.errors, 100 * view.qps / h.qps);
  const LoadResult full = rank(false);
  std::printf(
      "RankExperts (full lists): %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  errors %ld  "
      "= %.0f %% of Health/Check\n",
      full.qps, full.p50_ms, full.p99_ms, full.errors, 100 * full.qps / h.qps);

  std::printf("server peak RSS before planning: %.0f MB\n", PeakRssKb(server) / 1024.0);
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::PlanAssignmentsRequest req;
    req.set_parent("exchanges/ph");
    req.mutable_end_time()->set_seconds(absl::ToUnixSeconds(month_start + absl::Hours(24 * 31)));
    req.mutable_start_time()->set_seconds(absl::ToUnixSeconds(month_start));
    v1::PlanAssignmentsResponse plan;
    const absl::Time t = absl::Now();
    grpc::Status s = matching->PlanAssignments(&ctx, req, &plan);
    if (!s.ok()) Die("PlanAssignments", s.error_message());
    std::printf(
        "PlanAssignments: %.2f s for %d open orders (%d places), method %s\n",
        absl::ToDoubleSeconds(absl::Now() - t), plan.open_orders(), plan.open_places(),
        v1::PlanMethod_Name(plan.method()).c_str());
    for (const auto& [label, q] :
         {std::pair<const char*, const v1::PlanQuality*>{"plan  ", &plan.quality()},
          {"greedy", &plan.greedy()}}) {
      std::printf(
          "  %s: %d places filled, total score %.2f, objective %.2f, Gini %.3f, "
          "%d of %d eligible experts with tasks\n",
          label, q->places_filled(), q->total_score(), q->objective(), q->gini(),
          q->experts_with_tasks(), q->eligible_experts());
    }
  }
  std::printf("server peak RSS: %.0f MB\n", PeakRssKb(server) / 1024.0);
  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);
  return 0;
}
