#include "client/channel.h"

#include <grpcpp/support/client_interceptor.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"

namespace ghl::client {
namespace {

// Adds the API key to every call's initial metadata.
class ApiKeyInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ApiKeyInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class ApiKeyInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ApiKeyInterceptorFactory(const std::string& key) : header_("Bearer " + key) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new ApiKeyInterceptor(&header_);
  }

 private:
  const std::string header_;  // lives as long as the channel (which owns the factory)
};

}  // namespace

GatewayChannelOptions GatewayChannelOptionsFromEnv() {
  GatewayChannelOptions options;
  // A key read from a file often carries its line end (CRLF included).
  if (const char* key = std::getenv("GHL_API_KEY")) {
    options.api_key = std::string(absl::StripAsciiWhitespace(key));
  }
  if (const char* tls = std::getenv("GHL_GATEWAY_TLS")) options.tls = std::string(tls) == "1";
  if (const char* ca = std::getenv("GHL_GATEWAY_TLS_CA"); ca != nullptr && *ca != '\0') {
    options.tls = true;
    std::ifstream in(ca, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    options.tls_root_pem = buf.str();
    if (!in || options.tls_root_pem.empty()) {
      std::cerr << "ghl client: cannot read GHL_GATEWAY_TLS_CA " << ca << "\n";
      options.tls_root_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
    }
  }
  return options;
}

std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target,
                                                 const GatewayChannelOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxPageBytes);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_root_pem;
    creds = grpc::SslCredentials(ssl);
  }
  if (options.api_key.empty()) return grpc::CreateCustomChannel(target, creds, args);
  // gRPC aborts the process on a metadata value with control or non-ASCII
  // bytes, printing it: refuse such a key here, without echoing it. The
  // calls then go without a key and the gateway answers UNAUTHENTICATED.
  if (!std::all_of(options.api_key.begin(), options.api_key.end(),
                   [](char c) { return c > 0x20 && c < 0x7f; })) {
    std::cerr << "ghl client: the API key (GHL_API_KEY) has spaces, control characters or "
                 "non-ASCII bytes, which no gateway key has; it is not sent\n";
    return grpc::CreateCustomChannel(target, creds, args);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ApiKeyInterceptorFactory>(options.api_key));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, creds, args,
                                                                 std::move(interceptors));
}

std::shared_ptr<grpc::Channel> NewGatewayChannel(const std::string& target) {
  return NewGatewayChannel(target, GatewayChannelOptionsFromEnv());
}

}  // namespace ghl::client
