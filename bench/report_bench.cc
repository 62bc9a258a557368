// Reporting benchmark. Loads into an empty database a national year (22
// exchanges, 2,200 experts, 440 orderers, 40,000 completed assignments in
// 2025, half of them rated) and one exchange's busy year (100,000
// assignments in 2024), then measures over loopback gRPC against a server in
// this process: GetStatistics for the national year (no grouping; by exchange
// and category; by month), and ExportAssignments of the 100,000 rows.
//
//   report_bench --database postgresql://postgres@127.0.0.1:PORT/reports
//
// The years are written with SQL through the storage layer (the API refuses
// orders in the past).
#include <algorithm>
#include <cstdio>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/common/key_channel.h"
#include "grpcpp/create_channel.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/domain/orders.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "services/server.h"
#include "services/storage/database.h"
#include "services/storage/key_store.h"
#include "services/storage/registry_store.h"
#include "services/storage/sql.h"

ABSL_FLAG(std::string, database, "", "database URL (an empty PostgreSQL database)");
ABSL_FLAG(bool, reuse, false, "the database was loaded by an earlier run");
ABSL_FLAG(int, runs, 5, "runs of each statistics query");

namespace {

using namespace kokemus;

void Check(const absl::Status& s, absl::string_view what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(what).c_str(), s.ToString().c_str());
    std::exit(1);
  }
}

const char* kRoles[] = {"LECTURER", "CO_TEACHER", "PEER_SUPPORT", "CO_DEVELOPER", "EVALUATOR"};
const char* kKinds[] = {
    "EDUCATIONAL_INSTITUTION", "ADULT_SOCIAL_WORK", "CHILD_PROTECTION",
    "MENTAL_HEALTH_SUBSTANCE_SERVICES", "DAY_ACTIVITY"};

void Load(storage::Database& db) {
  std::mt19937 rng(8);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  storage::RegistryStore registry(db);
  for (int x = 0; x < 22; ++x) {
    domain::Exchange e;
    e.id = absl::StrCat("x", x);
    e.display_name = absl::StrCat("Alue ", x);
    e.wellbeing_region = "PH";
    e.default_language = "fi";
    Check(registry.Create(e, {}).status(), "exchange");
  }
  const absl::Time t0 = absl::Now();
  Check(
      db.Write([&](soci::session& sql) {
        for (int x = 0; x < 22; ++x) {
          for (int i = 0; i < 100; ++i) {
            storage::Execute(
                sql,
                "INSERT INTO experts (exchange_id, id, display_name, email, phone, "
                "home_municipality, languages, experience_areas, roles, trainings, "
                "service_municipalities, max_travel_km, remote_ok, weekly_availability, "
                "unavailable_periods, max_assignments_per_month, monthly_earnings_limit_cents, "
                "payment_method, state, consent_time, consent_notice_version, revision, "
                "create_time, update_time) VALUES (:x, :id, :name, '', '', '398', '[\"fi\"]', "
                "'[\"MENTAL_HEALTH\"]', '[\"LECTURER\"]', '[{\"provider\":\"MIELI ry\"}]', "
                "'[]', 50, 0, '[]', '[]', 0, 0, 'INVOICE', 'ACTIVE', 0, '', 1, 0, 0)",
                {absl::StrCat("x", x), absl::StrCat("e", i), absl::StrCat("Asiantuntija ", i)});
          }
          for (int i = 0; i < 20; ++i) {
            storage::Execute(
                sql,
                "INSERT INTO organizations (exchange_id, id, display_name, business_id, sector, "
                "kind, municipality, contact_name, contact_email, contact_phone, revision, "
                "create_time, update_time) VALUES (:x, :id, :name, '', :sector, :kind, '398', "
                "'', '', '', 1, 0, 0)",
                {absl::StrCat("x", x), absl::StrCat("o", i), absl::StrCat("Organisaatio ", i),
                 std::string(i % 5 == 0 ? "EDUCATION" : "PUBLIC"), std::string(kKinds[i % 5])});
          }
        }
        return absl::OkStatus();
      }),
      "experts and organizations");
  auto year = [&](int y, int count, bool national) {
    const absl::Time start = absl::FromCivil(absl::CivilYear(y), reference::HelsinkiTimeZone());
    for (int batch = 0; batch < count; batch += 2000) {
      Check(
          db.Write([&](soci::session& sql) {
            for (int n = batch; n < std::min(count, batch + 2000); ++n) {
              const std::string x = national ? absl::StrCat("x", n % 22) : "x0";
              const std::string id = absl::StrCat("y", y, "-", n);
              const long long s = storage::Micros(start + absl::Minutes(pick(365 * 24 * 60)));
              const long long e = s + 90LL * 60 * 1000000;
              storage::Execute(
                  sql,
                  "INSERT INTO orders (exchange_id, id, organization_id, role, topic, audience, "
                  "audience_size, start_time, duration_minutes, preparation_minutes, remote, "
                  "address, municipality, language, experience_areas, experts_needed, notes, "
                  "state, cancelled_by, cancel_time, revision, create_time, update_time) VALUES "
                  "(:x, :id, :org, :role, 'Tarina', 'STUDENTS', 30, :s, 90, 0, 0, '', '398', "
                  "'fi', '[]', 1, '', 'COMPLETED', 'UNSPECIFIED', 0, 1, :c, :u)",
                  {x, id, absl::StrCat("o", pick(20)), std::string(kRoles[pick(5)]), s, s, s});
              storage::Execute(
                  sql,
                  "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
                  "offer_deadline, start_time, end_time, block_end, actual_duration_minutes, "
                  "fee_cents, travel_cents, travel_km, cancelled_by, cancel_time, revision, "
                  "create_time, update_time) VALUES (:x, :o, 'a1', :expert, 'COMPLETED', :d, "
                  ":s, :e, :b, 90, 15000, 500, 10, 'UNSPECIFIED', 0, 3, :c, :u)",
                  {x, id, absl::StrCat("e", pick(100)), s, s, e, e, s, s});
              if (n % 2 == 0) {
                storage::Execute(
                    sql,
                    "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
                    "overall_rating, content_rating, heaviness, setting_safe, comment, "
                    "create_time) VALUES (:x, :o, 'a1', 'ORDERER', :r, 4, 0, 1, '', 0)",
                    {x, id, static_cast<long long>(1 + pick(5))});
              }
            }
            return absl::OkStatus();
          }),
          "assignments");
    }
  };
  year(2025, 40000, true);
  year(2024, 100000, false);
  std::fprintf(stderr, "loaded in %.1f s\n", absl::ToDoubleSeconds(absl::Now() - t0));
}

}  // namespace

// A key of the coordinator of `exchange`, made straight in the database.
std::string CoordinatorKey(const std::string& database, const std::string& exchange) {
  auto db = storage::Database::Open(database);
  Check(db.status(), "database");
  storage::KeyStore keys(**db, "");
  storage::ApiKey key;
  key.display_name = "report bench";
  key.principal.role = domain::AccessRole::kCoordinator;
  key.principal.exchange_id = exchange;
  key.expire_time = absl::Now() + absl::Hours(24);
  auto made = keys.Create(key, absl::Now());
  Check(made.status(), "coordinator key");
  return made->plaintext;
}

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string database = absl::GetFlag(FLAGS_database);
  if (database.empty()) {
    std::fprintf(stderr, "--database is required\n");
    return 1;
  }
  if (!absl::GetFlag(FLAGS_reuse)) {
    auto db = storage::Database::Open(database);
    Check(db.status(), "database");
    Load(**db);
  }
  ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
  options.plaintext = true;
  auto server = Server::Start(options);
  Check(server.status(), "server");
  // National figures are the administrator's; the exports a coordinator's.
  auto admin_key = IssueAdminKey(options, "report bench", absl::Now() + absl::Hours(24));
  Check(admin_key.status(), "admin key");
  const std::string coordinator_key = CoordinatorKey(database, "x0");
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  auto channel = client::PickingKeyChannel(
      address, grpc::InsecureChannelCredentials(), [&](const google::protobuf::Message* request) {
        const bool exports = dynamic_cast<const v1::ExportAssignmentsRequest*>(request) != nullptr;
        return exports ? coordinator_key : *admin_key;
      });
  auto reports = v1::ReportService::NewStub(channel);
  const absl::TimeZone& tz = reference::HelsinkiTimeZone();

  struct Query {
    const char* label;
    std::vector<v1::StatisticsGrouping> group_by;
  };
  for (const Query& q :
       {Query{"national 2025, total", {}},
        Query{
            "national 2025, by exchange and category",
            {v1::STATISTICS_GROUPING_EXCHANGE, v1::STATISTICS_GROUPING_CATEGORY}},
        Query{"national 2025, by month", {v1::STATISTICS_GROUPING_MONTH}}}) {
    std::vector<double> ms;
    int tasks = 0;
    for (int run = 0; run < absl::GetFlag(FLAGS_runs); ++run) {
      grpc::ClientContext ctx;
      v1::GetStatisticsRequest req;
      req.set_parent("exchanges/-");
      *req.mutable_start_time() = rpc::ToProto(absl::FromCivil(absl::CivilYear(2025), tz));
      *req.mutable_end_time() = rpc::ToProto(absl::FromCivil(absl::CivilYear(2026), tz));
      for (auto g : q.group_by) req.add_group_by(g);
      v1::GetStatisticsResponse resp;
      const absl::Time t = absl::Now();
      grpc::Status s = reports->GetStatistics(&ctx, req, &resp);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
      if (!s.ok()) {
        std::fprintf(stderr, "GetStatistics: %s\n", s.error_message().c_str());
        return 1;
      }
      tasks = resp.total().figures().tasks();
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "GetStatistics %-42s %d tasks: min %.0f ms, median %.0f ms, max %.0f ms\n", q.label, tasks,
        ms.front(), ms[ms.size() / 2], ms.back());
  }
  {
    grpc::ClientContext ctx;
    v1::ExportAssignmentsRequest req;
    req.set_parent("exchanges/x0");
    *req.mutable_start_time() = rpc::ToProto(absl::FromCivil(absl::CivilYear(2024), tz));
    *req.mutable_end_time() = rpc::ToProto(absl::FromCivil(absl::CivilYear(2025), tz));
    const absl::Time t = absl::Now();
    auto reader = reports->ExportAssignments(&ctx, req);
    v1::ExportAssignmentsResponse chunk;
    size_t bytes = 0, lines = 0;
    while (reader->Read(&chunk)) {
      bytes += chunk.csv().size();
      lines += std::count(chunk.csv().begin(), chunk.csv().end(), '\n');
    }
    grpc::Status s = reader->Finish();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - t);
    if (!s.ok()) {
      std::fprintf(stderr, "ExportAssignments: %s\n", s.error_message().c_str());
      return 1;
    }
    std::printf(
        "ExportAssignments x0 2024: %zu rows, %.1f MB in %.2f s = %.0f rows/s\n", lines - 1,
        bytes / 1e6, seconds, (lines - 1) / seconds);
  }
  (*server)->Shutdown(absl::Seconds(1));
  return 0;
}
