// The gRPC channel every client of the gateway should use: a page of GHL
// contacts can exceed gRPC's 4 MB default receive limit (one contact may
// carry megabytes of text), so the limit is raised to kMaxPageBytes.
#ifndef GHL_CLIENT_CHANNEL_H_
#define GHL_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace ghl::client {

/// Largest message a client accepts (one upstream page).
inline constexpr int kMaxPageBytes = 256 << 20;

/// An insecure channel to `target` with the raised receive limit.
std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CHANNEL_H_
