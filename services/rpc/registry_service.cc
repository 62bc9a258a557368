#include "services/rpc/registry_service.h"

#include <exception>
#include <functional>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "services/domain/documents.h"
#include "services/domain/earnings.h"
#include "services/domain/earnings_letter.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"
#include "services/render/pdf.h"
#include "services/rpc/convert.h"
#include "services/rpc/handler.h"
#include "services/rpc/request_checks.h"
#include "services/rpc/status.h"

namespace kokemus::rpc {
namespace {

using domain::FieldViolations;
using storage::Key;

// What differs between the three resources, for the shared method bodies.
struct ExchangeKind {
  using T = domain::Exchange;
  static constexpr absl::string_view kCollection = "exchanges";
  static constexpr absl::string_view kField = "exchange";
  // Messages whose fields an empty mask updates one by one.
  static inline const std::set<std::string> kNested = {"pay_rule"};
  static void Normalize(T& v) { domain::NormalizeExchange(v); }
  static void Validate(const T& v, FieldViolations& out) {
    domain::ValidateExchange(v, kField, out);
  }
  static absl::Status ApplyMask(const T& patch, const domain::UpdateMask& mask, T& target) {
    return domain::ApplyExchangeMask(patch, mask, target);
  }
  static std::vector<domain::FilterField> Filters() { return domain::ExchangeFilterFields(); }
};

struct ExpertKind {
  using T = domain::Expert;
  static constexpr absl::string_view kCollection = "experts";
  static constexpr absl::string_view kField = "expert";
  static inline const std::set<std::string> kNested = {
      "benefit_limit", "payroll", "criminal_record_extract_seen"};
  static void Normalize(T& v) { domain::NormalizeExpert(v); }
  static void Validate(const T& v, FieldViolations& out) {
    domain::ValidateExpert(v, absl::Now(), kField, out);
  }
  static absl::Status ApplyMask(const T& patch, const domain::UpdateMask& mask, T& target) {
    return domain::ApplyExpertMask(patch, mask, target);
  }
  static std::vector<domain::FilterField> Filters() { return domain::ExpertFilterFields(); }
};

struct OrganizationKind {
  using T = domain::Organization;
  static constexpr absl::string_view kCollection = "organizations";
  static constexpr absl::string_view kField = "organization";
  static inline const std::set<std::string> kNested = {};
  static void Normalize(T& v) { domain::NormalizeOrganization(v); }
  static void Validate(const T& v, FieldViolations& out) {
    domain::ValidateOrganization(v, kField, out);
  }
  static absl::Status ApplyMask(const T& patch, const domain::UpdateMask& mask, T& target) {
    return domain::ApplyOrganizationMask(patch, mask, target);
  }
  static std::vector<domain::FilterField> Filters() { return domain::OrganizationFilterFields(); }
};

template <typename Kind>
Key KeyFromName(absl::string_view name, absl::string_view field, absl::Status& status) {
  if constexpr (std::is_same_v<Kind, ExchangeKind>) {
    auto id = domain::ParseExchangeName(name, field);
    status = id.status();
    return id.ok() ? Key{"", *id} : Key{};
  } else {
    auto child = domain::ParseChildName(name, Kind::kCollection, field);
    status = child.status();
    return child.ok() ? Key{child->exchange_id, child->id} : Key{};
  }
}

// Create: the parent (empty for exchanges), the caller's id, and the request.
template <typename Kind, typename Request>
absl::StatusOr<typename Kind::T> Create(
    storage::RegistryStore& store, const Request& request, typename Kind::T value,
    absl::string_view parent, std::string id) {
  FieldViolations violations;
  if constexpr (!std::is_same_v<Kind, ExchangeKind>) {
    auto exchange_id = domain::ParseExchangeName(parent, "parent");
    if (exchange_id.ok()) {
      value.exchange_id = *exchange_id;
    } else {
      violations.Add("parent", "must be a resource name exchanges/{exchange}");
    }
  }
  value.id = domain::IdOrGenerated(id, absl::StrCat(Kind::kField, "_id"), violations);
  if (!request.request_id().empty() && !domain::IsValidUuid(request.request_id())) {
    violations.Add("request_id", "must be a UUID");
  }
  Kind::Normalize(value);
  Kind::Validate(value, violations);
  if (!violations.empty()) return violations.ToStatus();
  return store.Create(std::move(value), {request.request_id(), Fingerprint(request)});
}

template <typename Kind>
absl::StatusOr<typename Kind::T> Get(storage::RegistryStore& store, absl::string_view name) {
  absl::Status status;
  Key key = KeyFromName<Kind>(name, "name", status);
  if (!status.ok()) return status;
  return store.Get<typename Kind::T>(key);
}

template <typename Kind, typename Request>
absl::StatusOr<storage::Page<typename Kind::T>> List(
    storage::RegistryStore& store, const Request& request, absl::string_view parent) {
  if constexpr (!std::is_same_v<Kind, ExchangeKind>) {
    if (auto id = domain::ParseExchangeName(parent, "parent"); !id.ok()) {
      return id.status();
    }
  }
  auto query = domain::ParseListQuery(
      parent, Kind::kCollection, request.page_size(), request.page_token(), request.filter(),
      Kind::Filters());
  if (!query.ok()) return query.status();
  return store.List<typename Kind::T>(*query);
}

// `check(current, updated)` may refuse a change the caller may not make.
template <typename Kind, typename Proto>
absl::StatusOr<typename Kind::T> Update(
    storage::RegistryStore& store, const Proto& proto, const google::protobuf::FieldMask& mask,
    const std::function<absl::Status(const typename Kind::T&, const typename Kind::T&)>& check =
        nullptr) {
  absl::Status status;
  const std::string name_field = absl::StrCat(Kind::kField, ".name");
  Key key = KeyFromName<Kind>(proto.name(), name_field, status);
  if (!status.ok()) return status;
  auto current = store.Get<typename Kind::T>(key);
  if (!current.ok()) return current.status();
  if (absl::Status s = domain::CheckEtag(
          proto.etag(), current->meta.revision, absl::StrCat(Kind::kField, ".etag"));
      !s.ok()) {
    return s;
  }
  typename Kind::T updated = *current;
  if (absl::Status s =
          Kind::ApplyMask(FromProto(proto), MaskOf(mask, proto, Kind::kNested), updated);
      !s.ok()) {
    return s;
  }
  Kind::Normalize(updated);
  if (check) {
    if (absl::Status s = check(*current, updated); !s.ok()) return s;
  }
  FieldViolations violations;
  Kind::Validate(updated, violations);
  if (!violations.empty()) return violations.ToStatus();
  return store.Update(std::move(updated), current->meta.revision);
}

template <typename Kind, typename Request>
absl::Status Delete(storage::RegistryStore& store, const Request& request) {
  absl::Status status;
  Key key = KeyFromName<Kind>(request.name(), "name", status);
  if (!status.ok()) return status;
  auto revision = domain::ParseEtag(request.etag());
  if (!revision.ok()) return revision.status();
  return store.Delete<typename Kind::T>(key, *revision);
}

}  // namespace

// --- Exchanges -------------------------------------------------------------

grpc::Status RegistryService::CreateExchange(
    grpc::ServerContext* context, const v1::CreateExchangeRequest* request,
    v1::CreateExchangeResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/CreateExchange", "", "", [&](Caller&) -> absl::Status {
        auto created = Create<ExchangeKind>(
            store_, *request, FromProto(request->exchange()), "", request->exchange_id());
        if (created.ok()) *response->mutable_exchange() = ToProto(*created);
        return created.status();
      });
}

grpc::Status RegistryService::GetExchange(
    grpc::ServerContext* context, const v1::GetExchangeRequest* request,
    v1::GetExchangeResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/GetExchange", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto found = Get<ExchangeKind>(store_, request->name());
        if (found.ok()) *response->mutable_exchange() = ToProto(*found);
        return found.status();
      });
}

grpc::Status RegistryService::ListExchanges(
    grpc::ServerContext* context, const v1::ListExchangesRequest* request,
    v1::ListExchangesResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/ListExchanges", "", "", [&](Caller&) -> absl::Status {
        auto page = List<ExchangeKind>(store_, *request, "");
        if (!page.ok()) return page.status();
        for (const auto& e : page->items) *response->add_exchanges() = ToProto(e);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::UpdateExchange(
    grpc::ServerContext* context, const v1::UpdateExchangeRequest* request,
    v1::UpdateExchangeResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/UpdateExchange", "exchange.name",
      request->exchange().name(), [&](Caller&) -> absl::Status {
        auto updated = Update<ExchangeKind>(store_, request->exchange(), request->update_mask());
        if (updated.ok()) *response->mutable_exchange() = ToProto(*updated);
        return updated.status();
      });
}

// --- Experts ---------------------------------------------------------------

grpc::Status RegistryService::CreateExpert(
    grpc::ServerContext* context, const v1::CreateExpertRequest* request,
    v1::CreateExpertResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/CreateExpert", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        const std::string id =
            request->expert_id().empty() ? domain::GenerateId() : request->expert_id();
        caller.set_audit_resource(absl::StrCat(request->parent(), "/experts/", id));
        auto created = Create<ExpertKind>(
            store_, *request, FromProto(request->expert()), request->parent(), id);
        if (created.ok()) *response->mutable_expert() = ToProto(*created);
        return created.status();
      });
}

grpc::Status RegistryService::GetExpert(
    grpc::ServerContext* context, const v1::GetExpertRequest* request,
    v1::GetExpertResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/GetExpert", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto found = Get<ExpertKind>(store_, request->name());
        if (!found.ok()) return found.status();
        if (caller.self_only()) {
          if (absl::Status s = caller.MaySee(request->name(), "", found->id); !s.ok()) return s;
        }
        if (caller.organization_only()) {
          // An orderer system sees only the experts assigned to its orders, and
          // of them only what it needs.
          auto works = store_.ExpertWorksFor(
              {found->exchange_id, found->id}, caller.principal().organization_id);
          if (!works.ok()) return works.status();
          if (!*works) return absl::NotFoundError(absl::StrCat(request->name(), " not found"));
          *response->mutable_expert() = ToOrdererView(*found);
          return absl::OkStatus();
        }
        *response->mutable_expert() = ToProto(*found);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::ListExperts(
    grpc::ServerContext* context, const v1::ListExpertsRequest* request,
    v1::ListExpertsResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/ListExperts", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto page = List<ExpertKind>(store_, *request, request->parent());
        if (!page.ok()) return page.status();
        for (const auto& e : page->items) *response->add_experts() = ToProto(e);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::UpdateExpert(
    grpc::ServerContext* context, const v1::UpdateExpertRequest* request,
    v1::UpdateExpertResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/UpdateExpert", "expert.name", request->expert().name(),
      [&](Caller& caller) -> absl::Status {
        if (caller.self_only()) {
          auto name = domain::ParseChildName(request->expert().name(), "experts", "expert.name");
          if (!name.ok()) return name.status();
          if (absl::Status s = caller.MaySee(request->expert().name(), "", name->id); !s.ok()) {
            return s;
          }
        }
        auto updated = Update<ExpertKind>(
            store_, request->expert(), request->update_mask(),
            caller.self_only() ? domain::CheckOwnExpertUpdate : nullptr);
        if (updated.ok()) *response->mutable_expert() = ToProto(*updated);
        return updated.status();
      });
}

grpc::Status RegistryService::DeleteExpert(
    grpc::ServerContext* context, const v1::DeleteExpertRequest* request,
    v1::DeleteExpertResponse*) {
  return guard_.Run(
      context, *request, "RegistryService/DeleteExpert", "name", request->name(),
      [&](Caller&) { return Delete<ExpertKind>(store_, *request); });
}

grpc::Status RegistryService::ExportExpertData(
    grpc::ServerContext* context, const v1::ExportExpertDataRequest* request,
    v1::ExportExpertDataResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/ExportExpertData", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "experts", "name");
        if (!name.ok()) return name.status();
        if (absl::Status s = caller.MaySee(request->name(), "", name->id); !s.ok()) return s;
        if (absl::Status s = guard_.FlushAudit(); !s.ok()) return s;  // who accessed it, so far
        auto json = subjects_.Export(name->exchange_id, name->id);
        if (!json.ok()) return json.status();
        response->set_json(*std::move(json));
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::EraseExpert(
    grpc::ServerContext* context, const v1::EraseExpertRequest* request,
    v1::EraseExpertResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/EraseExpert", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "experts", "name");
        if (!name.ok()) return name.status();
        // Before the write: the audit record rides in its transaction.
        if (request->force()) caller.set_audit_note("forced");
        auto pseudonym =
            subjects_.Erase(name->exchange_id, name->id, caller.now(), request->force());
        if (!pseudonym.ok()) return pseudonym.status();
        guard_.ForgetKeys();  // the expert's keys were revoked
        response->set_pseudonym(
            domain::ChildResourceName(name->exchange_id, "experts", *pseudonym));
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::ApplyRetention(
    grpc::ServerContext* context, const v1::ApplyRetentionRequest* request,
    v1::ApplyRetentionResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/ApplyRetention", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        if (!caller.exchange_id().empty()) {
          if (auto id = domain::ParseExchangeName(request->name(), "name"); !id.ok()) {
            return id.status();
          }
        }
        storage::AuditRecord by;
        by.key_id = caller.principal().key_id;
        by.role = std::string(domain::AccessRoleName(caller.principal().role));
        by.method = caller.rule().method;
        auto erased = subjects_.ApplyRetention(caller.exchange_id(), caller.now(), by);
        if (!erased.ok()) return erased.status();
        if (!erased->empty()) guard_.ForgetKeys();  // their keys were revoked
        response->set_erased_experts(static_cast<int32_t>(erased->size()));
        return absl::OkStatus();
      });
}

// --- Organizations ---------------------------------------------------------

grpc::Status RegistryService::CreateOrganization(
    grpc::ServerContext* context, const v1::CreateOrganizationRequest* request,
    v1::CreateOrganizationResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/CreateOrganization", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto created = Create<OrganizationKind>(
            store_, *request, FromProto(request->organization()), request->parent(),
            request->organization_id());
        if (created.ok()) *response->mutable_organization() = ToProto(*created);
        return created.status();
      });
}

grpc::Status RegistryService::GetOrganization(
    grpc::ServerContext* context, const v1::GetOrganizationRequest* request,
    v1::GetOrganizationResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/GetOrganization", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto found = Get<OrganizationKind>(store_, request->name());
        if (!found.ok()) return found.status();
        if (caller.self_only()) {
          // An expert sees only the organizations she works (or was offered
          // work) for, and of them only whom to go to and contact.
          auto works =
              store_.ExpertWorksFor({found->exchange_id, caller.principal().expert_id}, found->id);
          if (!works.ok()) return works.status();
          if (!*works) return absl::NotFoundError(absl::StrCat(request->name(), " not found"));
          *response->mutable_organization() = ToExpertView(*found);
          return absl::OkStatus();
        }
        if (absl::Status s = caller.MaySee(request->name(), found->id, ""); !s.ok()) return s;
        *response->mutable_organization() = ToProto(*found);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::ListOrganizations(
    grpc::ServerContext* context, const v1::ListOrganizationsRequest* request,
    v1::ListOrganizationsResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/ListOrganizations", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto page = List<OrganizationKind>(store_, *request, request->parent());
        if (!page.ok()) return page.status();
        for (const auto& o : page->items) *response->add_organizations() = ToProto(o);
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::UpdateOrganization(
    grpc::ServerContext* context, const v1::UpdateOrganizationRequest* request,
    v1::UpdateOrganizationResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/UpdateOrganization", "organization.name",
      request->organization().name(), [&](Caller& caller) -> absl::Status {
        if (caller.organization_only()) {
          auto name = domain::ParseChildName(
              request->organization().name(), "organizations", "organization.name");
          if (!name.ok()) return name.status();
          if (absl::Status s = caller.MaySee(request->organization().name(), name->id, "");
              !s.ok()) {
            return s;
          }
        }
        auto updated =
            Update<OrganizationKind>(store_, request->organization(), request->update_mask());
        if (updated.ok()) *response->mutable_organization() = ToProto(*updated);
        return updated.status();
      });
}

grpc::Status RegistryService::DeleteOrganization(
    grpc::ServerContext* context, const v1::DeleteOrganizationRequest* request,
    v1::DeleteOrganizationResponse*) {
  return guard_.Run(
      context, *request, "RegistryService/DeleteOrganization", "name", request->name(),
      [&](Caller&) { return Delete<OrganizationKind>(store_, *request); });
}

}  // namespace kokemus::rpc

namespace kokemus::rpc {
namespace {

constexpr absl::string_view kEarningsFloorsName = "earningsFloors";

v1::EarningsFloors FloorsToProto(const storage::EarningsFloorTable& table) {
  v1::EarningsFloors p;
  p.set_name(std::string(kEarningsFloorsName));
  for (const domain::EarningsFloor& f : table.floors) {
    v1::EarningsFloor* out = p.add_floors();
    out->set_valid_from(absl::FormatCivilTime(f.valid_from));
    out->set_monthly_cents(f.monthly_cents);
    out->set_source(f.source);
  }
  p.set_etag(domain::FormatEtag(table.revision));
  if (table.revision > 0) *p.mutable_update_time() = ToProto(table.update_time);
  return p;
}

// The figures as sent, each bad field named (a date that is not one among them).
absl::StatusOr<std::vector<domain::EarningsFloor>> FloorsFromProto(const v1::EarningsFloors& p) {
  FieldViolations v;
  std::vector<domain::EarningsFloor> floors;
  for (int i = 0; i < p.floors_size(); ++i) {
    const v1::EarningsFloor& f = p.floors(i);
    const std::string at = absl::StrCat("earnings_floors.floors[", i, "]");
    domain::EarningsFloor floor{absl::CivilDay(2000, 1, 1), f.monthly_cents(), f.source()};
    absl::CivilDay day;
    if (absl::ParseCivilTime(f.valid_from(), &day) &&
        absl::FormatCivilTime(day) == f.valid_from()) {
      floor.valid_from = day;
    } else {
      v.Add(absl::StrCat(at, ".valid_from"), "must be a date YYYY-MM-DD");
    }
    domain::ValidateEarningsFloor(floor, at, v);
    floors.push_back(std::move(floor));
  }
  if (!v.empty()) return v.ToStatus();
  return floors;
}

}  // namespace

grpc::Status RegistryService::GetEarningsFloors(
    grpc::ServerContext* context, const v1::GetEarningsFloorsRequest* request,
    v1::GetEarningsFloorsResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/GetEarningsFloors", "", "", [&](Caller&) -> absl::Status {
        if (request->name() != kEarningsFloorsName) {
          return domain::InvalidField("name", "must be earningsFloors");
        }
        auto table = earnings_.GetFloors();
        if (table.ok()) *response->mutable_earnings_floors() = FloorsToProto(*table);
        return table.status();
      });
}

grpc::Status RegistryService::UpdateEarningsFloors(
    grpc::ServerContext* context, const v1::UpdateEarningsFloorsRequest* request,
    v1::UpdateEarningsFloorsResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/UpdateEarningsFloors", "", "",
      [&](Caller&) -> absl::Status {
        const v1::EarningsFloors& given = request->earnings_floors();
        if (given.name() != kEarningsFloorsName) {
          return domain::InvalidField("earnings_floors.name", "must be earningsFloors");
        }
        bool replace = false;
        for (const std::string& path : request->update_mask().paths()) {
          if (path != "floors" && path != "*") {
            return domain::InvalidField(
                "update_mask", "may name only floors or * (empty: add or replace by date)");
          }
          replace = true;
        }
        int64_t expected = -1;
        if (!given.etag().empty()) {
          auto revision = domain::ParseEtag(given.etag(), "earnings_floors.etag");
          if (!revision.ok()) return revision.status();
          expected = *revision;
        }
        auto floors = FloorsFromProto(given);
        if (!floors.ok()) return floors.status();
        auto stored = earnings_.UpdateFloors(
            expected,
            [&](const std::vector<domain::EarningsFloor>& current)
                -> absl::StatusOr<std::vector<domain::EarningsFloor>> {
              std::vector<domain::EarningsFloor> merged =
                  domain::MergeEarningsFloors(current, *floors, replace);
              FieldViolations after;
              domain::ValidateEarningsFloors(merged, "earnings_floors", after);
              if (!after.empty()) return after.ToStatus();
              return merged;
            });
        if (stored.ok()) *response->mutable_earnings_floors() = FloorsToProto(*stored);
        return stored.status();
      });
}

grpc::Status RegistryService::GetExpertEarnings(
    grpc::ServerContext* context, const v1::GetExpertEarningsRequest* request,
    v1::GetExpertEarningsResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/GetExpertEarnings", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "experts", "name");
        if (!name.ok()) return name.status();
        if (absl::Status s = caller.MaySee(request->name(), "", name->id); !s.ok()) return s;
        int year = request->year();
        if (year == 0) {
          year = static_cast<int>(
              absl::ToCivilYear(absl::Now(), reference::HelsinkiTimeZone()).year());
        }
        if (year < 2000 || year > 2200) {
          return domain::InvalidField("year", "must be from 2000 to 2200 (0: this year)");
        }
        auto pay = earnings_.PayOfYear(name->exchange_id, name->id, year);
        if (!pay.ok()) return pay.status();
        v1::ExpertEarnings* out = response->mutable_earnings();
        out->set_expert(request->name());
        out->set_year(pay->year);
        for (const domain::MonthPay& m : pay->months) {
          v1::MonthEarnings* month = out->add_months();
          month->set_month(absl::FormatCivilTime(m.month));
          month->set_paid_cents(m.paid_cents);
          month->set_coming_cents(m.coming_cents);
          month->set_limit_cents(m.limit_cents);
          month->set_task_count(m.tasks);
        }
        out->set_yearly_limit_cents(pay->yearly_limit_cents);
        out->set_paid_cents(pay->paid_cents);
        out->set_coming_cents(pay->coming_cents);
        return absl::OkStatus();
      });
}

grpc::Status RegistryService::RenderEarningsLetter(
    grpc::ServerContext* context, const v1::RenderEarningsLetterRequest* request,
    v1::RenderEarningsLetterResponse* response) {
  return guard_.Run(
      context, *request, "RegistryService/RenderEarningsLetter", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "experts", "name");
        if (!name.ok()) return name.status();
        if (absl::Status s = caller.MaySee(request->name(), "", name->id); !s.ok()) return s;
        if (!request->language().empty() && !domain::IsDocumentLanguage(request->language())) {
          return domain::InvalidField("language", "must be fi, sv or en (or empty)");
        }
        auto expert = store_.Get<domain::Expert>({name->exchange_id, name->id});
        if (!expert.ok()) return expert.status();
        auto exchange = store_.Get<domain::Exchange>({"", name->exchange_id});
        if (!exchange.ok()) return exchange.status();
        const absl::TimeZone& tz = reference::HelsinkiTimeZone();
        domain::EarningsLetterFacts facts;
        facts.language = request->language().empty() ? domain::MessageLanguage(*expert, *exchange)
                                                     : request->language();
        facts.today = absl::ToCivilDay(caller.now(), tz);
        facts.expert_name = expert->display_name;
        facts.payment_method = expert->payment_method;
        facts.exchange = *exchange;
        auto year =
            earnings_.PayOfYear(name->exchange_id, name->id, static_cast<int>(facts.today.year()));
        if (!year.ok()) return year.status();
        facts.year = *std::move(year);
        auto planned = earnings_.PlannedTasks(name->exchange_id, name->id, caller.now());
        if (!planned.ok()) return planned.status();
        facts.planned = *std::move(planned);
        // Dated to the day: the same facts give the same bytes.
        auto pdf = render::RenderPdf(
            domain::EarningsLetterDocument(facts), "",
            absl::FromCivil(facts.today, absl::UTCTimeZone()));
        if (!pdf.ok()) return pdf.status();
        response->set_content(*std::move(pdf));
        response->set_mime_type("application/pdf");
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
