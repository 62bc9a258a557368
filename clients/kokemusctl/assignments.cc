// assignment offer|accept|decline|withdraw|confirm|complete|cancel|get|list,
// rounds start|show|stop, order cancel, feedback submit, fees show|set,
// earnings show|letter|floors|set-floor.
#include "absl/strings/str_cat.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using O = v1::OrderService::Stub;

// accept, confirm and withdraw: the name and --etag.
template <typename Req, typename Resp>
int Transition(Session& s, UnaryRpc<O, Req, Resp> rpc, const std::string& name) {
  s.RequireNoMoreFlags();
  Req req;
  req.set_name(name);
  req.set_etag(s.command().etag);
  return s.Show(rpc, req);
}

// An order's rounds as a person reads them: how they run, then a row per
// round with what became of its offers (the whole resource with --output json).
int ShowRounds(Session& s, const v1::OfferRounds& r) {
  return s.Print(r, [&] {
    for (const char* field : {"name", "strategy", "state", "places_open", "offer_deadline"}) {
      s.out() << field << ": " << FormatField(r, r.GetDescriptor()->FindFieldByName(field)) << "\n";
    }
    s.Table(
        r, "rounds",
        {"number", "trigger", "start_time", "places_open", "waiting", "placed", "available",
         "declined", "lapsed", "withdrawn", "cancelled", "assignments"});
  });
}

}  // namespace

int CancelOrderCommand(Session& s) {
  v1::CancelOrderRequest req;
  req.set_name(s.NameIn("orders"));
  req.set_etag(s.command().etag);
  SetFields(s.TakeFlags(), &req);
  return s.Show(&O::CancelOrder, req);
}

int AssignmentCommand(Session& s) {
  if (s.verb() == "offer") {
    v1::OfferAssignmentRequest req;
    req.set_parent(s.NameIn("orders"));
    req.set_request_id(s.command().request_id);
    if (auto id = s.TakeFlag("id")) req.set_assignment_id(*id);
    // --override-rules said_no,not_available_weekly: the rules she breaks,
    // overridden knowingly (the server names them when an offer is refused).
    if (auto rules = s.TakeFlag("override-rules")) {
      SetFields(Flags{{"override-rules", *rules}}, &req);
    }
    SetFields(s.TakeFlags(), req.mutable_assignment());
    s.ExpandReferences(*req.mutable_assignment());
    return s.Show(&O::OfferAssignment, req);
  }
  if (s.verb() == "list") {
    s.RequireNoMoreFlags();
    v1::ListAssignmentsRequest req;
    req.set_parent(
        s.command().id.empty() ? absl::StrCat(s.Parent(), "/orders/-") : s.NameIn("orders"));
    // When, what, who, and by when an offer must be answered (issue 17).
    return s.List(&O::ListAssignments, req, [&](const v1::ListAssignmentsResponse& all) {
      std::vector<std::vector<std::string>> cells = {
          {"ASSIGNMENT", "TIME", "TOPIC", "EXPERT", "STATE", "ANSWER_BY", "TOTAL"}};
      for (const v1::Assignment& a : all.assignments()) {
        const v1::Order* order = s.OrderNamed(a.name().substr(0, a.name().find("/assignments/")));
        cells.push_back(
            {ShortName(a.name()), a.has_start_time() ? HelsinkiShort(a.start_time()) : "",
             order == nullptr ? "" : Cut(order->topic(), 28), s.DisplayName(a.expert()),
             HumanField(a, a.GetDescriptor()->FindFieldByName("state")),
             a.state() == v1::Assignment::STATE_OFFERED ? HelsinkiShort(a.offer_deadline()) : "",
             Euros(a.total_cents())});
      }
      PrintCells(cells, s.out());
    });
  }
  const std::string name = s.AssignmentName();
  if (s.verb() == "get") {
    s.RequireNoMoreFlags();
    v1::GetAssignmentRequest req;
    req.set_name(name);
    return s.Show(&O::GetAssignment, req);
  }
  if (s.verb() == "accept") return Transition(s, &O::AcceptAssignment, name);
  if (s.verb() == "decline") {
    v1::DeclineAssignmentRequest req;
    req.set_name(name);
    req.set_etag(s.command().etag);
    SetFields(s.TakeFlags(), &req);  // --reason time|distance|task|wellbeing|other
    return s.Show(&O::DeclineAssignment, req);
  }
  if (s.verb() == "confirm") return Transition(s, &O::ConfirmAssignment, name);
  if (s.verb() == "withdraw") return Transition(s, &O::WithdrawAssignment, name);
  if (s.verb() == "complete") {
    v1::CompleteAssignmentRequest req;
    req.set_name(name);
    req.set_etag(s.command().etag);
    SetFields(s.TakeFlags(), &req);
    return s.Show(&O::CompleteAssignment, req);
  }
  if (s.verb() == "cancel") {
    v1::CancelAssignmentRequest req;
    req.set_name(name);
    req.set_etag(s.command().etag);
    SetFields(s.TakeFlags(), &req);
    return s.Show(&O::CancelAssignment, req);
  }
  throw UsageError{absl::StrCat("unknown verb ", s.verb(), " for assignment")};
}

// rounds start ORDER --strategy broadcast --offer-deadline T [--round-size N]
// [--tier-interval-minutes M]; rounds show|stop ORDER.
int RoundsCommand(Session& s) {
  const std::string order = s.NameIn("orders");
  const std::string name = absl::StrCat(order, "/offerRounds");
  if (s.verb() == "start") {
    v1::StartOfferRoundsRequest req;
    req.set_parent(order);
    SetFields(s.TakeFlags(), req.mutable_offer_rounds());
    return ShowRounds(s, s.Call(&O::StartOfferRounds, req).offer_rounds());
  }
  s.RequireNoMoreFlags();
  if (s.verb() == "show") {
    v1::GetOfferRoundsRequest req;
    req.set_name(name);
    return ShowRounds(s, s.Call(&O::GetOfferRounds, req).offer_rounds());
  }
  if (s.verb() == "stop") {
    v1::StopOfferRoundsRequest req;
    req.set_name(name);
    return ShowRounds(s, s.Call(&O::StopOfferRounds, req).offer_rounds());
  }
  throw UsageError{"rounds verbs: start, show, stop"};
}

int FeedbackCommand(Session& s) {
  if (s.verb() != "submit") throw UsageError{"feedback has one verb: submit"};
  v1::SubmitFeedbackRequest req;
  req.set_parent(s.AssignmentName());
  SetFields(s.TakeFlags(), req.mutable_feedback());
  return s.Show(&O::SubmitFeedback, req);
}

// `fees show`; `fees set` adds the rules given (--role-rules,
// --travel-rates, --cancellation-rules), each in place of the stored one for
// the same role and date, and keeps every other rule; with --replace the
// lists given replace the stored ones whole (how a rule is removed).
int FeesCommand(Session& s) {
  const std::string name = absl::StrCat(s.Parent(), "/feeSchedule");
  v1::GetFeeScheduleRequest get;
  get.set_name(name);
  if (s.verb() == "show") {
    s.RequireNoMoreFlags();
    return s.Show(&O::GetFeeSchedule, get);
  }
  if (s.verb() != "set") throw UsageError{"fees verbs: show, set"};
  const Flags flags = s.TakeFlags();
  if (flags.empty()) {
    throw UsageError{"fees set needs --role-rules, --travel-rates or --cancellation-rules"};
  }
  v1::UpdateFeeScheduleRequest req;
  v1::FeeSchedule* schedule = req.mutable_fee_schedule();
  schedule->set_name(name);
  if (!s.command().etag.empty()) schedule->set_etag(s.command().etag);
  for (const auto& field : SetFields(flags, schedule)) {
    if (s.command().replace) req.mutable_update_mask()->add_paths(field);
  }
  return s.Show(&O::UpdateFeeSchedule, req);
}

// An expert's pay by payment month (GetExpertEarnings), her letter for her
// benefit payer (a PDF), and the national table of earnings floors.
int EarningsCommand(Session& s) {
  using R = v1::RegistryService::Stub;
  if (s.verb() == "show") {
    v1::GetExpertEarningsRequest req;
    req.set_name(s.NameIn("experts"));
    if (const auto year = s.TakeFlag("year")) req.set_year(IntFlag("year", *year));
    s.RequireNoMoreFlags();
    return s.Show(&R::GetExpertEarnings, req);
  }
  if (s.verb() == "floors") {
    s.RequireNoMoreFlags();
    v1::GetEarningsFloorsRequest req;
    req.set_name("earningsFloors");
    return s.Show(&R::GetEarningsFloors, req);
  }
  if (s.verb() == "letter") {
    v1::RenderEarningsLetterRequest req;
    req.set_name(s.NameIn("experts"));
    req.set_language(s.TakeFlag("language").value_or(""));
    s.RequireNoMoreFlags();
    return s.WriteDocument(s.Call(&R::RenderEarningsLetter, req).content());
  }
  if (s.verb() != "set-floor") {
    throw UsageError{"earnings verbs: show, letter, floors, set-floor"};
  }
  const Flags flags = s.TakeFlags();
  if (flags.empty()) throw UsageError{"earnings set-floor needs --floors"};
  v1::UpdateEarningsFloorsRequest req;
  v1::EarningsFloors* table = req.mutable_earnings_floors();
  table->set_name("earningsFloors");
  if (!s.command().etag.empty()) table->set_etag(s.command().etag);
  SetFields(flags, table);
  return s.Show(&R::UpdateEarningsFloors, req);
}

}  // namespace kokemus::cli
