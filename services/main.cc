// kokemus-server: the Kokemus gRPC service.
//
//   kokemus-server --listen 0.0.0.0:50051 --database data/kokemus.db
//   kokemus-server --database postgresql://kokemus@db/kokemus --tls_cert_file ...
//   kokemus-server --database data/kokemus.db --issue_admin_key "operator"
//
// SIGTERM or SIGINT: health goes NOT_SERVING, the server keeps serving for
// --drain_delay, then new calls are refused, calls in flight finish, exit 0.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/stubs/logging.h"
#include "services/rpc/request_log.h"
#include "services/server.h"
#include "services/storage/data_subject_store.h"

ABSL_FLAG(
    std::string, listen, "127.0.0.1:50051",
    "host:port to listen on (0.0.0.0:50051 for all interfaces)");
ABSL_FLAG(
    std::string, database, "data/kokemus.db",
    "SQLite file (created on first run) or postgresql:// URL; the "
    "KOKEMUS_DATABASE environment variable overrides the default");
ABSL_FLAG(
    absl::Duration, drain_delay, absl::ZeroDuration(),
    "after SIGTERM, how long to keep serving with health NOT_SERVING before the "
    "listener closes (in Kubernetes: longer than the readiness probe needs to see it)");
ABSL_FLAG(
    absl::Duration, shutdown_grace, absl::Seconds(20),
    "how long calls in flight may run after SIGTERM");
ABSL_FLAG(
    std::string, metrics_listen, "",
    "IPV4:PORT to serve Prometheus metrics at /metrics (for example "
    "0.0.0.0:9090); empty: not served");
ABSL_FLAG(
    absl::Duration, lapse_sweep, absl::Seconds(30),
    "how often offers past their deadline are marked LAPSED");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate chain; serves TLS when set");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of the certificate");
ABSL_FLAG(
    std::string, tls_client_ca_file, "",
    "PEM CA bundle; when set, clients must present a certificate it signed");
ABSL_FLAG(
    std::string, health_listen, "",
    "host:port of a plaintext listener serving only grpc.health.v1 (for probes "
    "when TLS is on)");
ABSL_FLAG(
    bool, plaintext, false,
    "serve without TLS (local development, or behind a mesh that adds TLS); without "
    "this or --tls_cert_file the server refuses to start");
ABSL_FLAG(
    std::string, key_pepper_file, "",
    "file with the secret (32 to 64 bytes) that API key hashes are keyed with; "
    "empty: one made on first start and kept in the database");
ABSL_FLAG(
    std::string, smtp_url, "",
    "SMTP server for the outbox's e-mail, smtp://HOST:PORT (STARTTLS when offered) or "
    "smtps://HOST:PORT; empty: messages wait in the outbox, nothing is sent");
ABSL_FLAG(std::string, smtp_from, "kokemus@localhost", "the sender address of every e-mail");
ABSL_FLAG(std::string, smtp_username, "", "SMTP user name; empty: no authentication");
ABSL_FLAG(std::string, smtp_password_file, "", "file holding the SMTP password");
ABSL_FLAG(
    absl::Duration, outbox_lease, absl::Minutes(2),
    "how long a message in delivery is held; after a crash it goes again once this runs out");
ABSL_FLAG(
    std::string, web_base_url, "",
    "The public address of the self-service pages (https://kokemus.example.fi): messages then "
    "carry single-use sign-in links to the matter; empty: messages go without links");
ABSL_FLAG(
    std::string, web_listen, "",
    "IPV4:PORT of the web listener for people (calendar feeds at /calendar/TOKEN.ics); empty: "
    "none. Serve it behind TLS (an ingress or a mesh): its addresses hold secrets");
ABSL_FLAG(bool, smtp_require_tls, false, "send e-mail only over TLS (STARTTLS or smtps)");
ABSL_FLAG(
    std::string, sms_url, "",
    "HTTP(S) endpoint of an SMS gateway for experts who chose text messages; empty: none");
ABSL_FLAG(
    std::string, sms_authorization_file, "",
    "file holding the gateway's Authorization header value (\"Bearer ...\")");
ABSL_FLAG(
    std::string, sms_content_type, "application/json",
    "content type of a gateway request: application/json or application/x-www-form-urlencoded");
ABSL_FLAG(
    std::string, sms_body_template, R"({"to":"{{to}}","text":"{{text}}"})",
    "body of a gateway request; {{to}} and {{text}} are filled in, escaped for the content type");
ABSL_FLAG(double, rate_limit, 50, "calls per second each API key may make on average");
ABSL_FLAG(double, rate_burst, 100, "calls an API key may make at once before the rate applies");
ABSL_FLAG(
    double, failed_auth_burst, 50,
    "failed authentications a client address may make at once before its unknown keys "
    "are refused (0: no limit, for a proxy that is every client's address)");
ABSL_FLAG(double, failed_auth_rate, 5, "failed authentications per second after the burst");
ABSL_FLAG(
    double, web_sign_in_burst, 30,
    "sign-in link requests and sign-ins a client address may make at once on the web listener "
    "(0: no limit, for a proxy that is every client's address)");
ABSL_FLAG(double, web_sign_in_rate, 1.0 / 6, "web sign-ins per second after the burst");
ABSL_FLAG(
    double, web_survey_burst, 300,
    "survey answers from one client address at once (a class behind one school address); 0: no "
    "limit, for a proxy that is every client's address");
ABSL_FLAG(double, web_survey_rate, 5, "survey answers per second after the burst");
ABSL_FLAG(
    absl::Duration, default_deadline, absl::Seconds(30),
    "how long a call that brings no deadline may run");
ABSL_FLAG(
    std::string, issue_admin_key, "",
    "make a national administrator's API key with this display name, print it on "
    "stdout and exit (the operator's first key; it can make every other)");
ABSL_FLAG(
    absl::Duration, admin_key_lifetime, absl::Hours(24 * 90),
    "how long a key from --issue_admin_key is valid");
ABSL_FLAG(
    bool, apply_retention, false,
    "erase the experts that every exchange's retention rule says are due, print how many "
    "and exit (an operator's scheduled job; each erasure is audited)");
ABSL_FLAG(
    std::string, audit_checkpoint_dir, "",
    "write a checkpoint of the audit chains (their heads, sealed with the audit key) to "
    "DIR/audit-checkpoint-TIME.json and exit (an operator's scheduled job; keep DIR outside "
    "the database's reach)");
ABSL_FLAG(
    bool, migrate_only, false,
    "apply pending database migrations and exit (a deployment's pre-upgrade job)");

namespace {

// libprotobuf's own messages: fatal ones are kept (as a structured line, the
// message's text escaped), the rest dropped (see main).
void ProtobufLog(
    google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  if (level < google::protobuf::LOGLEVEL_FATAL) return;
  kokemus::rpc::LogLine(absl::StrFormat(
      R"({"event":"protobuf_fatal","file":"%s","line":%d,"message":"%s"})", absl::CEscape(file),
      line, absl::CEscape(message)));
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Kokemus gRPC server.\n  kokemus-server --listen HOST:PORT --database "
      "PATH|postgresql://URL");
  absl::ParseCommandLine(argc, argv);
  // gRPC's sync server runs calls on many threads and glibc gives each its
  // own malloc arena, which it keeps: a flood of calls (HTTP/2 rapid reset,
  // malformed requests) left 1.4 GB resident after it ended. Two arenas
  // keep it at tens of MB (bench/README.md, rapid reset).
  mallopt(M_ARENA_MAX, 2);
  // libprotobuf writes a plain line to stderr for every request with invalid
  // UTF-8 in a string (request_fuzz found them): one per bad call, not JSON.
  // The request log already has that call, refused INVALID_ARGUMENT.
  google::protobuf::SetLogHandler(ProtobufLog);

  // Block the stop signals in every thread (gRPC's threads inherit the mask)
  // and take them synchronously below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  kokemus::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.database = absl::GetFlag(FLAGS_database);
  if (const char* env = std::getenv("KOKEMUS_DATABASE");
      env != nullptr && *env != '\0' && options.database == "data/kokemus.db") {
    options.database = env;
  }
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.lapse_sweep_interval = absl::GetFlag(FLAGS_lapse_sweep);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  options.plaintext = absl::GetFlag(FLAGS_plaintext);
  options.key_pepper_file = absl::GetFlag(FLAGS_key_pepper_file);
  options.smtp.url = absl::GetFlag(FLAGS_smtp_url);
  options.smtp.from = absl::GetFlag(FLAGS_smtp_from);
  options.smtp.username = absl::GetFlag(FLAGS_smtp_username);
  options.smtp_password_file = absl::GetFlag(FLAGS_smtp_password_file);
  options.smtp.require_tls = absl::GetFlag(FLAGS_smtp_require_tls);
  options.outbox.lease = absl::GetFlag(FLAGS_outbox_lease);
  options.outbox.web_base_url = absl::GetFlag(FLAGS_web_base_url);
  options.web_listen = absl::GetFlag(FLAGS_web_listen);
  options.sms.url = absl::GetFlag(FLAGS_sms_url);
  options.sms_authorization_file = absl::GetFlag(FLAGS_sms_authorization_file);
  options.sms.content_type = absl::GetFlag(FLAGS_sms_content_type);
  options.sms.body_template = absl::GetFlag(FLAGS_sms_body_template);
  options.access.rate_limit = {
      .per_second = absl::GetFlag(FLAGS_rate_limit), .burst = absl::GetFlag(FLAGS_rate_burst)};
  options.access.default_deadline = absl::GetFlag(FLAGS_default_deadline);
  options.web_sign_in_limit = {
      .per_second = absl::GetFlag(FLAGS_web_sign_in_rate),
      .burst = absl::GetFlag(FLAGS_web_sign_in_burst)};
  options.web_survey_limit = {
      .per_second = absl::GetFlag(FLAGS_web_survey_rate),
      .burst = absl::GetFlag(FLAGS_web_survey_burst)};
  options.access.failed_authentications = {
      .per_second = absl::GetFlag(FLAGS_failed_auth_rate),
      .burst = absl::GetFlag(FLAGS_failed_auth_burst)};
  if (const std::string name = absl::GetFlag(FLAGS_issue_admin_key); !name.empty()) {
    auto key = kokemus::IssueAdminKey(
        options, name, absl::Now() + absl::GetFlag(FLAGS_admin_key_lifetime));
    if (!key.ok()) {
      std::fprintf(stderr, "kokemus-server: %s\n", std::string(key.status().message()).c_str());
      return 1;
    }
    std::printf("%s\n", key->c_str());
    return 0;
  }
  if (const std::string dir = absl::GetFlag(FLAGS_audit_checkpoint_dir); !dir.empty()) {
    auto json = kokemus::AuditCheckpointJson(options);
    if (!json.ok()) {
      std::fprintf(stderr, "kokemus-server: %s\n", std::string(json.status().message()).c_str());
      return 1;
    }
    const std::string path = absl::StrCat(
        dir, "/audit-checkpoint-",
        absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()), ".json");
    std::ofstream out(path, std::ios::binary);
    out << *json;
    out.close();
    if (!out) {
      std::fprintf(stderr, "kokemus-server: cannot write %s\n", path.c_str());
      return 1;
    }
    kokemus::rpc::LogLine(
        absl::StrFormat(R"({"event":"audit_checkpoint","file":"%s"})", absl::CEscape(path)));
    return 0;
  }
  if (absl::GetFlag(FLAGS_apply_retention)) {
    // Its erasures are audited: sealed with the server's audit key.
    auto db = kokemus::OpenDatabase(options);
    if (!db.ok()) {
      std::fprintf(stderr, "kokemus-server: %s\n", std::string(db.status().message()).c_str());
      return 1;
    }
    kokemus::storage::AuditRecord by;
    by.role = "OPERATOR";
    by.method = "kokemus-server --apply_retention";
    auto erased = kokemus::storage::DataSubjectStore(**db).ApplyRetention("", absl::Now(), by);
    if (!erased.ok()) {
      std::fprintf(stderr, "kokemus-server: %s\n", std::string(erased.status().message()).c_str());
      return 1;
    }
    kokemus::rpc::LogLine(
        absl::StrFormat(R"({"event":"retention_applied","erased_experts":%d})", erased->size()));
    return 0;
  }
  if (absl::GetFlag(FLAGS_migrate_only)) {
    auto db = kokemus::storage::Database::Open(options.database);
    if (!db.ok()) {
      std::fprintf(stderr, "kokemus-server: %s\n", std::string(db.status().message()).c_str());
      return 1;
    }
    auto applied = (*db)->AppliedMigrations();
    kokemus::rpc::LogLine(absl::StrFormat(
        R"({"event":"migrated","schema_version":%d})",
        applied.ok() && !applied->empty() ? applied->back() : 0));
    return 0;
  }
  auto server = kokemus::Server::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "kokemus-server: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  kokemus::rpc::LogLine(absl::StrFormat(
      R"({"event":"started","port":%d,"metrics_port":%d,"database":"%s"})", (*server)->port(),
      (*server)->metrics_port(),
      options.database.rfind("postgres", 0) == 0 ? "postgresql" : "sqlite"));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  kokemus::rpc::LogLine(absl::StrFormat(
      R"({"event":"stopping","signal":"%s"})", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"));
  (*server)->Drain(absl::GetFlag(FLAGS_drain_delay));
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  kokemus::rpc::LogLine(R"({"event":"stopped"})");
  return 0;
}
