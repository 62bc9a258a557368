// HTTP/JSON against gRPC benchmark: a real server in this process (SQLite by
// default) with its web listener; the same expert is read with GetExpert by
// --clients threads for --seconds, first over gRPC (one channel), then as
// JSON over HTTP/1.1 with keep-alive (libcurl, one connection per thread,
// GET /v1/exchanges/ph/experts/e0). Prints calls/s, p50 and p99 of each and
// the JSON's share of gRPC's throughput (the target is at least 50 %).
//
//   http_api_bench [--database PATH|postgresql://...] [--clients 8] [--seconds 5]
#include <curl/curl.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "services/server.h"

ABSL_FLAG(std::string, database, "", "database (default: a fresh SQLite file in /tmp)");
ABSL_FLAG(int, clients, 8, "threads calling at once");
ABSL_FLAG(int, seconds, 5, "seconds of calls for each protocol");

namespace {

using namespace kokemus;
using bench::Check;

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Run {
  bench::Latencies latencies;
  int failed = 0;
  double seconds = 0;
  double PerSecond() const { return latencies.ms.size() / seconds; }
};

// `call` once per iteration on `clients` threads until `duration` has passed.
template <typename Call>
Run Measure(int clients, absl::Duration duration, const Call& call) {
  Run run;
  std::mutex mu;
  std::barrier start(clients + 1);
  std::vector<std::thread> threads;
  absl::Time end;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      int failed = 0;
      auto state = call.Open();
      start.arrive_and_wait();
      while (absl::Now() < end) {
        const absl::Time t = absl::Now();
        if (!call.Once(state)) ++failed;
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
      }
      call.Close(state);
      std::lock_guard<std::mutex> lock(mu);
      run.latencies.ms.insert(run.latencies.ms.end(), mine.begin(), mine.end());
      run.failed += failed;
      (void)c;
    });
  }
  const absl::Time begin = absl::Now();
  end = begin + duration;
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  run.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  return run;
}

struct GrpcGetExpert {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RegistryService::Stub> Open() const {
    return v1::RegistryService::NewStub(channel);
  }
  bool Once(std::unique_ptr<v1::RegistryService::Stub>& stub) const {
    grpc::ClientContext ctx;
    v1::GetExpertRequest req;
    req.set_name("exchanges/ph/experts/e0");
    v1::GetExpertResponse resp;
    return stub->GetExpert(&ctx, req, &resp).ok() && !resp.expert().display_name().empty();
  }
  void Close(std::unique_ptr<v1::RegistryService::Stub>&) const {}
};

struct HttpGetExpert {
  std::string url;
  std::string authorization;
  struct State {
    CURL* curl;
    curl_slist* headers;
    std::string body;
  };
  State Open() const {
    State s{curl_easy_init(), curl_slist_append(nullptr, authorization.c_str()), ""};
    curl_easy_setopt(s.curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
    curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(s.curl, CURLOPT_WRITEDATA, &s.body);
    return s;
  }
  bool Once(State& s) const {
    s.body.clear();
    long status = 0;
    if (curl_easy_perform(s.curl) != CURLE_OK) return false;
    curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status);
    return status == 200 && s.body.find("\"displayName\"") != std::string::npos;
  }
  void Close(State& s) const {
    curl_slist_free_all(s.headers);
    curl_easy_cleanup(s.curl);
  }
};

void Print(const char* what, Run& run) {
  std::printf(
      "%-10s %8.0f calls/s  p50 %.2f ms  p99 %.2f ms  (%zu calls, %d failed)\n", what,
      run.PerSecond(), run.latencies.Percentile(0.5), run.latencies.Percentile(0.99),
      run.latencies.ms.size(), run.failed);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string dir = (std::filesystem::temp_directory_path() / "kokemus-http-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string database = absl::GetFlag(FLAGS_database);
  if (database.empty()) database = dir + "/bench.db";
  const int clients = absl::GetFlag(FLAGS_clients);
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));

  const int web_port = bench::FreePort();
  ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
  options.plaintext = true;
  options.access.rate_limit = {.per_second = 1e6, .burst = 1e6};
  options.web_listen = absl::StrCat("127.0.0.1:", web_port);
  auto server = Server::Start(options);
  Check(server.status(), "server");
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  const absl::Time now = absl::Now();
  auto admin_key = IssueAdminKey(options, "http bench", now + absl::Hours(24));
  Check(admin_key.status(), "admin key");
  const std::string coordinator = bench::SetUpExchange(address, *admin_key, now + absl::Hours(24));
  auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator);
  auto registry = v1::RegistryService::NewStub(channel);
  bench::CreateExpert(*registry, 0);

  Run grpc_run = Measure(clients, duration, GrpcGetExpert{channel});
  Run http_run = Measure(
      clients, duration,
      HttpGetExpert{
          absl::StrCat("http://127.0.0.1:", web_port, "/v1/exchanges/ph/experts/e0"),
          "Authorization: Bearer " + coordinator});
  std::printf("GetExpert, %d clients, %d s each:\n", clients, absl::GetFlag(FLAGS_seconds));
  Print("gRPC", grpc_run);
  Print("HTTP/JSON", http_run);
  std::printf(
      "HTTP/JSON throughput: %.0f %% of gRPC's\n",
      100.0 * http_run.PerSecond() / grpc_run.PerSecond());
  (*server)->Shutdown(absl::Seconds(5));
  curl_global_cleanup();
  return grpc_run.failed == 0 && http_run.failed == 0 ? 0 : 1;
}
