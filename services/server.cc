#include "services/server.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/rpc/request_log.h"
#include "services/transcode/openapi.h"

namespace kokemus {

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the ", what, " file ", path));
  }
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenerCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty()) {
    if (!options.tls_key_file.empty() || !options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("TLS needs --tls_cert_file");
    }
    if (!options.plaintext) {
      return absl::InvalidArgumentError(
          "no TLS certificate: give --tls_cert_file and --tls_key_file, or --plaintext for "
          "local development");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.plaintext) {
    return absl::InvalidArgumentError("--plaintext and --tls_cert_file contradict each other");
  }
  auto cert = ReadPem(options.tls_cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(options.tls_key_file, "TLS key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca_file.empty()) {
    auto ca = ReadPem(options.tls_client_ca_file, "client CA");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::string> KeyPepper(const ServerOptions& options) {
  if (options.key_pepper_file.empty()) return std::string();
  auto read = ReadPem(options.key_pepper_file, "key pepper");
  if (!read.ok()) return read.status();
  std::string pepper(absl::StripAsciiWhitespace(*read));
  if (pepper.size() < 32 || pepper.size() > 64) {  // libsodium's generichash key sizes
    return absl::InvalidArgumentError("the key pepper file must hold 32 to 64 bytes");
  }
  return pepper;
}

// The keys the database uses that derive from the pepper: the audit chain's
// seal and the identity codes' key.
absl::Status SetDerivedKeys(storage::KeyStore& keys, storage::Database& db) {
  auto audit_key = keys.AuditKey();
  if (!audit_key.ok()) return audit_key.status();
  db.set_audit_key(*std::move(audit_key));
  auto identity_key = keys.IdentityCodeKey();
  if (!identity_key.ok()) return identity_key.status();
  db.set_identity_key(*std::move(identity_key));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<storage::Database>> OpenDatabase(const ServerOptions& options) {
  auto db = storage::Database::Open(options.database);
  if (!db.ok()) return db.status();
  auto pepper = KeyPepper(options);
  if (!pepper.ok()) return pepper.status();
  storage::KeyStore keys(**db, *pepper);
  if (absl::Status s = SetDerivedKeys(keys, **db); !s.ok()) return s;
  return db;
}

absl::StatusOr<std::string> AuditCheckpointJson(const ServerOptions& options) {
  auto db = OpenDatabase(options);
  if (!db.ok()) return db.status();
  storage::AuditStore audit(**db);
  auto checkpoint = audit.Heads(absl::Now());
  if (!checkpoint.ok()) return checkpoint.status();
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(
      rpc::CheckpointProto(*checkpoint, audit.SealOf(*checkpoint)), &json, print);
  return json;
}

absl::StatusOr<std::string> IssueAdminKey(
    const ServerOptions& options, const std::string& display_name, absl::Time expire_time) {
  auto db = storage::Database::Open(options.database);
  if (!db.ok()) return db.status();
  auto pepper = KeyPepper(options);
  if (!pepper.ok()) return pepper.status();
  storage::KeyStore keys(**db, *pepper);
  storage::ApiKey key;
  key.display_name = display_name;
  key.principal.role = domain::AccessRole::kNationalAdmin;
  key.expire_time = expire_time;
  auto made = keys.Create(key, absl::Now());
  if (!made.ok()) return made.status();
  return made->plaintext;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server());
  auto db = storage::Database::Open(options.database);
  if (!db.ok()) return db.status();
  server->db_ = *std::move(db);
  if (options.clock != nullptr) server->db_->set_clock(*options.clock);
  auto pepper = KeyPepper(options);
  if (!pepper.ok()) return pepper.status();
  server->key_store_ = std::make_unique<storage::KeyStore>(*server->db_, *pepper);
  if (absl::Status s = SetDerivedKeys(*server->key_store_, *server->db_); !s.ok()) return s;
  server->audit_store_ = std::make_unique<storage::AuditStore>(*server->db_);
  server->subjects_ = std::make_unique<storage::DataSubjectStore>(*server->db_);
  server->guard_ =
      std::make_unique<rpc::AccessGuard>(*server->db_, *server->key_store_, options.access);
  rpc::AccessGuard& guard = *server->guard_;
  server->access_ =
      std::make_unique<rpc::AccessService>(*server->key_store_, *server->audit_store_, guard);
  server->store_ = std::make_unique<storage::RegistryStore>(*server->db_);
  server->earnings_store_ = std::make_unique<storage::EarningsStore>(*server->db_);
  server->registry_ = std::make_unique<rpc::RegistryService>(
      *server->store_, *server->subjects_, *server->earnings_store_, guard);
  server->order_store_ = std::make_unique<storage::OrderStore>(*server->db_);
  server->assignment_store_ = std::make_unique<storage::AssignmentStore>(*server->db_);
  server->fee_store_ = std::make_unique<storage::FeeScheduleStore>(*server->db_);
  server->matching_store_ = std::make_unique<storage::MatchingStore>(
      *server->db_, *server->store_, *server->order_store_, *server->fee_store_);
  server->round_store_ =
      std::make_unique<storage::OfferRoundStore>(*server->db_, *server->matching_store_);
  server->orders_ = std::make_unique<rpc::OrderService>(
      *server->order_store_, *server->assignment_store_, *server->fee_store_,
      *server->matching_store_, *server->round_store_, guard);
  server->contract_store_ = std::make_unique<storage::ContractStore>(*server->db_);
  server->contracts_ = std::make_unique<rpc::ContractService>(
      *server->store_, *server->order_store_, *server->assignment_store_, *server->fee_store_,
      *server->contract_store_, guard, &server->metrics_);
  server->matching_ = std::make_unique<rpc::MatchingService>(
      *server->matching_store_, *server->order_store_, *server->assignment_store_, guard,
      &server->metrics_);

  server->outbox_store_ = std::make_unique<storage::OutboxStore>(*server->db_);
  server->sign_in_store_ = std::make_unique<storage::SignInStore>(*server->db_);
  Server* raw = server.get();
  server->event_store_ = std::make_unique<storage::EventStore>(*server->db_);
  server->webhook_store_ = std::make_unique<storage::WebhookStore>(*server->db_);
  server->calendar_feed_store_ = std::make_unique<storage::CalendarFeedStore>(*server->db_);
  server->message_template_store_ = std::make_unique<storage::MessageTemplateStore>(*server->db_);
  server->notifications_ = std::make_unique<rpc::NotificationService>(
      *server->outbox_store_, *server->event_store_, *server->webhook_store_,
      *server->calendar_feed_store_, *server->message_template_store_, options.outbox.web_base_url,
      guard, [raw] {
        if (raw->outbox_worker_ != nullptr) raw->outbox_worker_->Wake();
      });
  server->report_store_ = std::make_unique<storage::ReportStore>(*server->db_);
  server->training_store_ = std::make_unique<storage::TrainingStore>(*server->db_, *server->store_);
  server->survey_store_ = std::make_unique<storage::SurveyStore>(*server->db_);
  server->reports_ = std::make_unique<rpc::ReportService>(
      *server->report_store_, *server->training_store_, *server->survey_store_, guard);
  server->training_ = std::make_unique<rpc::TrainingService>(
      *server->training_store_, *server->report_store_, guard);
  // A survey's link needs the pages' public address; on a developer's
  // machine the loopback web listener is it.
  std::string survey_base = options.outbox.web_base_url;
  if (survey_base.empty() && (absl::StartsWith(options.web_listen, "127.0.0.1:") ||
                              absl::StartsWith(options.web_listen, "localhost:"))) {
    survey_base = absl::StrCat("http://", options.web_listen, "/");
  }
  server->surveys_ =
      std::make_unique<rpc::SurveyService>(*server->survey_store_, survey_base, guard);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto credentials = ListenerCredentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  // One server per port: with SO_REUSEPORT (gRPC's default) a second server
  // started on the same port by mistake took half the connections silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // What gRPC 1.51 lets a server bound per client (issue 18, item 11): calls
  // open at once on one connection, connections left idle, and pings without
  // calls (too many close the connection). It predates the 2023 HTTP/2 rapid
  // reset fixes: the chart admits only the ingress proxy (see the Helm guide).
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  // A bound on gRPC's own memory and threads: a flood of streams opened and
  // reset at once (rapid reset) grew an unbounded server past 1.3 GB; with
  // the quota gRPC sheds load instead (bench/README.md, rapid reset).
  grpc::ResourceQuota quota("kokemus-server");
  quota.Resize(256 << 20);
  quota.SetMaxThreads(256);
  builder.SetResourceQuota(quota);
  builder.RegisterService(server->registry_.get());
  builder.RegisterService(server->orders_.get());
  builder.RegisterService(server->contracts_.get());
  builder.RegisterService(server->matching_.get());
  builder.RegisterService(server->reports_.get());
  builder.RegisterService(server->training_.get());
  builder.RegisterService(server->surveys_.get());
  builder.RegisterService(server->access_.get());
  builder.RegisterService(server->notifications_.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(
      rpc::MakeRequestLogInterceptorFactory(options.log_requests, &server->metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  storage::Database* db_raw = server->db_.get();
  server->metrics_.AddGauge("kokemus_db_pool_size", "Database sessions in the pool.", [db_raw] {
    return static_cast<double>(db_raw->pool_size());
  });
  rpc::AccessGuard* guard_raw = server->guard_.get();
  server->metrics_.AddGauge(
      "kokemus_audit_dead_letters",
      "Audit records dropped since start because they could not be written even alone.",
      [guard_raw] { return static_cast<double>(guard_raw->audit_dead_letters()); });
  server->metrics_.AddGauge("kokemus_db_pool_in_use", "Database sessions in use.", [db_raw] {
    return static_cast<double>(db_raw->sessions_in_use());
  });
  if (!options.metrics_listen.empty()) {
    auto http = observability::MetricsHttpServer::Start(options.metrics_listen, server->metrics_);
    if (!http.ok()) return http.status();
    server->metrics_http_ = *std::move(http);
  }
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  if (!options.web_listen.empty()) {
    // The pages call the API in process, as the signed-in person.
    server->pages_ = std::make_unique<web::Pages>(
        options.outbox.web_base_url,
        web::PageStores{
            *server->sign_in_store_, *server->key_store_, *server->outbox_store_,
            *server->calendar_feed_store_, *server->survey_store_},
        server->server_->InProcessChannel(grpc::ChannelArguments()),
        options.clock != nullptr ? *options.clock : domain::SystemClock(),
        options.web_sign_in_limit, options.web_survey_limit);
    // The API as HTTP/JSON on the same listener, through the same channel.
    grpc::ChannelArguments api_arguments;
    api_arguments.SetMaxReceiveMessageSize(-1);
    auto transcoder = transcode::Transcoder::ForServices(
        server->server_->InProcessChannel(api_arguments),
        {v1::RegistryService::service_full_name(), v1::OrderService::service_full_name(),
         v1::ContractService::service_full_name(), v1::MatchingService::service_full_name(),
         v1::ReportService::service_full_name(), v1::AccessService::service_full_name(),
         v1::NotificationService::service_full_name(), v1::TrainingService::service_full_name(),
         v1::SurveyService::service_full_name()});
    if (!transcoder.ok()) return transcoder.status();
    server->transcoder_ = *std::move(transcoder);
    auto web = web::WebServer::Start(
        options.web_listen, *server->pages_, server->transcoder_.get(),
        transcode::OpenApiDocument());
    if (!web.ok()) return web.status();
    server->web_server_ = *std::move(web);
  }
  if (!options.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    int health_port = 0;
    health_builder.AddListeningPort(
        options.health_listen, grpc::InsecureServerCredentials(), &health_port);
    server->health_server_ = health_builder.BuildAndStart();
    if (!server->health_server_ || health_port == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options.health_listen));
    }
    server->health_server_->GetHealthCheckService()->SetServingStatus(true);
  }
  if (!options.smtp.url.empty() || !options.sms.url.empty()) {
    notify::SmtpOptions smtp = options.smtp;
    if (!options.smtp_password_file.empty()) {
      auto password = ReadPem(options.smtp_password_file, "SMTP password");
      if (!password.ok()) return password.status();
      smtp.password = std::string(absl::StripAsciiWhitespace(*password));
    }
    notify::SmsOptions sms = options.sms;
    if (!options.sms_authorization_file.empty()) {
      auto authorization = ReadPem(options.sms_authorization_file, "SMS authorization");
      if (!authorization.ok()) return authorization.status();
      sms.authorization = std::string(absl::StripAsciiWhitespace(*authorization));
    }
    server->outbox_worker_ = std::make_unique<notify::OutboxWorker>(
        *server->outbox_store_, *server->sign_in_store_, notify::SmtpSender(std::move(smtp)),
        notify::SmsSender(std::move(sms)),
        options.clock != nullptr ? *options.clock : domain::SystemClock(), options.outbox);
  }
  server->webhook_worker_ = std::make_unique<notify::WebhookWorker>(
      *server->webhook_store_, *server->event_store_,
      options.clock != nullptr ? *options.clock : domain::SystemClock(), options.webhooks);
  const absl::Duration interval = options.lapse_sweep_interval;
  server->sweeper_ = std::thread([raw, interval] { raw->Sweep(interval); });
  return server;
}

void Server::SweepNow() {
  // A failure (database briefly away) is retried at the next round.
  const absl::Time now = db_->Now();
  auto lapsed = assignment_store_->LapseExpiredOffers(now);
  // Offer rounds that are due: the next round's offers, or the coordinator
  // told that they ended with places open.
  auto rounds = round_store_->Advance(now);
  // Reminders and warnings that fell due, in batches until none is left.
  int made = 0;
  for (absl::StatusOr<int> batch = outbox_store_->EnqueueScheduled(now); batch.ok() && *batch > 0;
       batch = outbox_store_->EnqueueScheduled(now)) {
    made += *batch;
  }
  if (outbox_worker_ != nullptr &&
      (made > 0 || (lapsed.ok() && *lapsed > 0) || (rounds.ok() && *rounds > 0))) {
    outbox_worker_->Wake();
  }
  // Links a day past their expiry tell no one anything any more.
  (void)sign_in_store_->Sweep(now - absl::Hours(24));
}

void Server::Sweep(absl::Duration interval) {
  std::unique_lock<std::mutex> lock(sweeper_mu_);
  while (!stopping_) {
    lock.unlock();
    SweepNow();
    lock.lock();
    sweeper_cv_.wait_for(lock, absl::ToChronoMilliseconds(interval), [this] { return stopping_; });
  }
}

void Server::Drain(absl::Duration delay) {
  if (health_server_) health_server_->GetHealthCheckService()->SetServingStatus(false);
  server_->GetHealthCheckService()->SetServingStatus(false);
  absl::SleepFor(delay);
}

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  {
    std::lock_guard<std::mutex> lock(sweeper_mu_);
    stopping_ = true;
  }
  sweeper_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  // Probes see NOT_SERVING before the listener closes.
  if (health_server_) health_server_->GetHealthCheckService()->Shutdown();
  server_->GetHealthCheckService()->Shutdown();  // every service NOT_SERVING
  notifications_->StopWatches();                 // event streams end (OK) at once
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  if (health_server_) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    health_server_->Wait();
  }
  // The message in hand finishes; the rest wait in the outbox.
  outbox_worker_.reset();
  webhook_worker_.reset();
  web_server_.reset();
}

Server::~Server() {
  if (server_) Shutdown(absl::Seconds(5));
}

}  // namespace kokemus
