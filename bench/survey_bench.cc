// Audience survey benchmark (issue 19): a real server in this process
// (SQLite by default) with its web listener; one visit with its expert
// confirmed, the clock at the visit's end. First a class: --students open the
// survey page and send an answer, each at a random moment within
// --class_seconds, all from one address (a school's) under the default
// per-address limit (300 at once, then 5 a second). Then saturation:
// --concurrency clients send answers back to back for --seconds (the limit
// off: every client is one address here). Prints p50 and p99 of the page and
// of sending, and answers per second, over HTTP/1.1 on loopback (libcurl).
//
//   survey_bench [--database PATH|postgresql://...] [--students 300] [--class_seconds 60]
//                [--concurrency 50] [--seconds 10]
#include <curl/curl.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/time/clock.h"
#include "bench/bench_http.h"
#include "bench/bench_support.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/server.h"

ABSL_FLAG(std::string, database, "", "database (default: a fresh SQLite file in /tmp)");
ABSL_FLAG(int, students, 300, "students in the class");
ABSL_FLAG(int, class_seconds, 60, "the class answers within this many seconds");
ABSL_FLAG(int, concurrency, 50, "clients sending answers back to back at saturation");
ABSL_FLAG(int, seconds, 10, "how long the saturation runs");

namespace {

using namespace kokemus;
using bench::Answer;
using bench::Call;
using bench::Check;

// A student's answer as the page's form posts it (varied by `i`).
std::string Form(int i) {
  static const char* kRoles[] = {"student", "student", "student", "employee", "other"};
  static const char* kAgree[] = {
      "fully_agree", "partly_agree", "partly_disagree", "fully_disagree"};
  std::string form = absl::StrCat(
      "role=", kRoles[i % 5], "&feelings=hope&feelings=understanding&hear_more=", kAgree[i % 4],
      "&helped_understand=", kAgree[(i / 4) % 4]);
  if (i % 5 == 4) absl::StrAppend(&form, "&role.other.what=opettaja");
  if (i % 10 == 0) absl::StrAppend(&form, "&free_word=Kiitos+rohkeudesta%21");
  return form;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string dir =
      (std::filesystem::temp_directory_path() / "kokemus-survey-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string database = absl::GetFlag(FLAGS_database);
  if (database.empty()) database = dir + "/bench.db";
  const int students = absl::GetFlag(FLAGS_students);
  const int class_ms = absl::GetFlag(FLAGS_class_seconds) * 1000;
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const absl::Duration seconds = absl::Seconds(absl::GetFlag(FLAGS_seconds));

  // Two servers on one database: the class meets the default limit, the
  // saturation run none.
  const absl::Time now = absl::Now();
  const absl::Time visit = now + absl::Hours(24 * 14);
  domain::FakeClock clock(now);
  auto start_server = [&](domain::RateLimit limit, int web_port) {
    ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
    options.plaintext = true;
    options.clock = &clock;
    options.access.rate_limit = {.per_second = 1e6, .burst = 1e6};
    options.web_listen = absl::StrCat("127.0.0.1:", web_port);
    options.outbox.web_base_url = absl::StrCat("http://127.0.0.1:", web_port, "/");
    options.web_survey_limit = limit;
    auto server = Server::Start(options);
    Check(server.status(), "server");
    return *std::move(server);
  };
  const int class_port = bench::FreePort();
  auto server = start_server(web::Pages::kSurveyLimit, class_port);
  const std::string address = absl::StrCat("127.0.0.1:", server->port());
  ServerOptions admin_options{.database = database};
  auto admin_key = IssueAdminKey(admin_options, "survey bench", now + absl::Hours(24));
  Check(admin_key.status(), "admin key");
  const std::string coordinator = bench::SetUpExchange(address, *admin_key, now + absl::Hours(24));
  auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator);
  auto registry = v1::RegistryService::NewStub(channel);
  auto orders = v1::OrderService::NewStub(channel);
  bench::CreateExpert(*registry, 0);
  const std::string assignment =
      bench::OrderAndOffer(*orders, "visit", visit, 0, now + absl::Hours(24 * 7));
  {
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name(assignment);
    v1::AcceptAssignmentResponse resp;
    Check(orders->AcceptAssignment(&ctx, req, &resp), "accept");
  }
  {
    grpc::ClientContext ctx;
    v1::ConfirmAssignmentRequest req;
    req.set_name(assignment);
    v1::ConfirmAssignmentResponse resp;
    Check(orders->ConfirmAssignment(&ctx, req, &resp), "confirm");
  }
  std::string url;
  {
    grpc::ClientContext ctx;
    v1::GetTaskSurveyRequest req;
    req.set_name("exchanges/ph/orders/visit/survey");
    v1::GetTaskSurveyResponse resp;
    Check(v1::SurveyService::NewStub(channel)->GetTaskSurvey(&ctx, req, &resp), "survey");
    url = resp.survey().url();
  }
  clock.Set(visit + absl::Minutes(55));  // the last slide

  // The class.
  bench::Latencies page, send;
  std::mutex mu;
  std::atomic<int> bad{0};
  std::barrier start(students);
  std::vector<std::thread> threads;
  const absl::Time class_start = absl::Now();
  for (int i = 0; i < students; ++i) {
    threads.emplace_back([&, i] {
      absl::BitGen random;
      const int at = absl::Uniform(random, 0, class_ms + 1);
      CURL* curl = curl_easy_init();
      start.arrive_and_wait();
      absl::SleepFor(absl::Milliseconds(at));
      Answer p = Call(curl, url, "", "");
      Answer s = Call(curl, url, "", Form(i));
      if (p.status != 200 || s.status != 303) ++bad;
      curl_easy_cleanup(curl);
      std::lock_guard<std::mutex> lock(mu);
      page.ms.push_back(p.ms);
      send.ms.push_back(s.ms);
    });
  }
  for (auto& t : threads) t.join();
  const double class_took = absl::ToDoubleSeconds(absl::Now() - class_start);
  std::printf(
      "a class of %d within %d s (one address, the default limit): took %.1f s; page p50 %.1f "
      "ms, p99 %.1f ms; sending p50 %.1f ms, p99 %.1f ms; refused or failed: %d\n",
      students, class_ms / 1000, class_took, page.Percentile(0.5), page.Percentile(0.99),
      send.Percentile(0.5), send.Percentile(0.99), bad.load());
  const int class_bad = bad.exchange(0);

  // Saturation: back to back, no limit.
  const int open_port = bench::FreePort();
  auto open = start_server({.per_second = 5, .burst = 0}, open_port);
  const std::string open_url =
      absl::StrCat("http://127.0.0.1:", open_port, url.substr(url.find("/k/")));
  bench::Latencies saturated;
  std::atomic<long> sent{0};
  std::barrier go(concurrency);
  threads.clear();
  absl::Time end;
  for (int c = 0; c < concurrency; ++c) {
    threads.emplace_back([&, c] {
      CURL* curl = curl_easy_init();
      std::vector<double> mine;
      go.arrive_and_wait();
      const absl::Time stop = absl::Now() + seconds;
      for (int i = c; absl::Now() < stop; i += concurrency) {
        Answer s = Call(curl, open_url, "", Form(i));
        if (s.status != 303) ++bad;
        mine.push_back(s.ms);
      }
      curl_easy_cleanup(curl);
      std::lock_guard<std::mutex> lock(mu);
      saturated.ms.insert(saturated.ms.end(), mine.begin(), mine.end());
      sent += static_cast<long>(mine.size());
    });
  }
  for (auto& t : threads) t.join();
  std::printf(
      "saturation, %d clients for %.0f s: %ld answers, %.0f answers/s, p50 %.1f ms, p99 %.1f "
      "ms; refused or failed: %d\n",
      concurrency, absl::ToDoubleSeconds(seconds), sent.load(),
      sent.load() / absl::ToDoubleSeconds(seconds), saturated.Percentile(0.5),
      saturated.Percentile(0.99), bad.load());
  open->Shutdown(absl::Seconds(5));
  server->Shutdown(absl::Seconds(5));
  curl_global_cleanup();
  return class_bad == 0 && bad.load() == 0 ? 0 : 1;
}
