// What an orderer system and an expert may see of orders and assignments
// within their exchange: an orderer system its organization's orders and
// their assignments, an expert their own assignments and the orders they
// are on. Anything else answers NOT_FOUND, like a missing object.
//
//   if (absl::Status s = MaySeeAssignment(orders, assignments, caller, name); !s.ok()) return s;
#ifndef KOKEMUS_SERVICES_RPC_OWNERSHIP_H_
#define KOKEMUS_SERVICES_RPC_OWNERSHIP_H_

#include <string>

#include "absl/status/status.h"
#include "services/domain/orders.h"
#include "services/rpc/access_guard.h"
#include "services/storage/assignment_store.h"
#include "services/storage/order_store.h"

namespace kokemus::rpc {

// `name` is an assignment's resource name.
absl::Status MaySeeAssignment(
    storage::OrderStore& orders, storage::AssignmentStore& assignments, const Caller& caller,
    const std::string& name);
absl::Status MaySeeOrder(
    storage::AssignmentStore& assignments, const Caller& caller, const domain::Order& order,
    const std::string& name);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_OWNERSHIP_H_
