#include "tests/test_support.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "clients/common/key_channel.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/domain/fees.h"
#include "services/domain/validation.h"
#include "services/rpc/convert.h"
#include "services/storage/database.h"
#include "services/storage/registry_store.h"
#include "soci/postgresql/soci-postgresql.h"
#include "soci/soci.h"

namespace kokemus::testing_support {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgresql";
}

namespace {

size_t CollectBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  if (const size_t colon = line.find(':'); colon != std::string::npos) {
    (*static_cast<std::map<std::string, std::string>*>(
        out))[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

}  // namespace

HttpResult Http(
    const std::string& method, const std::string& url, const std::string& body,
    const std::vector<std::string>& headers, const std::string& from,
    const std::string& content_type) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  const std::string interface = "host!" + from;
  if (!from.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  const std::string type = "Content-Type: " + content_type;
  if (!body.empty()) list = curl_slist_append(list, type.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  const CURLcode code = curl_easy_perform(curl);
  EXPECT_EQ(code, CURLE_OK) << curl_easy_strerror(code) << " " << method << " " << url;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kokemus-test.XXXXXX").string();
  char* dir = mkdtemp(pattern.data());
  if (dir == nullptr) std::abort();
  return dir;
}

namespace {

// build/bin: where this test binary, kokemus-server and kokemusctl are.
std::string BinaryDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

}  // namespace

std::string PostgresServerUrl() {
  if (const char* url = std::getenv("KOKEMUS_TEST_PG_URL"); url && *url) return url;
  std::string url(
      absl::StripAsciiWhitespace(ReadFile(absl::StrCat(BinaryDir(), "/../test-postgres/url"))));
  if (url.empty()) {
    ADD_FAILURE() << "No test PostgreSQL: run the tests with ctest (fixture "
                     "`postgres`) or scripts/test.sh";
  }
  return url;
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    dir_ = MakeTempDir();
    url_ = dir_ + "/kokemus.db";
    return;
  }
  const std::string server = PostgresServerUrl();
  name_ = absl::StrCat("kokemus_test_", domain::GenerateId());
  soci::session admin(soci::postgresql, *storage::PostgresqlConnectString(server + "/postgres"));
  admin << "CREATE DATABASE " << name_;
  url_ = absl::StrCat(server, "/", name_);
}

TestDatabase::~TestDatabase() {
  if (backend_ == Backend::kSqlite) {
    std::filesystem::remove_all(dir_);
    return;
  }
  try {
    soci::session admin(
        soci::postgresql, *storage::PostgresqlConnectString(PostgresServerUrl() + "/postgres"));
    admin << "DROP DATABASE IF EXISTS " << name_ << " WITH (FORCE)";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping test database: " << e.what();
  }
}

TestKeys::TestKeys(const std::string& database_url) {
  auto db = storage::Database::Open(database_url);
  if (!db.ok()) {
    ADD_FAILURE() << "test keys: " << db.status();
    std::abort();
  }
  db_ = *std::move(db);
  keys_ = std::make_unique<storage::KeyStore>(*db_, "");
}

TestKeys::~TestKeys() = default;

std::string TestKeys::Make(
    domain::AccessRole role, const std::string& exchange_id, const std::string& organization_id,
    const std::string& expert_id, absl::Duration lifetime) {
  storage::ApiKey key;
  key.display_name = absl::StrCat("test ", domain::AccessRoleName(role));
  key.principal = {"", role, exchange_id, organization_id, expert_id};
  key.expire_time = absl::Now() + lifetime;
  auto made = keys_->Create(key, absl::Now());
  if (!made.ok()) {
    ADD_FAILURE() << "making a test key: " << made.status();
    return "";
  }
  return made->plaintext;
}

std::string TestKeys::Admin() {
  std::lock_guard<std::mutex> lock(mu_);
  if (admin_.empty()) admin_ = Make(domain::AccessRole::kNationalAdmin);
  return admin_;
}

std::string TestKeys::Coordinator(const std::string& exchange_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = coordinators_.find(exchange_id);
  if (found != coordinators_.end()) return found->second;
  storage::ApiKey key;
  key.display_name = "test coordinator";
  key.principal = {"", domain::AccessRole::kCoordinator, exchange_id, "", ""};
  key.expire_time = absl::Now() + absl::Hours(1);
  auto made = keys_->Create(key, absl::Now());
  if (!made.ok() && made.status().code() == absl::StatusCode::kNotFound) {
    // A coordinator of an exchange that doesn't exist: made for a
    // placeholder exchange that is then moved and removed again, so what
    // such a caller is told is what a real one of another exchange is.
    storage::RegistryStore registry(*db_);
    domain::Exchange placeholder = rpc::FromProto(SampleExchange());
    placeholder.id = absl::StrCat("zz-", domain::GenerateId());
    if (!registry.Create(placeholder, {}).ok()) return "";
    key.principal.exchange_id = placeholder.id;
    made = keys_->Create(key, absl::Now());
    if (made.ok()) {
      absl::Status moved = db_->Write([&](soci::session& sql) {
        sql << "UPDATE api_keys SET exchange_id = :x WHERE id = :id", soci::use(exchange_id),
            soci::use(made->key.id);
        return absl::OkStatus();
      });
      if (!moved.ok()) return "";
    }
    (void)registry.Delete<domain::Exchange>({"", placeholder.id}, 0);
  }
  if (!made.ok()) return "";
  coordinators_[exchange_id] = made->plaintext;
  return made->plaintext;
}

namespace {

// The exchange id in the first "exchanges/{x}" string of a message, depth
// first in field-number order; "" when there is none.
std::string ExchangeIn(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    if (f->is_repeated()) continue;
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
      absl::string_view value = reflection->GetStringReference(message, f, nullptr);
      if (absl::ConsumePrefix(&value, "exchanges/")) {
        return std::string(value.substr(0, value.find('/')));
      }
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      std::string found = ExchangeIn(reflection->GetMessage(message, f));
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::shared_ptr<grpc::Channel> KeyChannel(
    const std::string& address, const std::string& key,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  return client::KeyChannel(
      address, credentials ? credentials : grpc::InsecureChannelCredentials(), key);
}

std::shared_ptr<grpc::Channel> AutoKeyChannel(
    const std::string& address, TestKeys& keys,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  return client::PickingKeyChannel(
      address, credentials ? credentials : grpc::InsecureChannelCredentials(),
      [&keys](const google::protobuf::Message* request) {
    const std::string exchange = request == nullptr ? "" : ExchangeIn(*request);
    if (exchange.empty() || exchange == "-") return keys.Admin();
    std::string key = keys.Coordinator(exchange);
    return key.empty() ? keys.Admin() : key;
      });
}

TestServer::TestServer(Backend backend, const std::function<void(ServerOptions&)>& tweak)
    : db_(backend) {
  ServerOptions options{.listen = "127.0.0.1:0", .database = db_.url(), .log_requests = false};
  options.plaintext = true;
  // Tests call fast; the burst test sets its own limit.
  options.access.rate_limit = {.per_second = 100000, .burst = 100000};
  options.access.failed_authentications = {.per_second = 100000, .burst = 100000};
  if (tweak) tweak(options);
  auto server = Server::Start(options);
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    std::abort();
  }
  server_ = *std::move(server);
  keys_ = std::make_unique<TestKeys>(db_.url());
  registry_ = v1::RegistryService::NewStub(channel());
}

std::shared_ptr<grpc::Channel> TestServer::channel() { return AutoKeyChannel(address(), *keys_); }

std::string TestServer::address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

std::string BinaryPath(const std::string& name) { return absl::StrCat(BinaryDir(), "/", name); }

namespace {

[[noreturn]] void ExecChild(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ProcessResult RunProcess(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  const std::string dir = MakeTempDir();
  const std::string out_path = dir + "/out";
  const std::string err_path = dir + "/err";
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    ExecChild(argv, env);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult result{DecodeWaitStatus(status), ReadFile(out_path), ReadFile(err_path)};
  std::filesystem::remove_all(dir);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path) {
  pid_ = fork();
  if (pid_ == 0) {
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(err, 2);
    dup2(err, 1);
    ExecChild(argv, {});
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int ChildProcess::Wait(int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return DecodeWaitStatus(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

namespace {

// Whether an SMTP server on 127.0.0.1:`port` sends its "220" greeting within
// a second; says QUIT after it.
bool Greets(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool greeted = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    char buf[4] = {};
    greeted = ::recv(fd, buf, 3, MSG_WAITALL) == 3 && std::string(buf, 3) == "220";
    if (greeted) (void)!::write(fd, "QUIT\r\n", 6);
  }
  ::close(fd);
  return greeted;
}

}  // namespace

SmtpSink::SmtpSink(int port)
    : dir_((std::filesystem::temp_directory_path() /
            absl::StrCat("kokemus-mail-", port, "-", ::getpid()))
               .string()) {
  std::filesystem::remove_all(dir_);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{
          "/usr/bin/env", absl::StrCat("PYTHONPATH=", KOKEMUS_SOURCE_DIR, "/tests/mail"),
          "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", absl::StrCat("127.0.0.1:", port), "-c",
          "raw_maildir.RawMaildir", dir_},
      dir_ + ".log");
  // Ready when it greets: a connection accepted before Python's event loop
  // runs (a loaded machine) would keep the server's first delivery waiting.
  for (int i = 0; i < 150 && !Greets(port); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

SmtpSink::~SmtpSink() {
  process_.reset();
  std::filesystem::remove_all(dir_);
}

nlohmann::json SmtpSink::Messages(size_t n) {
  nlohmann::json messages = nlohmann::json::array();
  for (int i = 0; i < 150; ++i) {
    auto read = RunProcess(
        {"/usr/bin/python3", std::string(KOKEMUS_SOURCE_DIR) + "/tests/mail/read_mail.py", dir_});
    if (read.exit_code != 0) {
      ADD_FAILURE() << "read_mail.py: " << read.err;
      break;
    }
    messages = nlohmann::json::parse(read.out);
    if (messages.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return messages;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

v1::Exchange SampleExchange() {
  v1::Exchange e;
  e.set_display_name("Päijät-Hämeen kokemusasiantuntijapankki");
  e.set_wellbeing_region("PH");
  e.set_default_language("fi");
  e.set_business_id("0112038-9");
  e.set_contact_email("pankki@example.fi");
  e.set_postal_address("Vesijärvenkatu 11, 15140 Lahti");
  return e;
}

v1::Expert SampleExpert() {
  v1::Expert e;
  e.set_display_name("Kaisa Kokemus");
  e.set_email("kaisa@example.fi");
  e.set_phone("040 123 4567");
  e.set_home_municipality("398");
  e.add_languages("fi");
  e.add_languages("sv");
  e.add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
  e.add_roles(v1::ROLE_LECTURER);
  e.set_payment_method(v1::PAYMENT_METHOD_INVOICE);
  e.set_max_travel_km(50);
  // Trained: matching's hard rules let her be offered tasks.
  v1::Training* t = e.add_trainings();
  t->set_provider("MIELI ry");
  t->set_title("Kokemusasiantuntijakoulutus");
  t->set_completion_date("2024-05-31");
  return e;
}

v1::Organization SampleOrganization() {
  v1::Organization o;
  o.set_display_name("Lahden lyseon lukio");
  o.set_sector(v1::SECTOR_EDUCATION);
  o.set_kind(v1::ORGANIZATION_KIND_EDUCATIONAL_INSTITUTION);
  o.set_municipality("398");
  o.set_contact_email("rehtori@example.fi");
  return o;
}

std::vector<std::pair<std::string, std::string>> Violations(const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  }
  return out;
}

std::vector<std::string> ServiceNames(const std::string& address) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  auto stream = reflection->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("*");
  EXPECT_TRUE(stream->Write(req));
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  EXPECT_TRUE(stream->Read(&resp));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  std::vector<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  return names;
}

void CreateExchange(v1::RegistryService::Stub& stub, const std::string& id) {
  grpc::ClientContext ctx;
  v1::CreateExchangeRequest req;
  req.set_exchange_id(id);
  *req.mutable_exchange() = SampleExchange();
  v1::CreateExchangeResponse resp;
  grpc::Status status = stub.CreateExchange(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

void CreateExpert(
    v1::RegistryService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Expert& expert) {
  grpc::ClientContext ctx;
  v1::CreateExpertRequest req;
  req.set_parent("exchanges/" + exchange);
  req.set_expert_id(id);
  *req.mutable_expert() = expert;
  v1::CreateExpertResponse resp;
  grpc::Status status = stub.CreateExpert(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

void CreateOrganization(
    v1::RegistryService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Organization& organization) {
  grpc::ClientContext ctx;
  v1::CreateOrganizationRequest req;
  req.set_parent("exchanges/" + exchange);
  req.set_organization_id(id);
  *req.mutable_organization() = organization;
  v1::CreateOrganizationResponse resp;
  grpc::Status status = stub.CreateOrganization(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

void SetFixedFee(
    v1::OrderService::Stub& stub, const std::string& exchange, v1::Role role, int64_t cents) {
  grpc::ClientContext ctx;
  v1::UpdateFeeScheduleRequest req;
  req.mutable_fee_schedule()->set_name("exchanges/" + exchange + "/feeSchedule");
  auto* rule = req.mutable_fee_schedule()->add_role_rules();
  rule->set_role(role);
  rule->set_valid_from("2020-01-01");
  rule->set_kind(v1::FEE_KIND_FIXED);
  rule->set_amount_cents(cents);
  v1::UpdateFeeScheduleResponse resp;
  grpc::Status status = stub.UpdateFeeSchedule(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

v1::Order SampleOrder(
    const std::string& exchange, const std::string& organization, absl::Time start) {
  v1::Order o;
  o.set_organization("exchanges/" + exchange + "/organizations/" + organization);
  o.set_role(v1::ROLE_LECTURER);
  o.set_topic("Toipumistarina");
  o.set_audience(v1::AUDIENCE_STUDENTS);
  *o.mutable_start_time() = rpc::ToProto(start);
  o.set_duration_minutes(90);
  o.set_address("Kirkkokatu 1");
  o.set_municipality("398");
  o.set_language("fi");
  return o;
}

void CreateOrder(
    v1::OrderService::Stub& stub, const std::string& exchange, const std::string& id,
    const v1::Order& order) {
  grpc::ClientContext ctx;
  v1::CreateOrderRequest req;
  req.set_parent("exchanges/" + exchange);
  req.set_order_id(id);
  *req.mutable_order() = order;
  v1::CreateOrderResponse resp;
  grpc::Status status = stub.CreateOrder(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

std::string PdfText(const std::string& pdf) {
  const std::string dir = MakeTempDir();
  { std::ofstream(dir + "/r.pdf", std::ios::binary) << pdf; }
  auto qpdf = RunProcess({"/usr/bin/qpdf", "--check", dir + "/r.pdf"});
  EXPECT_EQ(qpdf.exit_code, 0) << qpdf.out << qpdf.err;
  auto text = RunProcess({"/usr/bin/pdftotext", "-layout", dir + "/r.pdf", "-"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  if (const char* keep = std::getenv("KOKEMUS_KEEP_PDF")) {
    std::ofstream(keep, std::ios::binary) << pdf;
  }
  std::string squeezed;
  for (char c : text.out) {
    if (c != ' ' && c != '\n' && c != '\f') squeezed += c;
  }
  return absl::StrReplaceAll(squeezed, {{"\u202f", ""}});
}

void MailToSink(ServerOptions& options, int smtp_port) {
  options.smtp.url = absl::StrCat("smtp://127.0.0.1:", smtp_port);
  options.smtp.from = "kokemus@example.fi";
  options.smtp.timeout = absl::Seconds(5);
  options.outbox.poll = absl::Milliseconds(100);
}

std::vector<v1::Message> MessagesOfKind(
    v1::NotificationService::Stub& stub, const std::string& exchange, const std::string& kind) {
  grpc::ClientContext ctx;
  v1::ListMessagesRequest req;
  req.set_parent(absl::StrCat("exchanges/", exchange));
  req.set_filter(absl::StrCat("kind = ", kind));
  v1::ListMessagesResponse resp;
  grpc::Status s = stub.ListMessages(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return {resp.messages().begin(), resp.messages().end()};
}

void PlaceExpert(
    TestServer& server, v1::OrderService::Stub& stub, const std::string& exchange,
    const std::string& order, const std::string& expert, absl::Time start) {
  const std::string parent = absl::StrCat("exchanges/", exchange, "/orders/", order);
  const std::string name = absl::StrCat(parent, "/assignments/", expert);
  {
    grpc::ClientContext ctx;
    v1::OfferAssignmentRequest req;
    req.set_parent(parent);
    req.set_assignment_id(expert);
    req.mutable_assignment()->set_expert(absl::StrCat("exchanges/", exchange, "/experts/", expert));
    *req.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(start - absl::Hours(48));
    v1::OfferAssignmentResponse resp;
    grpc::Status s = stub.OfferAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    auto as_expert = v1::OrderService::NewStub(KeyChannel(
        server.address(), server.keys().Make(domain::AccessRole::kExpert, exchange, "", expert)));
    grpc::ClientContext ctx;
    v1::AcceptAssignmentRequest req;
    req.set_name(name);
    v1::AcceptAssignmentResponse resp;
    grpc::Status s = as_expert->AcceptAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  grpc::ClientContext ctx;
  v1::ConfirmAssignmentRequest req;
  req.set_name(name);
  v1::ConfirmAssignmentResponse resp;
  grpc::Status s = stub.ConfirmAssignment(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
}

void CreateFuzzFixtures(TestServer& server) {
  auto& registry = server.registry();
  CreateExchange(registry, "ph");
  CreateExpert(registry, "ph", "kaisa", SampleExpert());
  CreateOrganization(registry, "ph", "school");
  auto orders = v1::OrderService::NewStub(server.channel());
  SetFixedFee(*orders, "ph", v1::ROLE_LECTURER, 15000);
  CreateOrder(*orders, "ph", "o1", SampleOrder("ph", "school", absl::Now() + absl::Hours(24 * 30)));
}

}  // namespace kokemus::testing_support
