// libFuzzer target: request handling of every service. Each input is one
// call on a real server in this process (gRPC over loopback, SQLite): the
// first byte picks the caller (national administrator, the coordinator of
// exchange "ph", an expert of it, an orderer system of it, or no key), the
// second the method (every method of every kokemus.v1 service, in the order
// of their full names), the rest is the request's bytes as sent, parseable
// or not. The server must not crash, leak or misbehave under the sanitizers,
// and no call may end INTERNAL or UNKNOWN: any input is the caller's mistake,
// answered with its own code.
//
//   scripts/fuzz.sh 60      (all targets; this one alone: see fuzz.sh's loop)
//
// The seed corpus is written by the target itself from the requests below
// (so it follows the API): KOKEMUS_FUZZ_WRITE_SEEDS=DIR build-asan/bin/request_fuzz
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "services/domain/access.h"
#include "tests/test_support.h"

namespace {

using kokemus::domain::AccessRole;
namespace ts = kokemus::testing_support;
namespace pb = google::protobuf;

constexpr const char* kServices[] = {"kokemus.v1.AccessService",   "kokemus.v1.ContractService",
                                     "kokemus.v1.MatchingService", "kokemus.v1.NotificationService",
                                     "kokemus.v1.OrderService",    "kokemus.v1.RegistryService",
                                     "kokemus.v1.ReportService"};

struct Fixture {
  std::unique_ptr<ts::TestServer> server;
  std::vector<std::shared_ptr<grpc::Channel>> callers;  // by the first byte
  std::vector<const pb::MethodDescriptor*> methods;     // by the second byte
};

Fixture* fixture = nullptr;

// Setup that must hold for the fuzzing to mean anything: stop at once if not.
void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "request_fuzz: setup failed: %s\n", what);
  std::abort();
}

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return "";
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::Status Call(
    grpc::Channel& channel, const pb::MethodDescriptor& method, const std::string& request) {
  const std::string path =
      "/" + std::string(method.service()->full_name()) + "/" + std::string(method.name());
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ClientContext context;
  // WatchEvents streams until its deadline; the others answer at once.
  const bool watch = method.name() == "WatchEvents";
  context.set_deadline(
      std::chrono::system_clock::now() + std::chrono::milliseconds(watch ? 50 : 20000));
  if (!method.server_streaming()) {
    grpc::ByteBuffer out;
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        &channel, grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
        &context, in, &out);
  }
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          &channel,
          grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING),
          &context, in));
  grpc::ByteBuffer out;
  while (reader->Read(&out)) {
  }
  return reader->Finish();
}

// Requests that reach deep into each service, one per line of the corpus:
// the caller's index, the method's full name, the request in text format.
struct Seed {
  int caller;
  const char* method;
  const char* request;
};
constexpr Seed kSeeds[] = {
    {1, "kokemus.v1.RegistryService.GetExpert", R"(name: "exchanges/ph/experts/kaisa")"},
    {1, "kokemus.v1.RegistryService.ListExperts",
     R"(parent: "exchanges/ph" page_size: 2 filter: "municipality = \"398\" AND role = LECTURER")"},
    {1, "kokemus.v1.RegistryService.UpdateExpert",
     R"(expert { name: "exchanges/ph/experts/kaisa" display_name: "K" } update_mask { paths: "display_name" })"},
    {1, "kokemus.v1.RegistryService.CreateExpert",
     R"(parent: "exchanges/ph" expert_id: "new" expert { display_name: "Uusi" email: "u@example.fi" })"},
    {1, "kokemus.v1.RegistryService.ListOrganizations", R"(parent: "exchanges/ph")"},
    {0, "kokemus.v1.RegistryService.CreateExchange",
     R"(exchange_id: "vantaa" exchange { display_name: "Vantaa" })"},
    {1, "kokemus.v1.OrderService.ListOrders", R"(parent: "exchanges/ph" filter: "state = OPEN")"},
    {1, "kokemus.v1.OrderService.GetOrder", R"(name: "exchanges/ph/orders/o1")"},
    {3, "kokemus.v1.OrderService.CreateOrder",
     R"(parent: "exchanges/ph" order_id: "o2" order { organization: "exchanges/ph/organizations/school" topic: "Oppitunti" role: ROLE_LECTURER audience: AUDIENCE_STUDENTS municipality: "398" address: "Koulukatu 1" duration_minutes: 90 language: "fi" start_time { seconds: 1893456000 } })"},
    {1, "kokemus.v1.OrderService.OfferAssignment",
     R"(parent: "exchanges/ph/orders/o1" assignment { expert: "exchanges/ph/experts/kaisa" })"},
    {1, "kokemus.v1.OrderService.UpdateFeeSchedule",
     R"(fee_schedule { name: "exchanges/ph/feeSchedule" })"},
    {2, "kokemus.v1.OrderService.ListAssignments", R"(parent: "exchanges/ph/orders/-")"},
    {1, "kokemus.v1.MatchingService.RankExperts", R"(order: "exchanges/ph/orders/o1")"},
    {1, "kokemus.v1.ContractService.GenerateContract",
     R"(assignment: "exchanges/ph/orders/o1/assignments/a1" language: "fi")"},
    {1, "kokemus.v1.ReportService.GetStatistics",
     R"(parent: "exchanges/ph" start_time { seconds: 1767225600 } end_time { seconds: 1798761600 })"},
    {1, "kokemus.v1.ReportService.ExportAssignments",
     R"(parent: "exchanges/ph" start_time { seconds: 1767225600 } end_time { seconds: 1798761600 })"},
    {1, "kokemus.v1.AccessService.ListAuditRecords", R"(parent: "exchanges/ph")"},
    {1, "kokemus.v1.NotificationService.WatchEvents", R"(parent: "exchanges/ph")"},
    {4, "kokemus.v1.RegistryService.GetExpert", R"(name: "exchanges/ph/experts/kaisa")"},
};

void WriteSeeds(const Fixture& f, const std::string& dir) {
  int written = 0;
  for (const Seed& seed : kSeeds) {
    const auto at = std::find_if(f.methods.begin(), f.methods.end(), [&](const auto* m) {
      return m->full_name() == seed.method;
    });
    if (at == f.methods.end()) {
      std::fprintf(stderr, "request_fuzz: no method %s (seed skipped)\n", seed.method);
      continue;
    }
    pb::DynamicMessageFactory factory;
    std::unique_ptr<pb::Message> request(factory.GetPrototype((*at)->input_type())->New());
    if (!pb::TextFormat::ParseFromString(seed.request, request.get())) {
      std::fprintf(stderr, "request_fuzz: seed for %s does not parse (skipped)\n", seed.method);
      continue;
    }
    std::string bytes;
    bytes.push_back(static_cast<char>(seed.caller));
    bytes.push_back(static_cast<char>(at - f.methods.begin()));
    bytes += request->SerializeAsString();
    std::ofstream(
        dir + "/" + std::string((*at)->name()) + "_" + std::to_string(written++), std::ios::binary)
        << bytes;
  }
  std::fprintf(stderr, "request_fuzz: wrote %d seeds to %s\n", written, dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // libprotobuf's line per string with invalid UTF-8 would flood the output
  // (the server binary drops them too).
  google::protobuf::SetLogHandler(nullptr);
  fixture = new Fixture;
  Fixture& f = *fixture;
  f.server = std::make_unique<ts::TestServer>(ts::Backend::kSqlite);
  ts::CreateFuzzFixtures(*f.server);
  ts::TestKeys& keys = f.server->keys();
  const std::string address = f.server->address();
  f.callers = {
      ts::KeyChannel(address, keys.Admin()),
      ts::KeyChannel(address, keys.Coordinator("ph")),
      ts::KeyChannel(address, keys.Make(AccessRole::kExpert, "ph", "", "kaisa")),
      ts::KeyChannel(address, keys.Make(AccessRole::kOrdererSystem, "ph", "school")),
      ts::KeyChannel(address, ""),
  };
  const pb::DescriptorPool& pool = *pb::DescriptorPool::generated_pool();
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service = pool.FindServiceByName(name);
    Require(service != nullptr, name);
    for (int i = 0; i < service->method_count(); ++i) f.methods.push_back(service->method(i));
  }
  std::sort(f.methods.begin(), f.methods.end(), [](const auto* a, const auto* b) {
    return a->full_name() < b->full_name();
  });
  Require(f.methods.size() <= 256, "at most 256 methods fit the method byte");
  // The setup went through: the coordinator sees the order.
  grpc::ClientContext context;
  kokemus::v1::GetOrderRequest get;
  get.set_name("exchanges/ph/orders/o1");
  kokemus::v1::GetOrderResponse order;
  Require(
      kokemus::v1::OrderService::NewStub(f.callers[1])->GetOrder(&context, get, &order).ok(),
      "GetOrder of the seeded order");
  // libFuzzer ends with exit(): stop the server and join its threads first.
  // Left running, a server thread read memory freed by a static destructor
  // (ASan, heap-use-after-free in thread T1 after "Done"). Registered after
  // the setup, this runs before the destructors of what the setup made.
  std::atexit([] {
    delete fixture;
    fixture = nullptr;
  });
  if (const char* dir = std::getenv("KOKEMUS_FUZZ_WRITE_SEEDS")) {
    WriteSeeds(f, dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Fixture& f = *fixture;
  grpc::Channel& caller = *f.callers[data[0] % f.callers.size()];
  const pb::MethodDescriptor& method = *f.methods[data[1] % f.methods.size()];
  const std::string request(reinterpret_cast<const char*>(data) + 2, size - 2);
  const grpc::Status status = Call(caller, method, request);
  if (status.error_code() == grpc::StatusCode::INTERNAL ||
      status.error_code() == grpc::StatusCode::UNKNOWN) {
    std::fprintf(
        stderr, "request_fuzz: %s answered %d: %s\n", std::string(method.full_name()).c_str(),
        static_cast<int>(status.error_code()), status.error_message().c_str());
    std::abort();
  }
  return 0;
}
