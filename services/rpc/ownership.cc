#include "services/rpc/ownership.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/domain/listing.h"

namespace kokemus::rpc {

// NOT_FOUND unless a narrowed caller (an orderer system, an expert) may see
// the assignment: one on its organization's order, or their own.
absl::Status MaySeeAssignment(
    storage::OrderStore& orders, storage::AssignmentStore& assignments, const Caller& caller,
    const std::string& name) {
  if (!caller.organization_only() && !caller.self_only()) return absl::OkStatus();
  auto key = domain::ParseAssignmentName(name, "name");
  if (!key.ok()) return key.status();
  if (caller.organization_only()) {
    auto order = orders.GetOrder({key->exchange_id, key->order_id});
    if (!order.ok()) return absl::NotFoundError(absl::StrCat(name, " not found"));
    return caller.MaySee(name, order->organization_id, "");
  }
  auto assignment =
      assignments.GetAssignment({key->exchange_id, key->order_id, key->id}, caller.now());
  if (!assignment.ok()) return assignment.status();
  return caller.MaySee(name, "", assignment->expert_id);
}

// NOT_FOUND unless a narrowed caller may see the order: its organization's,
// or one the expert has an assignment on.
absl::Status MaySeeOrder(
    storage::AssignmentStore& assignments, const Caller& caller, const domain::Order& order,
    const std::string& name) {
  if (caller.organization_only()) return caller.MaySee(name, order.organization_id, "");
  if (!caller.self_only()) return absl::OkStatus();
  domain::ListQuery query;
  query.page_size = 1;
  query.terms.push_back({"expert", caller.principal().expert_id});
  auto page = assignments.ListAssignments(order.exchange_id, order.id, query, caller.now());
  if (!page.ok()) return page.status();
  return page->items.empty() ? absl::NotFoundError(absl::StrCat(name, " not found"))
                             : absl::OkStatus();
}

}  // namespace kokemus::rpc
