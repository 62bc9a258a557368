// libFuzzer target: the HTTP/JSON transcoder in front of every service. Each
// input is one HTTP call on a real server in this process (SQLite): the first
// byte picks the caller's key (national administrator, the coordinator of
// exchange "ph", an expert of it, none), the second the HTTP method, then the
// path with its query up to the first newline, and the body after it. The
// transcoder must not crash, leak or misbehave under the sanitizers, and no
// call may end 500: any input is the caller's mistake, answered as such.
//
//   scripts/fuzz.sh 60      (all targets)
//   build-asan/bin/http_fuzz -max_total_time=60 tests/fuzz/corpus/http
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/create_channel.h"
#include "services/domain/access.h"
#include "services/transcode/path_template.h"
#include "services/transcode/transcoder.h"
#include "tests/test_support.h"

namespace {

using kokemus::domain::AccessRole;
namespace ts = kokemus::testing_support;
namespace tc = kokemus::transcode;

constexpr const char* kMethods[] = {"GET", "POST", "PATCH", "DELETE", "PUT"};

struct Fixture {
  std::unique_ptr<ts::TestServer> server;
  std::unique_ptr<tc::Transcoder> transcoder;
  std::vector<std::string> keys;  // by the first byte
};

Fixture* fixture = nullptr;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "http_fuzz: setup failed: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  fixture = new Fixture;
  Fixture& f = *fixture;
  f.server = std::make_unique<ts::TestServer>(ts::Backend::kSqlite);
  ts::CreateFuzzFixtures(*f.server);
  ts::TestKeys& keys = f.server->keys();
  f.keys = {
      keys.Admin(), keys.Coordinator("ph"), keys.Make(AccessRole::kExpert, "ph", "", "kaisa"), ""};
  std::vector<std::string> services;
  for (const std::string& name : ts::ServiceNames(f.server->address())) {
    if (name.rfind("kokemus.", 0) == 0) services.push_back(name);
  }
  auto transcoder = tc::Transcoder::ForServices(
      grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials()), services);
  Require(transcoder.ok(), "the transcoder");
  f.transcoder = *std::move(transcoder);
  // The setup went through: the coordinator reads the order over HTTP.
  tc::HttpCall get;
  get.method = "GET";
  get.path = "/v1/exchanges/ph/orders/o1";
  get.authorization = "Bearer " + f.keys[1];
  Require(f.transcoder->Handle(get).response.status == 200, "GET of the seeded order");
  // libFuzzer ends with exit(): stop the server and join its threads first.
  std::atexit([] {
    delete fixture;
    fixture = nullptr;
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Fixture& f = *fixture;
  const std::string& key = f.keys[data[0] % f.keys.size()];
  tc::HttpCall call;
  call.method = kMethods[data[1] % (sizeof kMethods / sizeof kMethods[0])];
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t newline = text.find('\n');
  const std::string target = text.substr(0, newline);
  if (newline != std::string::npos) call.body = text.substr(newline + 1);
  const size_t question = target.find('?');
  call.path = target.substr(0, question);
  if (question != std::string::npos) {
    // As the web listener hands them over: decoded, in order.
    for (absl::string_view pair : absl::StrSplit(target.substr(question + 1), '&')) {
      std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      auto name = tc::PercentDecode(kv[0]);
      auto value = tc::PercentDecode(kv.size() > 1 ? kv[1] : "");
      if (name && value) call.query.emplace_back(*name, *value);
    }
  }
  if (!key.empty()) call.authorization = "Bearer " + key;
  call.timeout = "0.2";  // WatchEvents streams until its deadline
  call.client_address = "192.0.2.1";
  tc::Transcoder::Answer answer = f.transcoder->Handle(call);
  if (answer.stream != nullptr) {
    std::string chunk;
    while (answer.stream->Next(&chunk)) {
    }
  }
  if (answer.response.status >= 500 && answer.response.status != 503 &&
      answer.response.status != 504) {
    std::fprintf(
        stderr, "http_fuzz: %s %s answered %d: %s\n", call.method.c_str(), target.c_str(),
        answer.response.status, answer.response.body.c_str());
    std::abort();
  }
  return 0;
}
