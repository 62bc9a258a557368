// TLS and mutual TLS on the gRPC listener, and the plaintext health-only
// listener that Kubernetes' gRPC probes use when TLS is on.
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using testing_support::ReadFile;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A self-signed certificate for localhost that also serves as the client
    // CA and the client's own certificate.
    auto r = testing_support::RunProcess(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
         dir_ + "/key.pem", "-out", dir_ + "/cert.pem", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    cert_ = ReadFile(dir_ + "/cert.pem");
    key_ = ReadFile(dir_ + "/key.pem");
  }

  std::unique_ptr<Server> Start(bool mutual) {
    ServerOptions options{.listen = "127.0.0.1:0", .database = db_.url(), .log_requests = false};
    options.tls_cert_file = dir_ + "/cert.pem";
    options.tls_key_file = dir_ + "/key.pem";
    if (mutual) options.tls_client_ca_file = dir_ + "/cert.pem";
    options.health_listen = absl::StrCat("127.0.0.1:", testing_support::FreePort());
    health_address_ = options.health_listen;
    auto server = Server::Start(options);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  grpc::StatusCode List(std::shared_ptr<grpc::ChannelCredentials> creds, int port) {
    auto stub = v1::RegistryService::NewStub(
        testing_support::KeyChannel(absl::StrCat("localhost:", port), keys_.Admin(), creds));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ListExchangesRequest req;
    v1::ListExchangesResponse resp;
    return stub->ListExchanges(&ctx, req, &resp).error_code();
  }

  std::string dir_ = testing_support::MakeTempDir();
  testing_support::TestDatabase db_{testing_support::Backend::kSqlite};
  testing_support::TestKeys keys_{db_.url()};
  std::string cert_, key_, health_address_;
};

TEST_F(TlsTest, ServesTlsAndKeepsHealthPlaintextForProbes) {
  auto server = Start(/*mutual=*/false);
  ASSERT_NE(server, nullptr);
  grpc::SslCredentialsOptions trusted;
  trusted.pem_root_certs = cert_;
  EXPECT_EQ(List(grpc::SslCredentials(trusted), server->port()), grpc::StatusCode::OK);
  EXPECT_EQ(
      List(grpc::InsecureChannelCredentials(), server->port()), grpc::StatusCode::UNAVAILABLE);

  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(health_address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutACertificate) {
  auto server = Start(/*mutual=*/true);
  ASSERT_NE(server, nullptr);
  grpc::SslCredentialsOptions anonymous;
  anonymous.pem_root_certs = cert_;
  EXPECT_EQ(List(grpc::SslCredentials(anonymous), server->port()), grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions with_cert = anonymous;
  with_cert.pem_private_key = key_;
  with_cert.pem_cert_chain = cert_;
  EXPECT_EQ(List(grpc::SslCredentials(with_cert), server->port()), grpc::StatusCode::OK);
}

TEST_F(TlsTest, AMissingCertificateFileIsAClearError) {
  ServerOptions options{.listen = "127.0.0.1:0", .database = db_.url(), .log_requests = false};
  options.tls_cert_file = dir_ + "/missing.pem";
  options.tls_key_file = dir_ + "/key.pem";
  auto server = Server::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      server.status().message(),
      absl::StrCat("cannot read the TLS certificate file ", dir_, "/missing.pem"));
}

TEST_F(TlsTest, PlaintextOnlyWhenAskedFor) {
  ServerOptions options{.listen = "127.0.0.1:0", .database = db_.url(), .log_requests = false};
  auto refused = Server::Start(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      refused.status().message(),
      "no TLS certificate: give --tls_cert_file and --tls_key_file, or --plaintext for "
      "local development");
  options.plaintext = true;
  options.tls_cert_file = dir_ + "/cert.pem";
  options.tls_key_file = dir_ + "/key.pem";
  auto both = Server::Start(options);
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(both.status().message(), "--plaintext and --tls_cert_file contradict each other");
  options.tls_cert_file.clear();
  options.tls_key_file.clear();
  auto plain = Server::Start(options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(List(grpc::InsecureChannelCredentials(), (*plain)->port()), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace kokemus
