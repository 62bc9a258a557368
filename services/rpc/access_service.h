// kokemus.v1.AccessService: API keys (create, list, revoke, who am I) and the
// audit log (list, verify). A coordinator manages the keys and reads the
// audit log of their own exchange; the national administrator every one.
//
//   AccessService service(keys, audit, guard);
//   builder.RegisterService(&service);
#ifndef KOKEMUS_SERVICES_RPC_ACCESS_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_ACCESS_SERVICE_H_

#include "kokemus/v1/access_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/audit_store.h"
#include "services/storage/key_store.h"

namespace kokemus::rpc {

// A checkpoint as the API gives it: chains as resource names, with its seal.
v1::AuditCheckpoint CheckpointProto(
    const storage::AuditCheckpoint& checkpoint, const std::string& seal);

class AccessService final : public v1::AccessService::Service {
 public:
  AccessService(storage::KeyStore& keys, storage::AuditStore& audit, AccessGuard& guard)
      : keys_(keys), audit_(audit), guard_(guard) {}

  grpc::Status CreateApiKey(
      grpc::ServerContext*, const v1::CreateApiKeyRequest*, v1::CreateApiKeyResponse*) override;
  grpc::Status ListApiKeys(
      grpc::ServerContext*, const v1::ListApiKeysRequest*, v1::ListApiKeysResponse*) override;
  grpc::Status RevokeApiKey(
      grpc::ServerContext*, const v1::RevokeApiKeyRequest*, v1::RevokeApiKeyResponse*) override;
  grpc::Status GetCaller(
      grpc::ServerContext*, const v1::GetCallerRequest*, v1::GetCallerResponse*) override;
  grpc::Status ListAuditRecords(
      grpc::ServerContext*, const v1::ListAuditRecordsRequest*,
      v1::ListAuditRecordsResponse*) override;
  grpc::Status VerifyAuditLog(
      grpc::ServerContext*, const v1::VerifyAuditLogRequest*, v1::VerifyAuditLogResponse*) override;
  grpc::Status CreateAuditCheckpoint(
      grpc::ServerContext*, const v1::CreateAuditCheckpointRequest*,
      v1::CreateAuditCheckpointResponse*) override;

 private:
  storage::KeyStore& keys_;
  storage::AuditStore& audit_;
  AccessGuard& guard_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_ACCESS_SERVICE_H_
