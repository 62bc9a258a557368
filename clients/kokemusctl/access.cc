// key create|list|revoke|whoami, audit list|verify, health check.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using A = v1::AccessService::Stub;

// Keys live in an exchange, or (no --exchange, or `--exchange -`) in the
// top-level collection of national keys.
std::string KeyParent(const Session& s) {
  const std::string& exchange = s.command().exchange;
  return exchange.empty() || exchange == "-" ? "" : s.Parent();
}

// A key's name from its id (or the full name given).
std::string KeyName(const Session& s, const std::string& id) {
  if (absl::StrContains(id, '/')) return id;
  const std::string parent = KeyParent(s);
  return parent.empty() ? absl::StrCat("apiKeys/", id) : absl::StrCat(parent, "/apiKeys/", id);
}

int CreateKey(Session& s) {
  v1::CreateApiKeyRequest req;
  req.set_parent(KeyParent(s));
  v1::ApiKey* key = req.mutable_api_key();
  key->set_display_name(s.TakeFlag("display-name").value_or(""));
  const std::string role = s.TakeFlag("role").value_or("");
  if (role.empty()) throw UsageError{"--role is required"};
  key->set_role(
      static_cast<v1::AccessRole>(ParseEnumValue(v1::AccessRole_descriptor(), role, "role")));
  absl::Duration lifetime = absl::Hours(24 * 90);
  if (auto in = s.TakeFlag("expires-in")) {
    absl::string_view text = *in;
    int days = 0;
    if (!absl::ConsumeSuffix(&text, "d") || !absl::SimpleAtoi(text, &days) || days <= 0) {
      throw UsageError{"--expires-in must be a number of days such as 90d"};
    }
    lifetime = absl::Hours(24 * days);
  }
  absl::Time expire = absl::Now() + lifetime;
  if (auto at = s.TakeFlag("expire-time")) expire = ParseDayOrTime(*at, "expire-time");
  SetTimestamp(key->mutable_expire_time(), expire);
  if (auto org = s.TakeFlag("organization")) key->set_organization(*org);
  if (auto expert = s.TakeFlag("expert")) key->set_expert(*expert);
  s.ExpandReferences(*key);
  s.RequireNoMoreFlags();
  const v1::CreateApiKeyResponse resp = s.Call(&A::CreateApiKey, req);
  return s.Print(resp, [&] {
    // The key alone on stdout, for `export KOKEMUS_API_KEY=$(...)`.
    s.out() << resp.key() << "\n";
    s.err() << resp.api_key().name() << ": the key is shown only now; keep it safe\n";
  });
}

}  // namespace

int KeyCommand(Session& s) {
  if (s.verb() == "create") return CreateKey(s);
  s.RequireNoMoreFlags();
  if (s.verb() == "list") {
    // `--exchange -`: every key; no exchange: the national keys.
    const std::string parent = s.command().exchange == "-" ? "exchanges/-" : KeyParent(s);
    v1::ListApiKeysRequest req;
    req.set_parent(parent);
    return s.List(
        &A::ListApiKeys, req, "api_keys",
        {"name", "display_name", "role", "expire_time", "revoke_time"});
  }
  if (s.verb() == "revoke") {
    v1::RevokeApiKeyRequest req;
    req.set_name(KeyName(s, s.RequireId()));
    return s.Show(&A::RevokeApiKey, req);
  }
  if (s.verb() == "whoami") return s.Show(&A::GetCaller, v1::GetCallerRequest());
  throw UsageError{"key verbs: create, list, revoke, whoami"};
}

int AuditCommand(Session& s) {
  if (s.verb() == "list") {
    v1::ListAuditRecordsRequest req;
    req.set_parent(s.ScopeParent());
    if (auto r = s.TakeFlag("resource")) {
      // An expert's id stands for exchanges/{exchange}/experts/{id}.
      req.set_resource(
          absl::StartsWith(*r, "exchanges/") ? *r : absl::StrCat(s.Parent(), "/experts/", *r));
    }
    if (auto key = s.TakeFlag("key")) req.set_api_key(KeyName(s, *key));
    if (auto from = s.TakeFlag("from")) {
      SetTimestamp(req.mutable_start_time(), ParseDayOrTime(*from, "from"));
    }
    if (auto to = s.TakeFlag("to")) SetTimestamp(req.mutable_end_time(), ParseDayOrTime(*to, "to"));
    if (auto limit = s.TakeFlag("limit")) req.set_page_size(IntFlag("limit", *limit));
    s.RequireNoMoreFlags();
    return s.List(
        &A::ListAuditRecords, req, "audit_records",
        {"time", "api_key", "role", "method", "resource", "outcome"});
  }
  if (s.verb() == "verify") {
    s.RequireNoMoreFlags();
    v1::VerifyAuditLogRequest req;
    req.set_parent(s.ScopeParent());
    const v1::VerifyAuditLogResponse resp = s.Call(&A::VerifyAuditLog, req);
    s.Print(resp, [&] {
      s.out() << (resp.intact() ? "intact" : "TAMPERED") << "\n";
      for (const std::string& p : resp.problems()) s.out() << p << "\n";
    });
    return resp.intact() ? 0 : 1;
  }
  throw UsageError{"audit verbs: list, verify"};
}

// `health check [SERVICE]`: exit 0 when SERVING, 7 otherwise. For probes
// and operators; the server's health service answers it.
int HealthCommand(Session& s) {
  if (s.verb() != "check") throw UsageError{"health has one verb: check"};
  using H = grpc::health::v1::Health::Stub;
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(s.command().id);
  const grpc::health::v1::HealthCheckResponse resp = s.Call(&H::Check, req);
  s.out() << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
  return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 7;
}

}  // namespace kokemus::cli
