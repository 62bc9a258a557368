#include "clients/common/key_channel.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/client_interceptor.h"

namespace kokemus::client {
namespace {

// Adds the picked key to the call's initial metadata. Unary and
// server-streaming calls send their metadata and message in one batch, so the
// request is there to pick by.
class KeyInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit KeyInterceptor(const KeyPicker& pick) : pick_(pick) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      const google::protobuf::Message* request = nullptr;
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
        request = static_cast<const google::protobuf::Message*>(methods->GetSendMessage());
      }
      const std::string key = pick_(request);
      if (!key.empty()) {
        methods->GetSendInitialMetadata()->insert({"authorization", absl::StrCat("Bearer ", key)});
      }
    }
    methods->Proceed();
  }

 private:
  const KeyPicker& pick_;
};

class KeyInterceptorFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit KeyInterceptorFactory(KeyPicker pick) : pick_(std::move(pick)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new KeyInterceptor(pick_);
  }

 private:
  KeyPicker pick_;
};

}  // namespace

std::shared_ptr<grpc::Channel> PickingKeyChannel(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
    KeyPicker pick) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<KeyInterceptorFactory>(std::move(pick)));
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, std::move(credentials), args, std::move(factories));
}

std::shared_ptr<grpc::Channel> KeyChannel(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& key) {
  return PickingKeyChannel(
      address, std::move(credentials), [key](const google::protobuf::Message*) { return key; });
}

}  // namespace kokemus::client
