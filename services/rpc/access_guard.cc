#include "services/rpc/access_guard.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/domain/digest.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/validation.h"
#include "services/rpc/request_log.h"
#include "services/transcode/transcoder.h"

namespace kokemus::rpc {

namespace {
constexpr size_t kMaxCheckedKeys = 10000;
}  // namespace

bool Caller::organization_only() const {
  return principal_.role == domain::AccessRole::kOrdererSystem &&
         rule_->orderer == domain::Ownership::kOrganization;
}

bool Caller::self_only() const {
  return principal_.role == domain::AccessRole::kExpert &&
         rule_->expert == domain::Ownership::kSelf;
}

absl::Status Caller::MaySee(
    absl::string_view resource, absl::string_view organization_id,
    absl::string_view expert_id) const {
  if ((organization_only() && organization_id != principal_.organization_id) ||
      (self_only() && expert_id != principal_.expert_id)) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ExchangeOfResource(
    absl::string_view resource, absl::string_view field) {
  // Refused before anything audits, logs or echoes it (issue 18).
  if (resource.size() > domain::kMaxResourceNameLength) {
    return domain::InvalidField(
        std::string(field),
        absl::StrCat("must be at most ", domain::kMaxResourceNameLength, " characters"));
  }
  // National keys are the top-level collection apiKeys/{key}.
  if (resource.empty() || absl::StartsWith(resource, "apiKeys/")) return std::string();
  absl::string_view rest = resource;
  if (!absl::ConsumePrefix(&rest, "exchanges/")) {
    return domain::InvalidField(
        std::string(field), "must be a resource name under exchanges/{exchange}");
  }
  const absl::string_view id = rest.substr(0, rest.find('/'));
  if (id.empty() || (id != "-" && !domain::IsValidId(id))) {
    return domain::InvalidField(
        std::string(field), "must be a resource name under exchanges/{exchange}");
  }
  return id == "-" ? std::string() : std::string(id);
}

AccessGuard::AccessGuard(storage::Database& db, storage::KeyStore& keys, AccessOptions options)
    : db_(db),
      keys_(keys),
      options_(options),
      limiter_(options.rate_limit),
      failures_(options.failed_authentications),
      writer_(db) {}

void AccessGuard::ForgetKeys() {
  std::lock_guard<std::mutex> lock(mu_);
  checked_.clear();
}

absl::StatusOr<domain::Principal> AccessGuard::Authenticate(
    grpc::ServerContext* context, absl::Time now) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing credentials: send the API key as \"authorization: Bearer KEY\" (gRPC metadata, "
        "or the HTTP Authorization header)");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ")) {
    return absl::UnauthenticatedError("invalid API key");
  }
  const std::string digest = domain::Sha256Hex(value);
  bool verified_before = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = checked_.find(digest);
    if (found != checked_.end()) {
      if (now < found->second.until) return found->second.principal;
      checked_.erase(found);
    }
    verified_before = verified_.count(digest) > 0;
  }
  // "ipv4:10.1.2.3:54321" -> "ipv4:10.1.2.3": one bucket per address. A
  // call over HTTP/JSON comes through the in-process channel (whose peer gRPC
  // names "unknown"), which alone may name the HTTP client's address; a
  // network caller (ipv4:, ipv6:, unix:) cannot.
  std::string peer = context->peer();
  if (auto http = metadata.find(transcode::kHttpClientAddressKey);
      http != metadata.end() && peer == "unknown") {
    peer = absl::StrCat("http:", absl::string_view(http->second.data(), http->second.size()));
  } else {
    peer = peer.substr(0, peer.rfind(':'));
  }
  const bool throttled = options_.failed_authentications.burst > 0;
  if (throttled && !verified_before && failures_.Exhausted(peer, now)) {
    return absl::ResourceExhaustedError(
        "too many failed authentications from this address; retry later");
  }
  absl::Time expire_time = absl::InfinitePast();
  auto principal = keys_.Authenticate(value, now, &expire_time);
  if (!principal.ok()) {
    if (throttled && principal.status().code() == absl::StatusCode::kUnauthenticated) {
      (void)failures_.Allow(peer, now);  // spends one of the address's tries
    }
    return principal.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (checked_.size() >= kMaxCheckedKeys) checked_.clear();
  checked_[digest] = {*principal, std::min(now + options_.key_cache_ttl, expire_time)};
  if (verified_.size() >= kMaxCheckedKeys) verified_.clear();
  verified_.insert(digest);
  // The platform team sees a key in use running out before its callers fail
  // (the exchange's coordinator is told through the outbox as well). The key's
  // name only: its display name may name a person.
  if (domain::KeyWarningDue(expire_time, domain::kKeyExpiryLogDays, now)) {
    auto [logged, first] = expiry_logged_.try_emplace(principal->key_id, now);
    if (first || now - logged->second >= absl::Hours(24)) {
      logged->second = now;
      if (expiry_logged_.size() >= kMaxCheckedKeys) expiry_logged_.clear();
      LogLine(absl::StrFormat(
          R"({"event":"api_key_expiring","key":"%s","expire_time":"%s","days_left":%d})",
          domain::ApiKeyName(principal->exchange_id, principal->key_id),
          absl::FormatTime(absl::RFC3339_sec, expire_time, absl::UTCTimeZone()),
          static_cast<int>((expire_time - now) / absl::Hours(24))));
    }
  }
  return principal;
}

absl::Status AccessGuard::Check(
    grpc::ServerContext* context, absl::string_view method, absl::string_view field,
    absl::string_view resource, Caller& caller) {
  // Deadlines, rate limits and the key cache run on real time; the call's
  // rules on the server's clock.
  const absl::Time now = absl::Now();
  caller.now_ = db_.Now();
  caller.deadline_ = now + options_.default_deadline;
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    caller.deadline_ = std::min(caller.deadline_, absl::FromChrono(context->deadline()));
  }
  auto principal = Authenticate(context, now);
  if (!principal.ok()) return principal.status();
  caller.principal_ = *std::move(principal);
  if (!limiter_.Allow(caller.principal_.key_id, now)) {
    return absl::ResourceExhaustedError("too many calls with this API key; retry after a moment");
  }
  caller.rule_ = domain::RuleFor(absl::StrCat("kokemus.v1.", method));
  if (caller.rule_ == nullptr) {
    // Fails closed: a method without a rule serves nobody.
    return absl::PermissionDeniedError(absl::StrCat("kokemus.v1.", method, " has no access rule"));
  }
  auto exchange_id = ExchangeOfResource(resource, field);
  if (!exchange_id.ok()) {
    if ((caller.rule_->roles & domain::RoleBit(caller.principal_.role)) == 0) {
      return domain::Decide(*caller.rule_, caller.principal_, "", resource);
    }
    caller.malformed_ = exchange_id.status();
    return absl::OkStatus();
  }
  caller.exchange_id_ = *std::move(exchange_id);
  caller.audit_resource_ = std::string(resource);
  return domain::Decide(*caller.rule_, caller.principal_, caller.exchange_id_, resource);
}

storage::AuditRecord AccessGuard::RecordOf(const Caller& caller, const absl::Status& status) const {
  storage::AuditRecord record;
  record.exchange_id = caller.exchange_id_;
  record.time = absl::Now();
  record.key_id = caller.principal_.key_id;
  record.role = std::string(domain::AccessRoleName(caller.principal_.role));
  record.method = caller.rule_->method;
  record.resource = caller.audit_resource_;
  record.outcome = status.ok() ? "OK" : absl::StatusCodeToString(status.code());
  if (status.ok() && !caller.audit_note_.empty())
    absl::StrAppend(&record.outcome, " ", caller.audit_note_);
  return record;
}

absl::Status AccessGuard::Audited(const Caller& caller, const absl::Status& status) {
  if (!writer_.Submit(RecordOf(caller, status)).ok()) {
    return absl::UnavailableError("the audit log can't be written now; nothing was answered");
  }
  return status;
}

absl::Status AccessGuard::Refused(const Caller& caller, const absl::Status& status) {
  const bool audited = caller.rule_ != nullptr && caller.rule_->personal_data &&
                       !caller.principal_.key_id.empty() &&
                       (status.code() == absl::StatusCode::kPermissionDenied ||
                        status.code() == absl::StatusCode::kNotFound);
  return audited ? Audited(caller, status) : status;
}

}  // namespace kokemus::rpc
