// expert export|erase (the data subject's rights), exchange apply-retention.
#include "absl/strings/str_cat.h"
#include "clients/kokemusctl/commands.h"

namespace kokemus::cli {

using R = v1::RegistryService::Stub;

// expert export ID [-o F.json] | expert erase ID [--force].
int ExpertRightsCommand(Session& s) {
  s.RequireNoMoreFlags();
  const std::string name = s.NameIn("experts");
  if (s.verb() == "export") {
    v1::ExportExpertDataRequest req;
    req.set_name(name);
    return s.WriteDocument(s.Call(&R::ExportExpertData, req).json());
  }
  v1::EraseExpertRequest req;
  req.set_name(name);
  req.set_force(s.command().force);
  const v1::EraseExpertResponse resp = s.Call(&R::EraseExpert, req);
  return s.Print(resp, [&] {
    s.out() << "erased; the kept assignments now name " << resp.pseudonym() << "\n";
  });
}

// exchange apply-retention [ID | -]: the retention rule, now.
int ApplyRetentionCommand(Session& s) {
  s.RequireNoMoreFlags();
  const std::string id = s.command().id.empty() ? s.command().exchange : s.command().id;
  if (id.empty()) {
    throw UsageError{"exchange apply-retention needs an ID (or - for every exchange)"};
  }
  v1::ApplyRetentionRequest req;
  req.set_name(s.ExchangeName(id));
  const v1::ApplyRetentionResponse resp = s.Call(&R::ApplyRetention, req);
  return s.Print(resp, [&] { s.out() << "erased " << resp.erased_experts() << " experts\n"; });
}

}  // namespace kokemus::cli
