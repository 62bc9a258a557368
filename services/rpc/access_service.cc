#include "services/rpc/access_service.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/domain/listing.h"
#include "services/domain/validation.h"
#include "services/rpc/convert.h"

namespace kokemus::rpc {
namespace {

using domain::AccessRole;

constexpr int kDefaultAuditRecords = 100;
// A parent that reads across every exchange (AIP-159); never written through.
constexpr char kEveryExchange[] = "exchanges/-";
constexpr int kMaxAuditRecords = 1000;

std::string ExchangePart(const std::string& exchange_id) {
  return absl::StrCat("exchanges/", exchange_id.empty() ? "-" : exchange_id);
}

v1::ApiKey ToProto(const storage::ApiKey& key) {
  v1::ApiKey p;
  const domain::Principal& who = key.principal;
  p.set_name(domain::ApiKeyName(who.exchange_id, key.id));
  p.set_display_name(key.display_name);
  p.set_role(static_cast<v1::AccessRole>(who.role));
  if (!who.organization_id.empty()) {
    p.set_organization(
        domain::ChildResourceName(who.exchange_id, "organizations", who.organization_id));
  }
  if (!who.expert_id.empty()) {
    p.set_expert(domain::ChildResourceName(who.exchange_id, "experts", who.expert_id));
  }
  *p.mutable_create_time() = rpc::ToProto(key.create_time);
  *p.mutable_expire_time() = rpc::ToProto(key.expire_time);
  if (key.revoke_time != absl::UnixEpoch()) {
    *p.mutable_revoke_time() = rpc::ToProto(key.revoke_time);
  }
  if (!key.created_by.empty()) {
    p.set_creator(domain::ApiKeyName(key.created_by_exchange_id, key.created_by));
  }
  return p;
}

// The id in `reference` (a resource name of `collection` in `exchange_id`);
// a violation naming `field` when it is not one.
std::string ScopeId(
    const std::string& reference, absl::string_view collection, const std::string& exchange_id,
    absl::string_view field, domain::FieldViolations& v) {
  if (reference.empty()) return "";
  auto child = domain::ParseChildName(reference, collection, field);
  if (!child.ok() || child->exchange_id != exchange_id) {
    v.Add(
        std::string(field), absl::StrCat(
                                "must be a resource name ", ExchangePart(exchange_id), "/",
                                collection, "/{id} in the key's exchange"));
    return "";
  }
  return child->id;
}

}  // namespace

grpc::Status AccessService::CreateApiKey(
    grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
    v1::CreateApiKeyResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/CreateApiKey", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        if (request->parent() == kEveryExchange) {
          return domain::InvalidField(
              "parent", "must be empty for a national key (the top-level apiKeys collection)");
        }
        const v1::ApiKey& in = request->api_key();
        domain::FieldViolations v;
        storage::ApiKey key;
        key.display_name = std::string(absl::StripAsciiWhitespace(in.display_name()));
        key.principal.role = static_cast<AccessRole>(in.role());
        if (!v1::AccessRole_IsValid(in.role())) v.Add("api_key.role", "is not a known role");
        key.principal.exchange_id = caller.exchange_id();
        key.principal.organization_id = ScopeId(
            in.organization(), "organizations", caller.exchange_id(), "api_key.organization", v);
        key.principal.expert_id =
            ScopeId(in.expert(), "experts", caller.exchange_id(), "api_key.expert", v);
        key.expire_time = in.has_expire_time() ? FromProto(in.expire_time()) : absl::UnixEpoch();
        if (!in.has_expire_time()) v.Add("api_key.expire_time", "is required");
        if (!v.empty()) return v.ToStatus();
        key.created_by = caller.principal().key_id;
        auto created = keys_.Create(std::move(key), caller.now());
        if (!created.ok()) return created.status();
        *response->mutable_api_key() = ToProto(created->key);
        response->set_key(created->plaintext);
        return absl::OkStatus();
      });
}

grpc::Status AccessService::ListApiKeys(
    grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
    v1::ListApiKeysResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/ListApiKeys", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto query = domain::ParseListQuery(
            request->parent(), "apiKeys", request->page_size(), request->page_token(), "", {});
        if (!query.ok()) return query.status();
        storage::KeyScope scope{storage::KeyScope::Kind::kExchange, caller.exchange_id()};
        if (request->parent().empty()) scope.kind = storage::KeyScope::Kind::kNational;
        if (request->parent() == kEveryExchange) scope.kind = storage::KeyScope::Kind::kEvery;
        auto keys = keys_.List(scope, *query);
        if (!keys.ok()) return keys.status();
        for (const storage::ApiKey& k : keys->items) *response->add_api_keys() = ToProto(k);
        response->set_next_page_token(keys->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status AccessService::RevokeApiKey(
    grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
    v1::RevokeApiKeyResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/RevokeApiKey", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseApiKeyName(request->name(), "name");
        if (!name.ok()) return name.status();
        auto key = keys_.Get(name->id);
        // A key named under another exchange is not found, like a missing one.
        if (!key.ok() || key->principal.exchange_id != name->exchange_id) {
          return absl::NotFoundError(absl::StrCat(request->name(), " not found"));
        }
        auto revoked = keys_.Revoke(name->id, caller.now());
        if (!revoked.ok()) return revoked.status();
        guard_.ForgetKeys();
        *response->mutable_api_key() = ToProto(*revoked);
        return absl::OkStatus();
      });
}

grpc::Status AccessService::GetCaller(
    grpc::ServerContext* context, const v1::GetCallerRequest* request,
    v1::GetCallerResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/GetCaller", "", "", [&](Caller& caller) -> absl::Status {
        auto key = keys_.Get(caller.principal().key_id);
        if (!key.ok()) return key.status();
        *response->mutable_api_key() = ToProto(*key);
        return absl::OkStatus();
      });
}

grpc::Status AccessService::ListAuditRecords(
    grpc::ServerContext* context, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/ListAuditRecords", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        domain::FieldViolations v;
        storage::AuditQuery query;
        query.exchange_id = caller.exchange_id();
        if (!request->api_key().empty()) {
          auto key = domain::ParseApiKeyName(request->api_key(), "api_key");
          if (key.ok()) query.key_id = key->id;
          v.Add(key.status());
        }
        if (!request->resource().empty() && !absl::StartsWith(request->resource(), "exchanges/")) {
          v.Add("resource", "must be a resource name under exchanges/{exchange}");
        }
        // The token belongs to the same parent and filters.
        auto page = domain::ParseListQuery(
            absl::StrCat(
                request->parent(), " ", request->resource(), " ", request->api_key(), " ",
                request->start_time().ShortDebugString(), " ",
                request->end_time().ShortDebugString()),
            "auditRecords", request->page_size(), request->page_token(), "", {});
        v.Add(page.status());
        if (!v.empty()) return v.ToStatus();
        query.resource = request->resource();
        if (request->has_start_time()) query.from = FromProto(request->start_time());
        if (request->has_end_time()) query.to = FromProto(request->end_time());
        query.page_size = request->page_size() == 0
                              ? kDefaultAuditRecords
                              : std::min(request->page_size(), kMaxAuditRecords);
        query.after = page->after_id;
        if (absl::Status s = guard_.FlushAudit(); !s.ok()) return s;
        auto records = audit_.List(query);
        if (!records.ok()) return records.status();
        if (!records->next.empty()) {
          response->set_next_page_token(domain::NextPageToken(*page, records->next));
        }
        for (const storage::AuditRecord& r : records->records) {
          v1::AuditRecord* out = response->add_audit_records();
          out->set_exchange(ExchangePart(r.exchange_id));
          out->set_sequence(r.seq);
          *out->mutable_time() = rpc::ToProto(r.time);
          if (!r.key_id.empty()) out->set_api_key(domain::ApiKeyName(r.key_exchange_id, r.key_id));
          out->set_role(r.role);
          out->set_method(r.method);
          out->set_resource(r.resource);
          out->set_outcome(r.outcome);
          out->set_hash(r.hash);
        }
        return absl::OkStatus();
      });
}

namespace {

// A checkpoint as the caller sent it back; INVALID_ARGUMENT naming a field
// that no checkpoint of this server has.
absl::StatusOr<storage::AuditCheckpoint> CheckpointOf(const v1::AuditCheckpoint& proto) {
  storage::AuditCheckpoint checkpoint;
  checkpoint.time = FromProto(proto.create_time());
  domain::FieldViolations v;
  for (int i = 0; i < proto.heads_size(); ++i) {
    const auto& head = proto.heads(i);
    if (head.chain() == "exchanges/-") {
      checkpoint.heads.push_back({"", head.seq(), head.hash()});
      continue;
    }
    auto exchange = domain::ParseExchangeName(head.chain(), absl::StrCat("heads[", i, "].chain"));
    if (!exchange.ok()) {
      v.Add(exchange.status());
      continue;
    }
    checkpoint.heads.push_back({*exchange, head.seq(), head.hash()});
  }
  if (!v.empty()) return v.ToStatus();
  return checkpoint;
}

}  // namespace

v1::AuditCheckpoint CheckpointProto(
    const storage::AuditCheckpoint& checkpoint, const std::string& seal) {
  v1::AuditCheckpoint out;
  *out.mutable_create_time() = ToProto(checkpoint.time);
  for (const storage::AuditHead& head : checkpoint.heads) {
    auto* h = out.add_heads();
    h->set_chain(domain::ExchangeName(head.exchange_id.empty() ? "-" : head.exchange_id));
    h->set_seq(head.seq);
    h->set_hash(head.hash);
  }
  out.set_seal(seal);
  return out;
}

grpc::Status AccessService::VerifyAuditLog(
    grpc::ServerContext* context, const v1::VerifyAuditLogRequest* request,
    v1::VerifyAuditLogResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/VerifyAuditLog", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        std::optional<storage::AuditCheckpoint> checkpoint;
        if (request->has_checkpoint()) {
          auto read = CheckpointOf(request->checkpoint());
          if (!read.ok()) return domain::WithFieldPrefix(read.status(), "checkpoint");
          if (!audit_.SealMatches(*read, request->checkpoint().seal())) {
            return domain::InvalidField(
                "checkpoint.seal",
                "was not made with this server's audit key, or the "
                "checkpoint was changed");
          }
          checkpoint = *std::move(read);
        }
        if (absl::Status s = guard_.FlushAudit(); !s.ok()) return s;
        const storage::AuditHead* at = nullptr;
        if (checkpoint) {
          for (const storage::AuditHead& head : checkpoint->heads) {
            if (head.exchange_id == caller.exchange_id()) at = &head;
          }
        }
        auto problems = audit_.Verify(
            caller.exchange_id(), at, checkpoint ? checkpoint->time : absl::UnixEpoch());
        if (!problems.ok()) return problems.status();
        response->set_intact(problems->empty());
        for (const std::string& p : *problems) response->add_problems(p);
        return absl::OkStatus();
      });
}

grpc::Status AccessService::CreateAuditCheckpoint(
    grpc::ServerContext* context, const v1::CreateAuditCheckpointRequest* request,
    v1::CreateAuditCheckpointResponse* response) {
  return guard_.Run(
      context, *request, "AccessService/CreateAuditCheckpoint", "", "",
      [&](Caller& caller) -> absl::Status {
        if (absl::Status s = guard_.FlushAudit(); !s.ok()) return s;
        auto checkpoint = audit_.Heads(caller.now());
        if (!checkpoint.ok()) return checkpoint.status();
        *response->mutable_checkpoint() = CheckpointProto(*checkpoint, audit_.SealOf(*checkpoint));
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
