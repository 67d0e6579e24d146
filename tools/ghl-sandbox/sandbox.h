// Sandbox: a stateful, faithful fake of the GoHighLevel Contacts REST API v2
// (apps/contacts.json) served over HTTP on its own threads, for tests,
// benchmarks and local runs of the gateway without touching real GHL.
//
// Usage:
//   ghl::sandbox::SandboxOptions opts;
//   opts.data_dir = ".../location-demo";
//   opts.tokens = {{"tok", "ve9EPM428h8vShlRW1KT", {"contacts.readonly"}}};
//   ghl::sandbox::Sandbox sandbox(opts);
//   absl::Status s = sandbox.Start();   // loads data, binds, serves
//   ... http://127.0.0.1:<sandbox.port()>/contacts/ ...
//   sandbox.Stop();                     // or let the destructor stop it
//
// The API behaviour lives in SandboxService (sandbox_service.h); this class
// only binds the socket (cpp-httplib's server; its client is used only by
// webhook_sender.cc) and runs the
// accept loop on a background thread with a pool of worker threads (one per
// open connection; idle keep-alive connections close after 1 s; TCP_NODELAY
// is on).
//
// Thread-safety: Start and Stop must not race each other (call them from
// one owning thread). port, InjectStorm429 and Stats are safe from any
// thread at any time after construction. Start may be called once.
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "tools/ghl-sandbox/sandbox_options.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace ghl::sandbox {

/// The HTTP server around SandboxService. See the file comment.
class Sandbox {
 public:
  explicit Sandbox(SandboxOptions options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  /// Loads the data, binds host:port and starts serving; returns once the
  /// server accepts connections.
  /// @return the data errors of SandboxService::Create; UNAVAILABLE when
  ///         the address cannot be bound; FAILED_PRECONDITION if started twice.
  absl::Status Start();
  /// The bound port (the chosen one when options.port was 0); 0 before Start.
  int port() const { return port_.load(); }
  /// Stops accepting, finishes in-flight requests and joins the threads,
  /// then stops the webhook sender (one last attempt per pending event).
  /// Idle keep-alive connections are closed after at most ~1 s, so Stop()
  /// returns within about a second. Idempotent.
  void Stop();
  /// Makes the next `count` API requests answer 429.
  void InjectStorm429(int count);
  /// Counters since Start (all zero before).
  SandboxStats Stats() const;
  /// The service behind the server (null before a successful Start).
  SandboxService* service() { return service_.get(); }

 private:
  SandboxOptions options_;
  std::unique_ptr<SandboxService> service_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  bool started_ = false;

  mutable std::mutex mu_;
  SandboxService* live_service_ = nullptr;  // guarded by mu_
  int pending_storm_ = 0;                   // guarded by mu_
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_H_
