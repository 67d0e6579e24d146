// The gateway's Prometheus metrics on the gRPC side, and the /metrics HTTP
// listener (cpp-httplib, included only by metrics.cc).
//
// MetricsInterceptorFactory: a server interceptor sees every call, whatever
// service or API style answered it (including refusals by caller auth and
// shutdown), and records
//   ghl_gateway_grpc_calls_total{method,code}   at the status it sends;
//   ghl_gateway_open_streams                    server-streaming calls in flight.
// Register it first, so it also counts calls other interceptors refuse.
//
// MetricsServer: GET /metrics answers DefaultRegistry()'s exposition
// (text/plain; version=0.0.4).
//
// Thread-safety: the interceptor is per call; MetricsServer::Start/Stop
// from one thread.
#ifndef GHL_SERVER_METRICS_H_
#define GHL_SERVER_METRICS_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/core/metrics.h"

namespace httplib {
class Server;
}

namespace ghl::server {

/// The canonical name of a gRPC code ("OK", "NOT_FOUND", ...).
std::string GrpcCodeName(grpc::StatusCode code);

/// The `method` label of a call: its full name when the gateway serves it
/// (a method of the generated descriptor pool, or the health service),
/// "unknown" otherwise, so a caller inventing names cannot grow the series.
std::string MethodLabel(absl::string_view full_method);

/// ghl_gateway_contacts_streamed_total: contacts of the ListContacts pages
/// callers received.
metrics::Counter& ContactsStreamedCounter();

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  /// `registry` null: DefaultRegistry().
  explicit MetricsInterceptorFactory(metrics::Registry* registry = nullptr);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  metrics::Family<metrics::Counter>* calls_;
  metrics::Gauge* open_streams_;
};

/// "PORT" or ":PORT" -> "127.0.0.1:PORT"; host:port unchanged. Error for a
/// missing or out-of-range port.
absl::StatusOr<std::string> NormalizeMetricsListen(absl::string_view listen);

class MetricsServer {
 public:
  explicit MetricsServer(metrics::Registry* registry = nullptr);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Binds `listen` (host:port, port 0 picks one) and serves on a thread.
  absl::Status Start(const std::string& listen);
  void Stop();
  /// The bound port (0 before Start).
  int port() const { return port_; }

 private:
  metrics::Registry* registry_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_METRICS_H_
