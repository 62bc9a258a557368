// The checks every RPC of kokemus.v1 runs before its body: the API key from
// the `authorization: Bearer KEY` metadata (UNAUTHENTICATED when missing or
// not valid, nothing else said), the key's rate limit (RESOURCE_EXHAUSTED),
// and the method's access rule for the exchange the request names
// (PERMISSION_DENIED for a role the rule doesn't list, NOT_FOUND for another
// exchange's objects). Methods that touch personal data write one audit
// record: inside the call's first committed write transaction when it has
// one, else (reads, refusals) queued to be written behind within
// milliseconds; while the log can't be written, such calls are answered
// UNAVAILABLE without their data.
//
//   return guard_.Run(context, *request, "RegistryService/GetExpert", "name", request->name(),
//                     [&](Caller& caller) -> absl::Status { ... });
#ifndef KOKEMUS_SERVICES_RPC_ACCESS_GUARD_H_
#define KOKEMUS_SERVICES_RPC_ACCESS_GUARD_H_

#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "services/domain/access.h"
#include "services/domain/rate_limit.h"
#include "services/rpc/handler.h"
#include "services/rpc/request_checks.h"
#include "services/storage/audit_store.h"
#include "services/storage/database.h"
#include "services/storage/key_store.h"

namespace kokemus::rpc {

struct AccessOptions {
  domain::RateLimit rate_limit;  // per API key
  // How long a checked key is trusted without asking the database again: a
  // key revoked on another replica stops working within this time (at once
  // on the replica that revoked it). Expiry is always exact.
  absl::Duration key_cache_ttl = absl::Seconds(5);
  // Failed authentications per client address: past this, its unknown keys
  // are refused with RESOURCE_EXHAUSTED without a database lookup (known,
  // recently checked keys still pass). A burst of 0 turns it off (behind a
  // proxy that is every client's address).
  domain::RateLimit failed_authentications = {.per_second = 5, .burst = 50};
  // The deadline of a call that brings none.
  absl::Duration default_deadline = absl::Seconds(30);
};

// The checked caller of one call.
class Caller {
 public:
  const domain::Principal& principal() const { return principal_; }
  const domain::MethodRule& rule() const { return *rule_; }
  // The exchange the request names; "" for a call across exchanges.
  const std::string& exchange_id() const { return exchange_id_; }
  // The method's rule narrows this caller to one organization's objects (an
  // orderer system) or to their own (an expert).
  bool organization_only() const;
  bool self_only() const;
  // NOT_FOUND naming `resource` unless a narrowed caller may see an object
  // of `organization_id` assigned to `expert_id` ("" where there is none).
  absl::Status MaySee(
      absl::string_view resource, absl::string_view organization_id,
      absl::string_view expert_id) const;
  // The time of the call on the server's clock (domain/clock.h), taken once:
  // every rule of the call decides by it.
  absl::Time now() const { return now_; }
  // When the call must end: the caller's deadline or the default one.
  absl::Time deadline() const { return deadline_; }
  // The resource the audit record names (default: the request's).
  void set_audit_resource(std::string resource) { audit_resource_ = std::move(resource); }
  // A word after the audit record's outcome ("OK forced"); never personal data.
  void set_audit_note(std::string note) { audit_note_ = std::move(note); }

 private:
  friend class AccessGuard;
  domain::Principal principal_;
  const domain::MethodRule* rule_ = nullptr;
  std::string exchange_id_;
  std::string audit_resource_;
  std::string audit_note_;
  absl::Time deadline_ = absl::InfiniteFuture();
  absl::Time now_;
  // The request's resource name is no name at all: the body's own
  // validation says what is wrong with it (the body can't reach any data).
  absl::Status malformed_;
};

// The exchange of a resource name: "ph" for "exchanges/ph/experts/kaisa", ""
// for "" and "exchanges/-". INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ExchangeOfResource(absl::string_view resource, absl::string_view field);

class AccessGuard final {
 public:
  AccessGuard(storage::Database& db, storage::KeyStore& keys, AccessOptions options);

  // Checks the call to `method` ("RegistryService/GetExpert") whose request
  // names `resource` in `field`, then runs `body(Caller&)` and audits it.
  template <typename F>
  grpc::Status Run(
      grpc::ServerContext* context, const google::protobuf::Message& request,
      absl::string_view method, absl::string_view field, absl::string_view resource, F&& body) {
    return Serve(context, request, method, field, resource, /*streaming=*/false, body);
  }

  // A server-streaming call: one that hands out personal data is audited
  // before the first message leaves (and again if it then fails).
  template <typename F>
  grpc::Status RunStreaming(
      grpc::ServerContext* context, const google::protobuf::Message& request,
      absl::string_view method, absl::string_view field, absl::string_view resource, F&& body) {
    return Serve(context, request, method, field, resource, /*streaming=*/true, body);
  }

  // Forgets every checked key (after a revocation on this server).
  void ForgetKeys();
  // Waits until this server's queued audit records are committed (before the
  // audit log is read).
  absl::Status FlushAudit() { return writer_.Flush(); }
  // Audit records dropped because they could not be written (a metric).
  uint64_t audit_dead_letters() const { return writer_.dead_letters(); }

 private:
  template <typename F>
  grpc::Status Serve(
      grpc::ServerContext* context, const google::protobuf::Message& request,
      absl::string_view method, absl::string_view field, absl::string_view resource, bool streaming,
      F& body) {
    return Guarded([&]() -> absl::Status {
      Caller caller;
      if (absl::Status s = Check(context, method, field, resource, caller); !s.ok()) {
        return Refused(caller, s);
      }
      // Times out of the protobuf range and unknown enum values, in any
      // field of any request (issue 18).
      if (absl::Status s = CheckRequestFields(request); !s.ok()) return s;
      if (!caller.malformed_.ok()) return Malformed(caller, body(caller));
      if (!caller.rule().personal_data) return body(caller);
      if (streaming) {
        if (absl::Status a = Audited(caller, absl::OkStatus()); !a.ok()) return a;
        absl::Status status = body(caller);
        return status.ok() ? status : Audited(caller, status);
      }
      storage::AuditRider rider(
          db_.audit_key(), [&] { return RecordOf(caller, absl::OkStatus()); });
      absl::Status status;
      {
        storage::RiderScope scope(&rider);
        status = body(caller);
        if (scope.rode() && status.ok()) return status;
      }
      return Audited(caller, status);
    });
  }

  absl::Status Check(
      grpc::ServerContext* context, absl::string_view method, absl::string_view field,
      absl::string_view resource, Caller& caller);
  absl::StatusOr<domain::Principal> Authenticate(grpc::ServerContext* context, absl::Time now);
  // The body's answer to a malformed resource name: its own INVALID_ARGUMENT,
  // never anything it might have found.
  static absl::Status Malformed(const Caller& caller, const absl::Status& body_status) {
    return body_status.ok() ? caller.malformed_ : body_status;
  }
  // A refused call: audited when an authenticated key was refused a method
  // that touches personal data (not for a rate limit). Returns `status`.
  absl::Status Refused(const Caller& caller, const absl::Status& status);
  // Writes the record of a call that ended with `status` in a transaction of
  // its own; returns `status`, or UNAVAILABLE when the record can't be kept.
  absl::Status Audited(const Caller& caller, const absl::Status& status);
  storage::AuditRecord RecordOf(const Caller& caller, const absl::Status& status) const;

  struct Checked {
    domain::Principal principal;
    absl::Time until;
  };

  storage::Database& db_;
  storage::KeyStore& keys_;
  const AccessOptions options_;
  domain::RateLimiter limiter_;
  domain::RateLimiter failures_;  // failed authentications by client address
  storage::AuditWriter writer_;   // records outside a write transaction, written behind
  std::mutex mu_;
  std::unordered_map<std::string, Checked> checked_;  // by SHA-256 of the key; guarded by mu_
  // Keys this server has verified (SHA-256): the failed-authentication
  // throttle never holds them back, so a flood of bad keys from a shared
  // address (a NAT, a proxy) does not lock out the valid keys behind it.
  std::unordered_set<std::string> verified_;  // guarded by mu_
  // When each key (by id) near its expiry was last logged: at most once a day.
  std::unordered_map<std::string, absl::Time> expiry_logged_;  // guarded by mu_
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_ACCESS_GUARD_H_
