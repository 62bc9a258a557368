// create|get|list|update|delete of exchanges, experts, organizations and
// orders: their requests and responses differ only in the resource's field
// name, which reflection reaches generically.
#include <tuple>

#include "absl/strings/str_cat.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

// The RPCs and table columns of one noun.
template <
    typename Stub, typename CreateReq, typename CreateResp, typename GetReq, typename GetResp,
    typename ListReq, typename ListResp, typename UpdateReq, typename UpdateResp,
    typename DeleteReq, typename DeleteResp>
struct Noun {
  absl::string_view singular;    // "expert"
  absl::string_view collection;  // "experts"
  bool scoped;                   // lives under exchanges/{exchange}
  UnaryRpc<Stub, CreateReq, CreateResp> create;
  UnaryRpc<Stub, GetReq, GetResp> get;
  UnaryRpc<Stub, ListReq, ListResp> list;
  UnaryRpc<Stub, UpdateReq, UpdateResp> update;
  UnaryRpc<Stub, DeleteReq, DeleteResp> remove;  // nullptr: no delete
  std::vector<std::string> columns;
  // Draws the list's table instead of `columns` (nullptr: the columns).
  void (*table)(Session&, const ListResp&) = nullptr;
};

template <typename N>
std::string Name(Session& s, const N& noun) {
  return noun.scoped ? s.NameIn(noun.collection) : s.ExchangeName(s.RequireId());
}

template <typename Stub, typename... T>
int RunNoun(Session& s, const Noun<Stub, T...>& noun) {
  using Types = std::tuple<T...>;
  const Command& c = s.command();
  if (s.verb() == "create") {
    std::tuple_element_t<0, Types> req;
    if (noun.scoped) SetString(req, "parent", s.Parent());
    SetString(req, absl::StrCat(noun.singular, "_id"), s.RequireId());
    req.set_request_id(c.request_id);
    SetFields(s.TakeFlags(), MutableField(req, noun.singular));
    s.ExpandReferences(*MutableField(req, noun.singular));
    return s.Show(noun.create, req);
  }
  if (s.verb() == "get") {
    s.RequireNoMoreFlags();
    std::tuple_element_t<2, Types> req;
    req.set_name(Name(s, noun));
    return s.Show(noun.get, req);
  }
  if (s.verb() == "list") {
    s.RequireNoMoreFlags();
    if (noun.table == nullptr) {
      return s.List(noun.list, noun.scoped ? s.Parent() : "", noun.collection, noun.columns);
    }
    std::tuple_element_t<4, Types> req;
    if (noun.scoped) SetString(req, "parent", s.Parent());
    return s.List(noun.list, req, [&](const auto& all) { noun.table(s, all); });
  }
  if (s.verb() == "update") {
    std::tuple_element_t<6, Types> req;
    google::protobuf::Message* resource = MutableField(req, noun.singular);
    SetString(*resource, "name", Name(s, noun));
    SetString(*resource, "etag", c.etag);
    const Flags flags = s.TakeFlags();
    if (flags.empty()) throw UsageError{"update needs at least one --FIELD VALUE"};
    for (const auto& p : SetFields(flags, resource)) req.mutable_update_mask()->add_paths(p);
    s.ExpandReferences(*resource);
    return s.Show(noun.update, req);
  }
  if (s.verb() == "delete" && noun.remove != nullptr) {
    s.RequireNoMoreFlags();
    std::tuple_element_t<8, Types> req;
    req.set_name(Name(s, noun));
    req.set_etag(c.etag);
    const int code = s.Show(noun.remove, req);
    if (!s.json()) s.out() << "deleted " << req.name() << "\n";
    return code;
  }
  throw UsageError{absl::StrCat("unknown verb ", s.verb(), " for ", noun.singular)};
}

using R = v1::RegistryService::Stub;
using O = v1::OrderService::Stub;

// Orders as a coordinator scans them (issue 17): when, who ordered, what,
// how many places, and where it stands.
void OrderTable(Session& s, const v1::ListOrdersResponse& all) {
  std::vector<std::vector<std::string>> cells = {
      {"ORDER", "TIME", "ORDERER", "TOPIC", "ROLE", "PLACES", "STATE"}};
  for (const v1::Order& o : all.orders()) {
    const auto* d = o.GetDescriptor();
    cells.push_back(
        {ShortName(o.name()), o.has_start_time() ? HelsinkiShort(o.start_time()) : "",
         Cut(s.DisplayName(o.organization()), 24), Cut(o.topic(), 28),
         HumanField(o, d->FindFieldByName("role")), absl::StrCat(o.experts_needed()),
         HumanField(o, d->FindFieldByName("state"))});
  }
  PrintCells(cells, s.out());
}

}  // namespace

int ExchangeCommand(Session& s) {
  return RunNoun(
      s, Noun<
             R, v1::CreateExchangeRequest, v1::CreateExchangeResponse, v1::GetExchangeRequest,
             v1::GetExchangeResponse, v1::ListExchangesRequest, v1::ListExchangesResponse,
             v1::UpdateExchangeRequest, v1::UpdateExchangeResponse, v1::DeleteExpertRequest,
             v1::DeleteExpertResponse>{
             "exchange",
             "exchanges",
             false,
             &R::CreateExchange,
             &R::GetExchange,
             &R::ListExchanges,
             &R::UpdateExchange,
             nullptr,
             {"name", "display_name", "wellbeing_region", "default_language"}});
}

int ExpertCommand(Session& s) {
  return RunNoun(
      s, Noun<
             R, v1::CreateExpertRequest, v1::CreateExpertResponse, v1::GetExpertRequest,
             v1::GetExpertResponse, v1::ListExpertsRequest, v1::ListExpertsResponse,
             v1::UpdateExpertRequest, v1::UpdateExpertResponse, v1::DeleteExpertRequest,
             v1::DeleteExpertResponse>{
             "expert",
             "experts",
             true,
             &R::CreateExpert,
             &R::GetExpert,
             &R::ListExperts,
             &R::UpdateExpert,
             &R::DeleteExpert,
             {"name", "display_name", "state", "home_municipality", "languages", "roles"}});
}

int OrganizationCommand(Session& s) {
  return RunNoun(
      s, Noun<
             R, v1::CreateOrganizationRequest, v1::CreateOrganizationResponse,
             v1::GetOrganizationRequest, v1::GetOrganizationResponse, v1::ListOrganizationsRequest,
             v1::ListOrganizationsResponse, v1::UpdateOrganizationRequest,
             v1::UpdateOrganizationResponse, v1::DeleteOrganizationRequest,
             v1::DeleteOrganizationResponse>{
             "organization",
             "organizations",
             true,
             &R::CreateOrganization,
             &R::GetOrganization,
             &R::ListOrganizations,
             &R::UpdateOrganization,
             &R::DeleteOrganization,
             {"name", "display_name", "state", "kind", "municipality"}});
}

int OrderCommand(Session& s) {
  return RunNoun(
      s, Noun<
             O, v1::CreateOrderRequest, v1::CreateOrderResponse, v1::GetOrderRequest,
             v1::GetOrderResponse, v1::ListOrdersRequest, v1::ListOrdersResponse,
             v1::UpdateOrderRequest, v1::UpdateOrderResponse, v1::DeleteExpertRequest,
             v1::DeleteExpertResponse>{
             "order",
             "orders",
             true,
             &O::CreateOrder,
             &O::GetOrder,
             &O::ListOrders,
             &O::UpdateOrder,
             nullptr,
             {},
             OrderTable});
}

}  // namespace kokemus::cli
