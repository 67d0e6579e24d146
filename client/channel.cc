#include "client/channel.h"

namespace ghl::client {

std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxPageBytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace ghl::client
