// A running Kokemus server: the database, the services, health checking and
// reflection on one gRPC listener. The binary (main.cc) and the tests start it
// the same way.
//
//   auto server = Server::Start({.listen = "127.0.0.1:0", .database = path});
//   (*server)->port();      // the bound port
//   (*server)->Shutdown(absl::Seconds(10));
#ifndef KOKEMUS_SERVICES_SERVER_H_
#define KOKEMUS_SERVICES_SERVER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/notify/outbox_worker.h"
#include "services/notify/smtp.h"
#include "services/notify/webhook_worker.h"
#include "services/observability/metrics.h"
#include "services/observability/metrics_http.h"
#include "services/rpc/access_guard.h"
#include "services/rpc/access_service.h"
#include "services/rpc/contract_service.h"
#include "services/rpc/matching_service.h"
#include "services/rpc/notification_service.h"
#include "services/rpc/order_service.h"
#include "services/rpc/registry_service.h"
#include "services/rpc/report_service.h"
#include "services/rpc/survey_service.h"
#include "services/rpc/training_service.h"
#include "services/storage/assignment_store.h"
#include "services/storage/calendar_feed_store.h"
#include "services/storage/database.h"
#include "services/storage/earnings_store.h"
#include "services/storage/event_store.h"
#include "services/storage/fee_schedule_store.h"
#include "services/storage/message_template_store.h"
#include "services/storage/offer_round_store.h"
#include "services/storage/order_store.h"
#include "services/storage/outbox_store.h"
#include "services/storage/registry_store.h"
#include "services/storage/sign_in_store.h"
#include "services/storage/webhook_store.h"
#include "services/web/web_server.h"

namespace kokemus {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";    // host:port; port 0 picks one
  std::string database = "data/kokemus.db";  // SQLite path or postgresql:// URL
  bool log_requests = true;
  // TLS for the listener: PEM files. With a client CA, clients must present
  // a certificate it signed (mutual TLS). Without a certificate the server
  // refuses to start unless `plaintext` asks for it (local development, or a
  // mesh that terminates TLS in front of the pod).
  bool plaintext = false;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // A plaintext listener that serves only the health service, for probes
  // that can't speak TLS (Kubernetes' gRPC probes); empty: none.
  std::string health_listen;
  // The largest request accepted; a bigger one is refused with
  // RESOURCE_EXHAUSTED before any handler runs.
  int max_request_bytes = 4 * 1024 * 1024;
  // Where /metrics is served ("0.0.0.0:9090"); empty: not served.
  std::string metrics_listen;
  // Where the web listener for people is served ("0.0.0.0:8080": calendar
  // feeds); empty: not served.
  std::string web_listen;
  // Link requests and link sign-ins on it per client address (burst 0: no
  // limit, for a proxy that is every client's address).
  domain::RateLimit web_sign_in_limit = web::Pages::kSignInLimit;
  // Survey answers on it per client address (burst 0: no limit).
  domain::RateLimit web_survey_limit = web::Pages::kSurveyLimit;
  // API keys: a file holding the pepper of their hashes (32 bytes, hex or
  // raw); empty: one made on first start and kept in the database.
  std::string key_pepper_file;
  // Per-key rate limit, how long a checked key is trusted, the deadline of
  // calls that bring none.
  rpc::AccessOptions access;
  // How often offers past their deadline are marked LAPSED (reads show them
  // as lapsed at once either way).
  absl::Duration lapse_sweep_interval = absl::Seconds(30);
  // The clock every rule decides by (offer deadlines, lapses, fees by date,
  // create times); null: the system clock. Tests and simulations pass a
  // domain::FakeClock that outlives the server.
  const domain::Clock* clock = nullptr;
  // E-mail: the outbox is delivered over SMTP when `smtp.url` is set;
  // otherwise messages wait in the outbox. The password may come from a file.
  notify::SmtpOptions smtp;
  std::string smtp_password_file;
  // Text messages, for experts who chose them, through an HTTP SMS gateway
  // when `sms.url` is set (the Authorization value from `sms_authorization_file`).
  notify::SmsOptions sms;
  std::string sms_authorization_file;
  notify::OutboxWorkerOptions outbox;
  notify::WebhookWorkerOptions webhooks;
};

// The operator's first key: a national administrator's API key made straight
// in the database of `options` (its pepper file too), valid until
// `expire_time`. Returns the key; only its hash is kept.
absl::StatusOr<std::string> IssueAdminKey(
    const ServerOptions& options, const std::string& display_name, absl::Time expire_time);

// The database of `options` with its audit key set from the pepper (the
// pepper file, or the one kept in the database), for the operator's one-shot
// jobs that write audit records or checkpoints.
absl::StatusOr<std::unique_ptr<storage::Database>> OpenDatabase(const ServerOptions& options);

// A checkpoint of the audit chains now, as protobuf JSON of
// kokemus.v1.AuditCheckpoint (what `kokemusctl audit checkpoint` writes).
absl::StatusOr<std::string> AuditCheckpointJson(const ServerOptions& options);

class Server final {
 public:
  // Opens (and migrates) the database, then listens. UNAVAILABLE if the
  // database can't be opened or the address can't be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  int port() const { return port_; }
  // The /metrics port, 0 when metrics are not served.
  int metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }
  int web_port() const { return web_server_ ? web_server_->port() : 0; }
  observability::Metrics& metrics() { return metrics_; }

  // One round of the sweeper's work at once: offers past their deadline
  // lapsed, offer rounds moved on, reminders that fell due queued, old
  // sign-in links removed. The sweeper thread runs it every
  // `lapse_sweep_interval`; tests with a fake clock call it after moving it.
  void SweepNow();

  // Health turns NOT_SERVING while the server keeps serving for `delay`, so
  // that probes and load balancers take it out before its listener closes
  // (the first step of a stop in Kubernetes; Shutdown follows).
  void Drain(absl::Duration delay);

  // Health turns NOT_SERVING, new calls are refused, calls in flight get
  // `grace` to finish (then are cancelled). Returns when all are done.
  void Shutdown(absl::Duration grace);

  ~Server();

 private:
  Server() = default;

  observability::Metrics metrics_;
  std::unique_ptr<observability::MetricsHttpServer> metrics_http_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::KeyStore> key_store_;
  std::unique_ptr<storage::AuditStore> audit_store_;
  std::unique_ptr<storage::DataSubjectStore> subjects_;
  std::unique_ptr<rpc::AccessGuard> guard_;
  std::unique_ptr<rpc::AccessService> access_;
  std::unique_ptr<storage::RegistryStore> store_;
  std::unique_ptr<storage::EarningsStore> earnings_store_;
  std::unique_ptr<rpc::RegistryService> registry_;
  std::unique_ptr<storage::OrderStore> order_store_;
  std::unique_ptr<storage::AssignmentStore> assignment_store_;
  std::unique_ptr<storage::FeeScheduleStore> fee_store_;
  std::unique_ptr<rpc::OrderService> orders_;
  std::unique_ptr<storage::ContractStore> contract_store_;
  std::unique_ptr<rpc::ContractService> contracts_;
  std::unique_ptr<storage::MatchingStore> matching_store_;
  std::unique_ptr<storage::OfferRoundStore> round_store_;
  std::unique_ptr<rpc::MatchingService> matching_;
  std::unique_ptr<rpc::NotificationService> notifications_;
  std::unique_ptr<storage::ReportStore> report_store_;
  std::unique_ptr<storage::TrainingStore> training_store_;
  std::unique_ptr<storage::SurveyStore> survey_store_;
  std::unique_ptr<storage::OutboxStore> outbox_store_;
  std::unique_ptr<storage::SignInStore> sign_in_store_;
  std::unique_ptr<storage::EventStore> event_store_;
  std::unique_ptr<storage::WebhookStore> webhook_store_;
  std::unique_ptr<storage::CalendarFeedStore> calendar_feed_store_;
  std::unique_ptr<storage::MessageTemplateStore> message_template_store_;
  std::unique_ptr<web::Pages> pages_;
  std::unique_ptr<transcode::Transcoder> transcoder_;
  std::unique_ptr<web::WebServer> web_server_;
  std::unique_ptr<notify::WebhookWorker> webhook_worker_;
  std::unique_ptr<notify::OutboxWorker> outbox_worker_;
  std::unique_ptr<rpc::ReportService> reports_;
  std::unique_ptr<rpc::TrainingService> training_;
  std::unique_ptr<rpc::SurveyService> surveys_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  int port_ = 0;
  bool shut_down_ = false;

  // The sweeper that marks lapsed offers.
  // Lapses expired offers and makes the reminders that fell due, every `interval`.
  void Sweep(absl::Duration interval);
  std::thread sweeper_;
  std::mutex sweeper_mu_;
  std::condition_variable sweeper_cv_;
  bool stopping_ = false;
};

}  // namespace kokemus

#endif  // KOKEMUS_SERVICES_SERVER_H_
