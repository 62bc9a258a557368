// agenda [--week]: the coordinator's day (or the next seven) from the orders
// and assignments the API already serves: each order's time, orderer and
// topic, how many of its places are taken, confirmed tasks still without a
// contract, and offers that lapse within a day. Nothing here is stored; it
// reads ListOrders and ListAssignments like any other client.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "services/reference/calendar.h"

namespace kokemus::cli {
namespace {

using O = v1::OrderService::Stub;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

bool Holds(v1::Assignment::State state) {
  return state == v1::Assignment::STATE_ACCEPTED || state == v1::Assignment::STATE_CONFIRMED ||
         state == v1::Assignment::STATE_COMPLETED;
}

}  // namespace

int AgendaCommand(Session& s) {
  const bool week = s.command().week;
  if (!s.command().id.empty()) throw UsageError{"agenda takes no ID"};
  s.RequireNoMoreFlags();
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, helsinki);
  const absl::Time from = absl::FromCivil(today, helsinki);
  const absl::Time to = absl::FromCivil(today + (week ? 7 : 1), helsinki);

  v1::ListOrdersRequest orders_req;
  orders_req.set_parent(s.Parent());
  orders_req.set_filter(
      absl::StrCat("start_time >= ", Rfc3339(from), " AND start_time < ", Rfc3339(to)));
  const v1::ListOrdersResponse orders = s.ListAll(&O::ListOrders, orders_req);
  // The exchange's open offers; those lapsing within a day are shown.
  v1::ListAssignmentsRequest offers_req;
  offers_req.set_parent(absl::StrCat(s.Parent(), "/orders/-"));
  offers_req.set_filter("state = OFFERED");
  const v1::ListAssignmentsResponse offers = s.ListAll(&O::ListAssignments, offers_req);

  std::map<std::string, v1::ListAssignmentsResponse> of_order;
  for (const v1::Order& o : orders.orders()) {
    v1::ListAssignmentsRequest req;
    req.set_parent(o.name());
    of_order[o.name()] = s.ListAll(&O::ListAssignments, req);
  }
  v1::ListAssignmentsResponse lapsing;
  for (const v1::Assignment& a : offers.assignments()) {
    if (absl::FromUnixSeconds(a.offer_deadline().seconds()) <= now + absl::Hours(24)) {
      *lapsing.add_assignments() = a;
    }
  }
  // --output json: the orders of the period.
  return s.Print(orders, [&] {
    std::vector<std::vector<std::string>> cells = {
        {"DAY", "TIME", "ORDER", "ORDERER", "TOPIC", "PLACES", "TO DO"}};
    for (const v1::Order& o : orders.orders()) {
      const absl::CivilMinute c =
          absl::ToCivilMinute(absl::FromUnixSeconds(o.start_time().seconds()), helsinki);
      int held = 0;
      std::vector<std::string> todo;
      std::vector<std::string> no_contract;
      int open_offers = 0;
      for (const v1::Assignment& a : of_order[o.name()].assignments()) {
        if (Holds(a.state())) ++held;
        if (a.state() == v1::Assignment::STATE_CONFIRMED && a.contract().empty()) {
          no_contract.push_back(s.DisplayName(a.expert()));
        }
        if (a.state() == v1::Assignment::STATE_OFFERED) ++open_offers;
      }
      if (o.state() == v1::Order::STATE_CANCELLED) {
        todo.push_back("cancelled");
      } else {
        if (held < o.experts_needed()) {
          todo.push_back(absl::StrCat(o.experts_needed() - held, " unfilled"));
          if (open_offers > 0) todo.push_back(absl::StrCat(open_offers, " offer(s) open"));
        }
        if (!no_contract.empty()) {
          todo.push_back(absl::StrCat("no contract: ", absl::StrJoin(no_contract, ", ")));
        }
      }
      cells.push_back(
          {absl::StrFormat(
               "%s %d.%d.", WeekdayShort(absl::GetWeekday(absl::CivilDay(c))), c.day(), c.month()),
           absl::StrFormat("%d.%02d", c.hour(), c.minute()), ShortName(o.name()),
           Cut(s.DisplayName(o.organization()), 22), Cut(o.topic(), 24),
           absl::StrCat(held, "/", o.experts_needed()), absl::StrJoin(todo, "; ")});
    }
    if (orders.orders().empty()) {
      s.out() << (week ? "No tasks in the next seven days.\n" : "No tasks today.\n");
    } else {
      PrintCells(cells, s.out());
    }
    if (lapsing.assignments_size() > 0) {
      s.out() << "\nOffers lapsing within 24 hours:\n";
      std::vector<std::vector<std::string>> rows = {{"ASSIGNMENT", "EXPERT", "ANSWER_BY"}};
      for (const v1::Assignment& a : lapsing.assignments()) {
        rows.push_back(
            {ShortName(a.name()), s.DisplayName(a.expert()), HelsinkiShort(a.offer_deadline())});
      }
      PrintCells(rows, s.out());
    }
  });
}

}  // namespace kokemus::cli
