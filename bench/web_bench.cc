// Self-service pages benchmark: a real server in this process (SQLite by
// default) with its web listener; N experts are signed in at once (session
// keys as a spent link makes them), each with offers waiting. Every user
// loads the offer page R times (pausing about --think_ms between pages, as
// a person reads), all starting at once, then accepts one offer (a form
// post with the page's CSRF token). Prints p50 and p99 of both, and the
// page's size, over HTTP/1.1 on loopback with libcurl.
//
//   web_bench [--database PATH|postgresql://...] [--users 50] [--rounds 20] [--offers 2]
//             [--think_ms 1000]
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
#include "services/domain/session.h"
#include "services/server.h"
#include "services/storage/database.h"
#include "services/storage/key_store.h"

ABSL_FLAG(std::string, database, "", "database (default: a fresh SQLite file in /tmp)");
ABSL_FLAG(int, users, 50, "experts signed in at once");
ABSL_FLAG(int, rounds, 20, "offer page loads per user");
ABSL_FLAG(int, offers, 2, "offers waiting for each expert");
ABSL_FLAG(
    int, think_ms, 1000,
    "a user's pause between pages, on average (uniform from half to one and a half); 0: none, "
    "each user loads the next page at once");

namespace {

using namespace kokemus;
using bench::Answer;
using bench::Call;
using bench::Check;
using bench::Escaped;

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string dir = (std::filesystem::temp_directory_path() / "kokemus-web-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string database = absl::GetFlag(FLAGS_database);
  if (database.empty()) database = dir + "/bench.db";
  const int users = absl::GetFlag(FLAGS_users);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const int offers = absl::GetFlag(FLAGS_offers);

  const int web_port = bench::FreePort();
  const std::string base = absl::StrCat("http://127.0.0.1:", web_port, "/");
  ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
  options.plaintext = true;
  options.access.rate_limit = {.per_second = 1e6, .burst = 1e6};
  options.web_listen = absl::StrCat("127.0.0.1:", web_port);
  options.outbox.web_base_url = base;
  auto server = Server::Start(options);
  Check(server.status(), "server");
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  const absl::Time now = absl::Now();
  auto admin_key = IssueAdminKey(options, "web bench", now + absl::Hours(24));
  Check(admin_key.status(), "admin key");
  const std::string coordinator = bench::SetUpExchange(address, *admin_key, now + absl::Hours(24));
  auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator);
  auto registry = v1::RegistryService::NewStub(channel);
  auto orders = v1::OrderService::NewStub(channel);
  std::vector<std::string> first_offer(users);
  for (int i = 0; i < users; ++i) bench::CreateExpert(*registry, i);
  for (int i = 0; i < users; ++i) {
    for (int k = 0; k < offers; ++k) {
      const std::string name = bench::OrderAndOffer(
          *orders, absl::StrCat("o", i, "-", k), now + absl::Hours(24 * 14 + 2 * k), i,
          now + absl::Hours(24 * 7));
      if (k == 0) first_offer[i] = name;
    }
  }
  // Signed in: a session key each, as a spent sign-in link makes it.
  auto db = storage::Database::Open(database);
  Check(db.status(), "database");
  storage::KeyStore keys(**db, "");
  std::vector<std::string> sessions(users);
  for (int i = 0; i < users; ++i) {
    storage::ApiKey key;
    key.display_name = "Web sign-in";
    key.principal.role = domain::AccessRole::kExpert;
    key.principal.exchange_id = "ph";
    key.principal.expert_id = absl::StrCat("e", i);
    key.expire_time = now + domain::kSessionLifetime;
    key.idle_timeout = domain::kSessionIdleTimeout;
    auto made = keys.Create(key, now);
    Check(made.status(), "session");
    sessions[i] = made->plaintext;
  }

  bench::Latencies page, accept;
  std::mutex mu;
  std::atomic<size_t> bytes{0};
  std::atomic<int> bad{0};
  std::barrier start(users);
  std::vector<std::thread> threads;
  for (int i = 0; i < users; ++i) {
    threads.emplace_back([&, i] {
      CURL* curl = curl_easy_init();
      const std::string cookie = absl::StrCat(domain::kSessionCookie, "=", sessions[i]);
      std::vector<double> mine;
      absl::BitGen random;
      const int think = absl::GetFlag(FLAGS_think_ms);
      start.arrive_and_wait();
      for (int r = 0; r < rounds; ++r) {
        if (think > 0) {
          absl::SleepFor(absl::Milliseconds(absl::Uniform(random, think / 2, think * 3 / 2 + 1)));
        }
        Answer a = Call(curl, base + "offers", cookie, "");
        if (a.status != 200) ++bad;
        bytes = a.body.size();
        mine.push_back(a.ms);
      }
      // Without pauses every user accepts at the same moment; with them, after
      // reading the page, as people do.
      if (think > 0) {
        absl::SleepFor(absl::Milliseconds(absl::Uniform(random, think / 2, think * 3 / 2 + 1)));
      } else {
        start.arrive_and_wait();
      }
      const std::string form = absl::StrCat(
          "csrf=", domain::CsrfToken(sessions[i]), "&assignment=", Escaped(curl, first_offer[i]));
      Answer a = Call(curl, base + "offers/accept", cookie, form);
      if (a.status != 303) ++bad;
      std::lock_guard<std::mutex> lock(mu);
      page.ms.insert(page.ms.end(), mine.begin(), mine.end());
      accept.ms.push_back(a.ms);
      curl_easy_cleanup(curl);
    });
  }
  for (auto& t : threads) t.join();
  std::printf(
      "%d users, %d offers each: offer page %zu loads, p50 %.1f ms, p99 %.1f ms, %zu bytes\n",
      users, offers, page.ms.size(), page.Percentile(0.5), page.Percentile(0.99), bytes.load());
  std::printf(
      "accepting an offer: %zu posts, p50 %.1f ms, p99 %.1f ms; unexpected answers: %d\n",
      accept.ms.size(), accept.Percentile(0.5), accept.Percentile(0.99), bad.load());
  (*server)->Shutdown(absl::Seconds(5));
  curl_global_cleanup();
  return bad.load() == 0 ? 0 : 1;
}
