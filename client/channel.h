// The gRPC channel every client of the gateway should use: a page of GHL
// contacts can exceed gRPC's 4 MB default receive limit (one contact may
// carry megabytes of text), so the limit is raised to kMaxPageBytes.
//
// Caller credentials come from the environment, like other cloud clients:
//   GHL_API_KEY         the gateway API key, sent on every call as
//                       `authorization: Bearer <key>` (ghlctl keys create)
//   GHL_GATEWAY_TLS_CA  a PEM CA bundle: the channel uses TLS and trusts it
//   GHL_GATEWAY_TLS=1   TLS with the system's roots
// Without them the channel is plaintext and anonymous (a loopback gateway
// without a state file accepts that).
#ifndef GHL_CLIENT_CHANNEL_H_
#define GHL_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace ghl::client {

/// Largest message a client accepts (one upstream page).
inline constexpr int kMaxPageBytes = 256 << 20;

/// What NewGatewayChannel connects with.
struct GatewayChannelOptions {
  std::string api_key;  ///< empty: no authorization metadata
  bool tls = false;
  std::string tls_root_pem;  ///< empty with tls: the system's roots
};

/// The options from GHL_API_KEY, GHL_GATEWAY_TLS_CA and GHL_GATEWAY_TLS
/// (an unreadable CA file is reported on stderr and leaves TLS on with
/// no roots, so the call fails rather than going out in plaintext).
GatewayChannelOptions GatewayChannelOptionsFromEnv();

/// A channel to `target` with the raised receive limit and `options`.
std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target,
                                                 const GatewayChannelOptions& options);
/// NewGatewayChannel with GatewayChannelOptionsFromEnv().
std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CHANNEL_H_
