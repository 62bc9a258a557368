// A gRPC channel whose calls carry an API key ("authorization: Bearer KEY"),
// for C++ callers of Kokemus: the key can be chosen per call from the
// request about to be sent.
//
//   auto channel = KeyChannel("kokemus.example.fi:443", grpc::SslCredentials({}), key);
//   auto registry = v1::RegistryService::NewStub(channel);
#ifndef KOKEMUS_CLIENTS_COMMON_KEY_CHANNEL_H_
#define KOKEMUS_CLIENTS_COMMON_KEY_CHANNEL_H_

#include <functional>
#include <memory>
#include <string>

#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace kokemus::client {

// Chooses the key for a call from its request (null when the call sends no
// message first); "" sends none.
using KeyPicker = std::function<std::string(const google::protobuf::Message* request)>;

// Every call with `key` ("" : without credentials).
std::shared_ptr<grpc::Channel> KeyChannel(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& key);
// Every call with the key `pick` chooses. The channel has connections of its
// own (not shared with other channels to the same address).
std::shared_ptr<grpc::Channel> PickingKeyChannel(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
    KeyPicker pick);

}  // namespace kokemus::client

#endif  // KOKEMUS_CLIENTS_COMMON_KEY_CHANNEL_H_
