// Shared test fixtures: a fresh database per test on SQLite or on the
// throwaway PostgreSQL that the ctest fixture `postgres` starts, an
// in-process Kokemus server on a loopback port, and child processes for
// the real binaries.
//
//   class MyTest : public testing::TestWithParam<Backend> {};
//   TEST_P(MyTest, Works) { TestServer server(GetParam()); ... }
//   INSTANTIATE_TEST_SUITE_P(Db, MyTest, kAllBackends, BackendName);
#ifndef KOKEMUS_TESTS_TEST_SUPPORT_H_
#define KOKEMUS_TESTS_TEST_SUPPORT_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/domain/access.h"
#include "services/server.h"
#include "services/storage/key_store.h"

namespace kokemus::testing_support {

enum class Backend { kSqlite, kPostgresql };

inline const auto kAllBackends = ::testing::Values(Backend::kSqlite, Backend::kPostgresql);

std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// An empty database: a SQLite file in a fresh temporary directory, or a new
// database on the test PostgreSQL server (dropped again at destruction).
class TestDatabase final {
 public:
  explicit TestDatabase(Backend backend);
  ~TestDatabase();
  const std::string& url() const { return url_; }

 private:
  Backend backend_;
  std::string dir_;
  std::string name_;
  std::string url_;
};

// The URL of the test PostgreSQL server (no database part); fails the test
// when the `postgres` fixture is not running.
std::string PostgresServerUrl();

// API keys made straight in a server's database for tests: the national
// administrator's, a coordinator's per exchange (made on first use), or any
// other. Thread-safe.
class TestKeys final {
 public:
  explicit TestKeys(const std::string& database_url);
  ~TestKeys();
  std::string Admin();
  // "" when the exchange doesn't exist.
  std::string Coordinator(const std::string& exchange_id);
  // A key of any role and scope, valid for `lifetime`; fails the test on error.
  std::string Make(
      domain::AccessRole role, const std::string& exchange_id = "",
      const std::string& organization_id = "", const std::string& expert_id = "",
      absl::Duration lifetime = absl::Hours(1));
  storage::Database& database() { return *db_; }

 private:
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::KeyStore> keys_;
  std::mutex mu_;
  std::string admin_;
  std::map<std::string, std::string> coordinators_;
};

// A channel whose every call carries `key` as "authorization: Bearer KEY"
// ("" : no credentials at all).
std::shared_ptr<grpc::Channel> KeyChannel(
    const std::string& address, const std::string& key,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

// A channel that calls as whoever a request needs: the coordinator of the
// exchange its first "exchanges/{x}" field names (made on first use; a
// coordinator of no exchange at all when x doesn't exist), else the national
// administrator. For tests about what the services do; the access tests
// choose their keys themselves.
std::shared_ptr<grpc::Channel> AutoKeyChannel(
    const std::string& address, TestKeys& keys,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

// A Kokemus server in this process on 127.0.0.1 with its own database.
// `tweak` adjusts the options before it starts.
class TestServer final {
 public:
  explicit TestServer(Backend backend, const std::function<void(ServerOptions&)>& tweak = nullptr);
  std::string address() const;
  v1::RegistryService::Stub& registry() { return *registry_; }
  const std::string& database_url() const { return db_.url(); }
  Server& server() { return *server_; }
  TestKeys& keys() { return *keys_; }
  // An AutoKeyChannel to this server.
  std::shared_ptr<grpc::Channel> channel();

 private:
  TestDatabase db_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestKeys> keys_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
};

// Path of a binary built next to the tests (kokemus-server, kokemusctl).
std::string BinaryPath(const std::string& name);

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program to completion with extra environment variables.
ProcessResult RunProcess(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// A child process whose stderr goes to a file, for long-running servers.
class ChildProcess final {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path);
  ~ChildProcess();
  void Signal(int signal_number);
  // Exit code, or 128 + signal if it was killed. Waits at most `seconds`.
  int Wait(int seconds = 30);

 private:
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// An SMTP server on `port` of loopback (Debian's python3-aiosmtpd, filing
// each message as sent into a Maildir), for as long as it lives.
class SmtpSink final {
 public:
  explicit SmtpSink(int port);
  ~SmtpSink();
  // Every delivered message, parsed (tests/mail/read_mail.py); waits up to
  // 15 s for at least `n`.
  nlohmann::json Messages(size_t n);

 private:
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

// An HTTP call over loopback with libcurl.
struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};
// `from`: the client's own address (any of 127.0.0.0/8 on loopback); a body
// goes as `content_type`.
HttpResult Http(
    const std::string& method, const std::string& url, const std::string& body = "",
    const std::vector<std::string>& headers = {}, const std::string& from = "",
    const std::string& content_type = "application/json");

// Reads a whole file.
std::string ReadFile(const std::string& path);

// A fresh temporary directory.
std::string MakeTempDir();

// A valid expert for `exchange_id` with the given id part of the name unset.
v1::Expert SampleExpert();
v1::Organization SampleOrganization();
v1::Exchange SampleExchange();

// The google.rpc.BadRequest field violations of a status, as
// (field, description) pairs; empty if it carries none.
std::vector<std::pair<std::string, std::string>> Violations(const grpc::Status& status);

// The services a server lists through reflection; fails the test on error.
std::vector<std::string> ServiceNames(const std::string& address);

// Creates exchange `id` through the API; fails the test on error.
void CreateExchange(v1::RegistryService::Stub& stub, const std::string& id);

// Setup through the API for order tests (each fails the test on error), in
// exchanges/{exchange}: an expert, an organization, a FIXED fee for a role
// valid from 2020, and an order (lecture in Lahti, 90 min, Finnish) for
// organization `organization` starting at `start`.
void CreateExpert(
    v1::RegistryService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Expert& expert);
void CreateOrganization(
    v1::RegistryService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Organization& organization = SampleOrganization());
void SetFixedFee(
    v1::OrderService::Stub& stub, const std::string& exchange, v1::Role role, int64_t cents);
v1::Order SampleOrder(
    const std::string& exchange, const std::string& organization, absl::Time start);
void CreateOrder(
    v1::OrderService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Order& order);
// pdftotext's text of a PDF (checked with qpdf first), all whitespace and
// the narrow no-break spaces of digit groups removed. With KOKEMUS_KEEP_PDF
// set the PDF is kept at that path (to look at with `pdftoppm -png`).
std::string PdfText(const std::string& pdf);

// The outbox delivered by e-mail to an SmtpSink on loopback port
// `smtp_port`, from kokemus@example.fi, polled every 100 ms.
void MailToSink(ServerOptions& options, int smtp_port);
// The exchange's messages of `kind` ("CREDENTIAL_LAPSING"), newest first;
// fails the test on error.
std::vector<v1::Message> MessagesOfKind(
    v1::NotificationService::Stub& stub, const std::string& exchange, const std::string& kind);

// Places `expert` on order `order` (created before, starting at `start`)
// through the API: the coordinator offers it (assignment id = the expert's
// id, answer by two days before), she accepts with her own key, the
// coordinator confirms. Fails the test on error.
void PlaceExpert(
    TestServer& server, v1::OrderService::Stub& stub, const std::string& exchange,
    const std::string& order, const std::string& expert, absl::Time start);
// What the fuzz targets call against: exchange "ph" with expert "kaisa",
// organization "school", the lecturer's FIXED fee of 150 € and order "o1"
// for "school" 30 days from now.
void CreateFuzzFixtures(TestServer& server);

}  // namespace kokemus::testing_support

#endif  // KOKEMUS_TESTS_TEST_SUPPORT_H_
