// A whole gateway stack for integration tests: ghl-sandbox in-process on
// port 0, optionally Stoplight Prism (proxy, --errors) in front of it, and
// the gateway in-process on port 0 pointed at one of them, with a gRPC stub.
#ifndef GHL_TESTS_INTEGRATION_STACK_H_
#define GHL_TESTS_INTEGRATION_STACK_H_

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tests/support/subprocess.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace ghl::testing {

inline constexpr char kDemoLocation[] = "ve9EPM428h8vShlRW1KT";
// Test-only credentials (not secrets of any real account).
inline constexpr char kFullToken[] = "pit-test-full-7f3a9c";
inline constexpr char kReadOnlyToken[] = "pit-test-ro-52be10";
inline constexpr char kReadOnlyLocation[] = "ROLOCATION0000000001";

/// Where Prism is, and whether its absence is a failure (CI) or a skip.
inline std::string PrismBin() { return Env("GHL_PRISM_BIN"); }
inline bool PrismRequired() { return Env("GHL_REQUIRE_PRISM") == "1"; }

struct StackOptions {
  bool demo_data = true;           // else generated
  int generated_contacts = 0;
  bool prism_proxy = false;
  bool prism_errors = true;        // --errors: violations fail the call
  int rate_limit_max = 100;  // GHL's real burst limit
  int rate_limit_interval_ms = 10000;
  int rate_limit_daily = 200000;  // GHL's real daily limit
  int retry_max_attempts = 6;
  bool pacing = true;  // the gateway's per-location budget (issue 5)
  int workers = 4;     // the gateway's worker threads
  ghl::sandbox::FaultPlan faults;  // injected by the sandbox (issue 5)
  std::string gateway_token = kFullToken;  // token the gateway sends for the demo location
  std::string metrics_listen;  // the gateway's --metrics-listen (empty: none)
  /// Last word on the gateway's config (log file, state file, ...).
  std::function<void(ghl::server::GatewayConfig*)> configure;
};

inline std::vector<std::string> PrismProxyArgs(const std::string& upstream, int port, bool errors) {
  std::vector<std::string> args{PrismBin(), "proxy", SharedDir() + "/ghl-api/apps/contacts.json", upstream,
                                "-p", absl::StrCat(port), "-h", "127.0.0.1"};
  if (errors) args.push_back("--errors");
  return args;
}

class Stack {
 public:
  explicit Stack(const StackOptions& o) {
    ghl::sandbox::SandboxOptions so;
    if (o.demo_data) {
      so.data_dir = SharedDir() + "/data/location-demo";
    } else {
      so.generate_contacts = o.generated_contacts;
      so.seed = 7;
    }
    so.tokens = {{kFullToken, kDemoLocation, {"contacts.readonly", "contacts.write"}},
                 {kReadOnlyToken, kDemoLocation, {"contacts.readonly"}}};
    so.rate_limit_max = o.rate_limit_max;
    so.rate_limit_interval_ms = o.rate_limit_interval_ms;
    so.rate_limit_daily = o.rate_limit_daily;
    so.faults = o.faults;
    sandbox_ = std::make_unique<ghl::sandbox::Sandbox>(so);
    auto started = sandbox_->Start();
    if (!started.ok()) {
      error_ = absl::StrCat("sandbox: ", started.message());
      return;
    }
    std::string upstream = absl::StrCat("http://127.0.0.1:", sandbox_->port());
    if (o.prism_proxy) {
      const int port = FreePort();
      prism_log_ = ::testing::TempDir() + absl::StrCat("/prism-proxy-", port, ".log");
      prism_ = std::make_unique<Subprocess>(
          PrismProxyArgs(upstream, port, o.prism_errors), prism_log_);
      if (!WaitForPort(port, std::chrono::seconds(60))) {
        error_ = "prism proxy did not start: " + prism_->log();
        return;
      }
      upstream = absl::StrCat("http://127.0.0.1:", port);
    }
    upstream_ = upstream;
    ghl::server::GatewayConfig gc;
    gc.listen = "127.0.0.1:0";
    gc.upstream = upstream;
    gc.workers = o.workers;
    gc.retry_max_attempts = o.retry_max_attempts;
    gc.pacing = o.pacing;
    gc.retry_initial_backoff = absl::Milliseconds(20);
    gc.retry_max_backoff = absl::Milliseconds(500);
    gc.tokens = {{kDemoLocation, o.gateway_token}, {kReadOnlyLocation, kReadOnlyToken}};
    gc.metrics_listen = o.metrics_listen;
    if (o.configure) o.configure(&gc);
    gateway_config_ = gc;
    StartGateway();
  }

  /// Starts a fresh gateway (new port, new budget) in front of the same
  /// upstream, after shutting down the current one (a gateway restart).
  void RestartGateway() {
    if (gateway_) gateway_->Shutdown(absl::Seconds(2));
    gateway_.reset();
    StartGateway();
  }
  /// The running gateway.
  ghl::server::Gateway& gateway() { return *gateway_; }
  ~Stack() {
    if (gateway_) gateway_->Shutdown(absl::Seconds(2));
    if (prism_) prism_->Stop();
    if (sandbox_) sandbox_->Stop();
  }

  const std::string& error() const { return error_; }
  /// The URL the gateway calls (Prism when proxied, else the sandbox).
  const std::string& upstream() const { return upstream_; }
  ghl::contacts::v1::ContactsService::Stub& stub() { return *stub_; }
  /// The channel to the gateway, for stubs of its other services.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  ghl::sandbox::Sandbox& sandbox() { return *sandbox_; }
  std::string prism_log() const { return prism_ ? prism_->log() : ""; }

 private:
  std::string error_;
  std::string upstream_;
  std::unique_ptr<ghl::sandbox::Sandbox> sandbox_;
  std::unique_ptr<Subprocess> prism_;
  std::string prism_log_;
  void StartGateway() {
    auto gateway = ghl::server::Gateway::Start(gateway_config_);
    if (!gateway.ok()) {
      error_ = absl::StrCat("gateway: ", gateway.status().message());
      return;
    }
    gateway_ = std::move(*gateway);
    channel_ = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
    stub_ = ghl::contacts::v1::ContactsService::NewStub(channel_);
  }

  ghl::server::GatewayConfig gateway_config_;
  std::unique_ptr<ghl::server::Gateway> gateway_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ghl::contacts::v1::ContactsService::Stub> stub_;
};

/// Reads a whole ListContacts stream; returns its status.
struct Listing {
  grpc::Status status;
  std::vector<ghl::contacts::v1::ListContactsResponse> pages;
  std::vector<std::string> ids;
};

inline Listing ListAll(ghl::contacts::v1::ContactsService::Stub& stub,
                       const ghl::contacts::v1::ListContactsRequest& request, int max_pages = -1,
                       std::chrono::seconds deadline = std::chrono::seconds(120)) {
  Listing out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  auto reader = stub.ListContacts(&ctx, request);
  ghl::contacts::v1::ListContactsResponse page;
  while ((max_pages < 0 || static_cast<int>(out.pages.size()) < max_pages) && reader->Read(&page)) {
    for (const auto& c : page.contacts()) out.ids.push_back(c.id());
    out.pages.push_back(page);
  }
  if (max_pages >= 0 && static_cast<int>(out.pages.size()) >= max_pages) ctx.TryCancel();
  out.status = reader->Finish();
  return out;
}

}  // namespace ghl::testing

#endif  // GHL_TESTS_INTEGRATION_STACK_H_
