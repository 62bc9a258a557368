// What the benchmarks share: failing loudly, a free port, latency
// percentiles, and an exchange "ph" with a coordinator key, the organization
// "lyseo" and a FIXED lecturer fee of 150 €, made through the API.
#ifndef KOKEMUS_BENCH_BENCH_SUPPORT_H_
#define KOKEMUS_BENCH_BENCH_SUPPORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/common/key_channel.h"
#include "grpcpp/create_channel.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/rpc/convert.h"

namespace kokemus::bench {

inline void Check(const grpc::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error_message().c_str());
    std::exit(1);
  }
}

inline void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, std::string(s.message()).c_str());
    std::exit(1);
  }
}

// Any port the kernel gives a listener right now.
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Latencies {
  std::vector<double> ms;
  double Percentile(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  }
};

// Makes exchange "ph" with the national `admin_key` on the server at
// `address` (with `contact_email` if given), then its coordinator key
// (returned), organization "lyseo" and the lecturer's fee.
inline std::string SetUpExchange(
    const std::string& address, const std::string& admin_key, absl::Time expire,
    const std::string& contact_email = "") {
  auto admin = client::KeyChannel(address, grpc::InsecureChannelCredentials(), admin_key);
  {
    grpc::ClientContext ctx;
    v1::CreateExchangeRequest req;
    req.set_exchange_id("ph");
    req.mutable_exchange()->set_display_name("Päijät-Hämeen kokemusasiantuntijapankki");
    req.mutable_exchange()->set_wellbeing_region("PH");
    req.mutable_exchange()->set_business_id("0112038-9");
    req.mutable_exchange()->set_contact_email(contact_email);
    v1::CreateExchangeResponse resp;
    Check(v1::RegistryService::NewStub(admin)->CreateExchange(&ctx, req, &resp), "exchange");
  }
  std::string coordinator_key;
  {
    grpc::ClientContext ctx;
    v1::CreateApiKeyRequest req;
    req.set_parent("exchanges/ph");
    req.mutable_api_key()->set_display_name("bench");
    req.mutable_api_key()->set_role(v1::ACCESS_ROLE_COORDINATOR);
    *req.mutable_api_key()->mutable_expire_time() = rpc::ToProto(expire);
    v1::CreateApiKeyResponse resp;
    Check(v1::AccessService::NewStub(admin)->CreateApiKey(&ctx, req, &resp), "coordinator key");
    coordinator_key = resp.key();
  }
  auto channel = client::KeyChannel(address, grpc::InsecureChannelCredentials(), coordinator_key);
  {
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest req;
    req.set_parent("exchanges/ph");
    req.set_organization_id("lyseo");
    auto* o = req.mutable_organization();
    o->set_display_name("Lahden lyseon lukio");
    o->set_sector(v1::SECTOR_EDUCATION);
    o->set_kind(v1::ORGANIZATION_KIND_EDUCATIONAL_INSTITUTION);
    o->set_municipality("398");
    v1::CreateOrganizationResponse org;
    Check(
        v1::RegistryService::NewStub(channel)->CreateOrganization(&ctx, req, &org), "organization");
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateFeeScheduleRequest fees;
    fees.mutable_fee_schedule()->set_name("exchanges/ph/feeSchedule");
    auto* r = fees.mutable_fee_schedule()->add_role_rules();
    r->set_role(v1::ROLE_LECTURER);
    r->set_valid_from("2020-01-01");
    r->set_kind(v1::FEE_KIND_FIXED);
    r->set_amount_cents(15000);
    v1::UpdateFeeScheduleResponse resp;
    Check(v1::OrderService::NewStub(channel)->UpdateFeeSchedule(&ctx, fees, &resp), "fees");
  }
  return coordinator_key;
}

// Expert "e{i}" (a trained lecturer in Lahti, e{i}@example.fi).
inline void CreateExpert(v1::RegistryService::Stub& registry, int i) {
  grpc::ClientContext ctx;
  v1::CreateExpertRequest req;
  req.set_parent("exchanges/ph");
  req.set_expert_id(absl::StrCat("e", i));
  auto* e = req.mutable_expert();
  e->set_display_name(absl::StrCat("Kokemusasiantuntija ", i));
  e->set_email(absl::StrCat("e", i, "@example.fi"));
  e->set_home_municipality("398");
  e->add_languages("fi");
  e->add_experience_areas(v1::EXPERIENCE_AREA_MENTAL_HEALTH);
  e->add_roles(v1::ROLE_LECTURER);
  e->set_payment_method(v1::PAYMENT_METHOD_INVOICE);
  v1::Training* t = e->add_trainings();  // matching offers tasks to the trained
  t->set_provider("MIELI ry");
  t->set_title("Kokemusasiantuntijakoulutus");
  t->set_completion_date("2024-05-31");
  v1::CreateExpertResponse resp;
  Check(registry.CreateExpert(&ctx, req, &resp), "expert");
}

// Order `id` (a lecture in Lahti, 60 min, at `start`) offered to expert
// "e{expert}" until `deadline`; the assignment's name.
inline std::string OrderAndOffer(
    v1::OrderService::Stub& orders, const std::string& id, absl::Time start, int expert,
    absl::Time deadline) {
  grpc::ClientContext ctx;
  v1::CreateOrderRequest req;
  req.set_parent("exchanges/ph");
  req.set_order_id(id);
  auto* o = req.mutable_order();
  o->set_organization("exchanges/ph/organizations/lyseo");
  o->set_role(v1::ROLE_LECTURER);
  o->set_topic("Toipumistarina");
  o->set_audience(v1::AUDIENCE_STUDENTS);
  *o->mutable_start_time() = rpc::ToProto(start);
  o->set_duration_minutes(60);
  o->set_address("Kirkkokatu 1");
  o->set_municipality("398");
  o->set_language("fi");
  v1::CreateOrderResponse resp;
  Check(orders.CreateOrder(&ctx, req, &resp), "order");
  grpc::ClientContext offer_ctx;
  v1::OfferAssignmentRequest offer;
  offer.set_parent("exchanges/ph/orders/" + id);
  offer.set_assignment_id("a");
  offer.mutable_assignment()->set_expert(absl::StrCat("exchanges/ph/experts/e", expert));
  *offer.mutable_assignment()->mutable_offer_deadline() = rpc::ToProto(deadline);
  v1::OfferAssignmentResponse offered;
  Check(orders.OfferAssignment(&offer_ctx, offer, &offered), "offer");
  return offered.assignment().name();
}

}  // namespace kokemus::bench

#endif  // KOKEMUS_BENCH_BENCH_SUPPORT_H_
