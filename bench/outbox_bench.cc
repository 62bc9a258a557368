// Outbox benchmark: N confirmed tasks whose 24-hour reminders fall due at one
// moment; the server (in this process, loopback gRPC, SQLite or PostgreSQL)
// makes the reminders in its sweep and delivers them over SMTP to a local
// sink (Debian's python3-aiosmtpd writing a Maildir, at nice 10: it stands in
// for a mail server elsewhere, not for work on the server's cores). Prints messages/s, the
// time to drain, the process's peak RSS, and GetOrder latency from a client
// calling throughout, against the same calls before.
//
//   outbox_bench [--database PATH|postgresql://...] [--tasks 10000] [--experts 1000]
//                [--get_order_rps 100] [--batch 50] [--senders 4]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "clients/common/key_channel.h"
#include "grpcpp/create_channel.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "services/server.h"
#include "services/storage/database.h"

ABSL_FLAG(std::string, database, "", "database (default: a fresh SQLite file in /tmp)");
ABSL_FLAG(int, tasks, 10000, "confirmed tasks whose reminders fall due at once");
ABSL_FLAG(int, experts, 1000, "experts holding them (at most 10 tasks each)");
ABSL_FLAG(std::string, sink_dir, "", "the SMTP sink's Maildir (default: in /tmp)");
ABSL_FLAG(int, batch, 50, "messages the worker leases at a time (the server's default: 50)");
ABSL_FLAG(
    int, get_order_rps, 100,
    "GetOrder calls a second from the client (0: as fast as one client can, which takes a core)");
ABSL_FLAG(int, senders, 4, "SMTP connections sending at once (the server's default: 4)");

namespace {

using namespace kokemus;
using bench::Check;
using bench::FreePort;
using bench::Latencies;

long long Count(storage::Database& db, const std::string& query) {
  long long n = 0;
  Check(
      db.Read([&](soci::session& sql) {
        sql << query, soci::into(n);
        return absl::OkStatus();
      }),
      "count");
  return n;
}

// GetOrder until `stop`, one call at a time, `rps` calls a second (0: as
// fast as one client can).
Latencies Poll(
    v1::OrderService::Stub& orders, int n_orders, int rps, const std::atomic<bool>& stop) {
  Latencies out;
  absl::Time next = absl::Now();
  for (int i = 0; !stop.load(); ++i) {
    if (rps > 0) {
      next += absl::Seconds(1) / rps;
      const absl::Duration wait = next - absl::Now();
      if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
    }
    grpc::ClientContext ctx;
    v1::GetOrderRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/o", i % n_orders));
    v1::GetOrderResponse resp;
    const absl::Time t = absl::Now();
    Check(orders.GetOrder(&ctx, req, &resp), "GetOrder");
    out.ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string database = absl::GetFlag(FLAGS_database);
  const std::string dir =
      (std::filesystem::temp_directory_path() / "kokemus-outbox-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  if (database.empty()) database = dir + "/bench.db";
  const int tasks = absl::GetFlag(FLAGS_tasks);
  const int experts = std::max(absl::GetFlag(FLAGS_experts), (tasks + 9) / 10);

  // Monday 11.1.2027 08.00 Helsinki time; the tasks on Wednesday from 08.00,
  // ten per expert 70 minutes apart; at Tuesday 20.00 every 24-hour reminder
  // is due (and the week's ones were suppressed: confirmed within the week).
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const absl::Time t0 = absl::FromCivil(absl::CivilSecond(2027, 1, 11, 8, 0, 0), helsinki);
  const absl::Time first_task = t0 + absl::Hours(48);
  const absl::Time due = t0 + absl::Hours(36);
  domain::FakeClock clock(t0);

  ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
  options.plaintext = true;
  options.clock = &clock;
  options.access.rate_limit = {.per_second = 1e6, .burst = 1e6};  // the load is one key's
  auto server = Server::Start(options);
  Check(server.status(), "server");
  std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  auto admin_key = IssueAdminKey(options, "outbox bench", t0 + absl::Hours(24 * 30));
  Check(admin_key.status(), "admin key");
  const std::string coordinator_key =
      bench::SetUpExchange(address, *admin_key, t0 + absl::Hours(24 * 30));
  {
    auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator_key);
    auto registry = v1::RegistryService::NewStub(channel);
    auto orders = v1::OrderService::NewStub(channel);
    const absl::Time load_start = absl::Now();
    for (int i = 0; i < experts; ++i) bench::CreateExpert(*registry, i);
    for (int i = 0; i < tasks; ++i) {
      const std::string assignment = bench::OrderAndOffer(
          *orders, absl::StrCat("o", i), first_task + absl::Minutes(70 * (i / experts)),
          i % experts, t0 + absl::Hours(24));
      grpc::ClientContext accept_ctx;
      v1::AcceptAssignmentRequest accept;
      accept.set_name(assignment);
      v1::AcceptAssignmentResponse accepted;
      Check(orders->AcceptAssignment(&accept_ctx, accept, &accepted), "accept");
      grpc::ClientContext confirm_ctx;
      v1::ConfirmAssignmentRequest confirm;
      confirm.set_name(assignment);
      v1::ConfirmAssignmentResponse confirmed;
      Check(orders->ConfirmAssignment(&confirm_ctx, confirm, &confirmed), "confirm");
    }
    std::printf(
        "loaded %d experts and %d confirmed tasks in %.1f s\n", experts, tasks,
        absl::ToDoubleSeconds(absl::Now() - load_start));
  }
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  // The offers' and confirmations' messages are not what is measured.
  {
    auto db = storage::Database::Open(database);
    Check(db.status(), "database");
    Check(
        (*db)->Write([](soci::session& sql) {
          sql << "UPDATE outbox SET state = 'SENT'";
          return absl::OkStatus();
        }),
        "mark sent");
  }

  // The sink, and the server again, now delivering.
  const int smtp_port = FreePort();
  const std::string sink_dir =
      absl::GetFlag(FLAGS_sink_dir).empty() ? dir + "/mail" : absl::GetFlag(FLAGS_sink_dir);
  const std::string mail_dir = std::string(KOKEMUS_SOURCE_DIR) + "/tests/mail";
  const std::string sink_command = absl::StrCat(
      "PYTHONPATH=", mail_dir,
      " nice -n 10 /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:", smtp_port,
      " -c raw_maildir.RawMaildir ", sink_dir, " > ", dir, "/sink.log 2>&1 & echo $!");
  FILE* started = ::popen(sink_command.c_str(), "r");
  int sink_pid = 0;
  if (std::fscanf(started, "%d", &sink_pid) != 1) sink_pid = 0;
  ::pclose(started);
  absl::SleepFor(absl::Seconds(1.5));
  options.smtp.url = absl::StrCat("smtp://127.0.0.1:", smtp_port);
  options.smtp.from = "kokemus@example.fi";
  options.lapse_sweep_interval = absl::Milliseconds(200);
  options.outbox.poll = absl::Milliseconds(100);
  options.outbox.batch = absl::GetFlag(FLAGS_batch);
  options.outbox.senders = absl::GetFlag(FLAGS_senders);
  server = Server::Start(options);
  Check(server.status(), "server again");
  address = absl::StrCat("127.0.0.1:", (*server)->port());
  auto orders = v1::OrderService::NewStub(
      client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator_key));
  auto db = storage::Database::Open(database);
  Check(db.status(), "database");

  // GetOrder alone, 5 s.
  std::atomic<bool> stop{false};
  std::thread quiet_timer([&] {
    absl::SleepFor(absl::Seconds(5));
    stop = true;
  });
  Latencies before = Poll(*orders, tasks, absl::GetFlag(FLAGS_get_order_rps), stop);
  quiet_timer.join();

  // The reminders fall due; GetOrder goes on while they drain.
  stop = false;
  const absl::Time start = absl::Now();
  clock.Set(due);
  Latencies during;
  std::thread poller(
      [&] { during = Poll(*orders, tasks, absl::GetFlag(FLAGS_get_order_rps), stop); });
  const std::string sent_query =
      "SELECT COUNT(*) FROM outbox WHERE kind = 'TASK_REMINDER' AND state = 'SENT'";
  long long sent = 0;
  absl::Time made_all = absl::InfinitePast();
  while (sent < tasks && absl::Now() - start < absl::Minutes(10)) {
    absl::SleepFor(absl::Milliseconds(100));
    if (made_all == absl::InfinitePast() &&
        Count(**db, "SELECT COUNT(*) FROM outbox WHERE kind = 'TASK_REMINDER'") >= tasks) {
      made_all = absl::Now();
    }
    sent = Count(**db, sent_query);
  }
  const absl::Duration drain = absl::Now() - start;
  stop = true;
  poller.join();
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "reminders made: %lld, sent: %lld (SMTP sink)\n",
      Count(**db, "SELECT COUNT(*) FROM outbox WHERE kind = 'TASK_REMINDER'"), sent);
  std::printf(
      "all made after %.2f s; drained in %.1f s: %.0f messages/s\n",
      absl::ToDoubleSeconds(made_all - start), absl::ToDoubleSeconds(drain),
      sent / absl::ToDoubleSeconds(drain));
  std::printf(
      "GetOrder before: %zu calls, p50 %.2f ms, p99 %.2f ms\n", before.ms.size(),
      before.Percentile(0.5), before.Percentile(0.99));
  std::printf(
      "GetOrder during: %zu calls, p50 %.2f ms, p99 %.2f ms\n", during.ms.size(),
      during.Percentile(0.5), during.Percentile(0.99));
  std::printf("peak RSS of this process (server and client): %ld MB\n", usage.ru_maxrss / 1024);
  (*server)->Shutdown(absl::Seconds(5));
  if (sink_pid > 0) ::kill(sink_pid, SIGTERM);
  return sent == tasks ? 0 : 1;
}
