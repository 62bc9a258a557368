// key create|list|revoke|whoami, audit list|verify|checkpoint, health check.
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/output.h"
#include "clients/kokemusctl/proto_flags.h"
#include "google/protobuf/util/json_util.h"

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
    // Days left, so that a key is renewed before it stops working (issue 17).
    const absl::Time now = absl::Now();
    return s.List(&A::ListApiKeys, req, [&](const v1::ListApiKeysResponse& all) {
      std::vector<std::vector<std::string>> cells = {
          {"KEY", "DISPLAY_NAME", "ROLE", "EXPIRES", "DAYS_LEFT", "REVOKED"}};
      for (const v1::ApiKey& k : all.api_keys()) {
        std::string left;
        if (!k.has_revoke_time() && k.has_expire_time()) {
          const absl::Duration d = absl::FromUnixSeconds(k.expire_time().seconds()) - now;
          left = d <= absl::ZeroDuration()
                     ? "expired"
                     : absl::StrCat(static_cast<int64_t>(absl::ToDoubleHours(d) / 24 + 0.999));
        }
        cells.push_back(
            {ShortName(k.name()), k.display_name(),
             HumanField(k, k.GetDescriptor()->FindFieldByName("role")),
             k.has_expire_time() ? HelsinkiShort(k.expire_time()) : "", left,
             k.has_revoke_time() ? HelsinkiShort(k.revoke_time()) : ""});
      }
      PrintCells(cells, s.out());
    });
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
  if (s.verb() == "checkpoint") {
    // Kept outside the database (the chart's CronJob writes one an hour):
    // the protobuf JSON of the sealed heads, for `audit verify --checkpoint`.
    s.RequireNoMoreFlags();
    const v1::CreateAuditCheckpointResponse resp =
        s.Call(&A::CreateAuditCheckpoint, v1::CreateAuditCheckpointRequest());
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(resp.checkpoint(), &json, options);
    return s.WriteDocument(json);
  }
  if (s.verb() == "verify") {
    std::optional<v1::AuditCheckpoint> checkpoint;
    if (auto file = s.TakeFlag("checkpoint")) {
      const std::string text = ReadFlagFile(*file, "checkpoint");
      checkpoint.emplace();
      if (!google::protobuf::util::JsonStringToMessage(text, &*checkpoint).ok()) {
        throw UsageError{absl::StrCat("--checkpoint: ", *file, " is not an audit checkpoint")};
      }
    }
    const bool every_chain = s.TakeFlag("every-chain").value_or("false") == "true";
    s.RequireNoMoreFlags();
    if (every_chain && !checkpoint) throw UsageError{"--every-chain needs --checkpoint FILE"};
    // Each chain the checkpoint names (a national key), or the scope's.
    std::vector<std::string> chains;
    if (every_chain) {
      for (const auto& head : checkpoint->heads()) chains.push_back(head.chain());
    } else {
      chains.push_back(s.ScopeParent());
    }
    bool intact = true;
    v1::VerifyAuditLogResponse all;
    for (const std::string& chain : chains) {
      v1::VerifyAuditLogRequest req;
      req.set_parent(chain);
      if (checkpoint) *req.mutable_checkpoint() = *checkpoint;
      const v1::VerifyAuditLogResponse resp = s.Call(&A::VerifyAuditLog, req);
      intact = intact && resp.intact();
      for (const std::string& p : resp.problems()) {
        all.add_problems(chains.size() > 1 ? absl::StrCat(chain, ": ", p) : p);
      }
    }
    all.set_intact(intact);
    s.Print(all, [&] {
      s.out() << (intact ? "intact" : "TAMPERED") << "\n";
      for (const std::string& p : all.problems()) s.out() << p << "\n";
    });
    return intact ? 0 : 1;
  }
  throw UsageError{"audit verbs: list, verify, checkpoint"};
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
