// Contract generation benchmark: a real server (in this process, loopback
// gRPC, SQLite or PostgreSQL) with N confirmed assignments; C client threads
// call GenerateContract over distinct assignments; prints throughput and
// latency percentiles of the two-page Finnish contract.
//
//   contract_bench [--database PATH|postgresql://...] [--assignments 400] [--clients 2]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "clients/common/key_channel.h"
#include "grpcpp/create_channel.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/fees.h"
#include "services/rpc/convert.h"
#include "services/server.h"

ABSL_FLAG(std::string, database, "", "database (default: a fresh SQLite file in /tmp)");
ABSL_FLAG(int, assignments, 400, "confirmed assignments to generate contracts for");
ABSL_FLAG(int, clients, 2, "concurrent client threads");

namespace {

using namespace kokemus;

using bench::Check;

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string database = absl::GetFlag(FLAGS_database);
  std::string dir;
  if (database.empty()) {
    dir = (std::filesystem::temp_directory_path() / "kokemus-bench").string();
    std::filesystem::remove_all(dir);
    database = dir + "/bench.db";
  }
  ServerOptions options{.listen = "127.0.0.1:0", .database = database, .log_requests = false};
  options.plaintext = true;
  options.access.rate_limit = {.per_second = 1e6, .burst = 1e6};  // the load is one key's
  auto server = Server::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  auto admin_key = IssueAdminKey(options, "contract bench", absl::Now() + absl::Hours(24));
  if (!admin_key.ok()) {
    std::fprintf(stderr, "%s\n", std::string(admin_key.status().message()).c_str());
    return 1;
  }
  // A region: one exchange, an orderer, experts, a fee schedule, confirmed tasks.
  const std::string coordinator_key =
      bench::SetUpExchange(address, *admin_key, absl::Now() + absl::Hours(24), "pankki@example.fi");
  auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator_key);
  auto registry = v1::RegistryService::NewStub(channel);
  auto orders = v1::OrderService::NewStub(channel);
  {
    grpc::ClientContext ctx;
    v1::UpdateFeeScheduleRequest req;
    req.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    auto* r = req.mutable_fee_schedule()->add_role_rules();
    r->set_role(v1::ROLE_LECTURER);
    r->set_valid_from("2020-01-01");
    r->set_kind(v1::FEE_KIND_HOURLY);
    r->set_amount_cents(4000);
    r->set_minimum_cents(6000);
    r->set_preparation_paid(true);
    auto* t = req.mutable_fee_schedule()->add_travel_rates();
    t->set_valid_from("2020-01-01");
    t->set_cents_per_km(25);
    auto* c = req.mutable_fee_schedule()->add_cancellation_rules();
    c->set_valid_from("2020-01-01");
    c->set_orderer_notice_days(14);
    c->set_orderer_late_percent(50);
    v1::UpdateFeeScheduleResponse resp;
    Check(orders->UpdateFeeSchedule(&ctx, req, &resp), "fees");
  }
  const int n = absl::GetFlag(FLAGS_assignments);
  const char* homes[] = {"091", "398", "109", "837", "853"};
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    const std::string expert = absl::StrCat("e", i);
    {
      grpc::ClientContext ctx;
      v1::CreateExpertRequest req;
      req.set_parent("exchanges/ph");
      req.set_expert_id(expert);
      auto* e = req.mutable_expert();
      e->set_display_name(absl::StrCat("Kokemusasiantuntija ", i));
      e->set_email(absl::StrCat(expert, "@example.fi"));
      e->set_home_municipality(homes[i % 5]);
      e->add_languages("fi");
      e->add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
      e->add_roles(v1::ROLE_LECTURER);
      e->set_payment_method(v1::PAYMENT_METHOD_SALARY_TAX_CARD);
      v1::CreateExpertResponse resp;
      Check(registry->CreateExpert(&ctx, req, &resp), "expert");
    }
    const std::string order = absl::StrCat("o", i);
    {
      grpc::ClientContext ctx;
      v1::CreateOrderRequest req;
      req.set_parent("exchanges/ph");
      req.set_order_id(order);
      auto* o = req.mutable_order();
      o->set_organization("exchanges/ph/organizations/lyseo");
      o->set_role(v1::ROLE_LECTURER);
      o->set_topic("Toipumistarina ja mielenterveyden edistäminen lukiolaisille");
      o->set_audience(v1::AUDIENCE_STUDENTS);
      o->set_audience_size(60);
      *o->mutable_start_time() = rpc::ToProto(absl::Now() + absl::Hours(24 * (10 + i)));
      o->set_duration_minutes(90);
      o->set_preparation_minutes(30);
      o->set_address("Kirkkokatu 1");
      o->set_municipality("398");
      o->set_language("fi");
      v1::CreateOrderResponse resp;
      Check(orders->CreateOrder(&ctx, req, &resp), "order");
    }
    grpc::ClientContext offer_ctx;
    v1::OfferAssignmentRequest offer;
    offer.set_parent("exchanges/ph/orders/" + order);
    offer.set_assignment_id("a");
    offer.mutable_assignment()->set_expert("exchanges/ph/experts/" + expert);
    *offer.mutable_assignment()->mutable_offer_deadline() =
        rpc::ToProto(absl::Now() + absl::Hours(24));
    v1::OfferAssignmentResponse offered;
    Check(orders->OfferAssignment(&offer_ctx, offer, &offered), "offer");
    grpc::ClientContext accept_ctx;
    v1::AcceptAssignmentRequest accept;
    accept.set_name(offered.assignment().name());
    v1::AcceptAssignmentResponse accepted;
    Check(orders->AcceptAssignment(&accept_ctx, accept, &accepted), "accept");
    grpc::ClientContext confirm_ctx;
    v1::ConfirmAssignmentRequest confirm;
    confirm.set_name(offered.assignment().name());
    v1::ConfirmAssignmentResponse confirmed;
    Check(orders->ConfirmAssignment(&confirm_ctx, confirm, &confirmed), "confirm");
    names.push_back(offered.assignment().name());
  }

  const int clients = absl::GetFlag(FLAGS_clients);
  std::atomic<int> next{0};
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<long long> bytes{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = v1::ContractService::NewStub(channel);
      for (int i; (i = next++) < n;) {
        const absl::Time t0 = absl::Now();
        grpc::ClientContext ctx;
        v1::GenerateContractRequest req;
        req.set_assignment(names[i]);
        req.set_language("fi");
        v1::GenerateContractResponse resp;
        Check(stub->GenerateContract(&ctx, req, &resp), "generate");
        latencies[c].push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };

  // One document's size and pages, for the record.
  auto contracts = v1::ContractService::NewStub(channel);
  grpc::ClientContext list_ctx;
  v1::ListContractsRequest list;
  list.set_parent("exchanges/ph");
  list.set_page_size(1);
  v1::ListContractsResponse listed;
  Check(contracts->ListContracts(&list_ctx, list, &listed), "list");
  grpc::ClientContext doc_ctx;
  v1::GetContractDocumentRequest doc;
  doc.set_name(listed.contracts(0).name());
  v1::GetContractDocumentResponse document;
  Check(contracts->GetContractDocument(&doc_ctx, doc, &document), "document");

  std::printf(
      "contracts: %d, clients: %d, database: %s\n", n, clients,
      database.rfind("postgres", 0) == 0 ? "postgresql" : "sqlite");
  std::printf("throughput: %.1f contracts/s\n", n / seconds);
  std::printf(
      "latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", pct(0.5), pct(0.9), pct(0.99),
      all.back());
  std::printf("document: %zu bytes\n", document.content().size());
  (*server)->Shutdown(absl::Seconds(5));
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
