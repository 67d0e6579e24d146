#include "server/metrics.h"

#include <google/protobuf/descriptor.h>
#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/clock.h"
#include "server/gateway_auth_config.h"
#include "server/http_listener.h"

namespace ghl::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info,
                     metrics::Family<metrics::Counter>* calls, metrics::Gauge* open_streams)
      : info_(info), calls_(calls) {
    if (info->type() == grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING ||
        info->type() == grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING) {
      open_streams_ = open_streams;
      open_streams_->Increment();
    }
  }
  // gRPC destroys the interceptors when the call is done.
  ~MetricsInterceptor() override {
    if (open_streams_ != nullptr) open_streams_->Decrement();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      calls_->WithLabels({MethodLabel(info_->method()), GrpcCodeName(methods->GetSendStatus().error_code())})
          .Increment();
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  metrics::Family<metrics::Counter>* calls_;
  metrics::Gauge* open_streams_ = nullptr;
};

}  // namespace

std::string GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

std::string MethodLabel(absl::string_view full_method) {
  if (full_method == "/grpc.health.v1.Health/Check" ||
      full_method == "/grpc.health.v1.Health/Watch") {
    return std::string(full_method);
  }
  // "/pkg.Service/Method" -> "pkg.Service.Method".
  if (full_method.size() < 4 || full_method.front() != '/') return "unknown";
  std::string dotted(full_method.substr(1));
  const size_t slash = dotted.rfind('/');
  if (slash == std::string::npos || dotted.find('/') != slash) return "unknown";
  dotted[slash] = '.';
  if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted) == nullptr) {
    return "unknown";
  }
  return std::string(full_method);
}

metrics::Counter& ContactsStreamedCounter() {
  static metrics::Counter* counter =
      &metrics::DefaultRegistry()
           .AddCounter("ghl_gateway_contacts_streamed_total",
                       "Contacts of the ListContacts pages written to callers' streams (a "
                       "caller that cancels may not have read the last pages gRPC buffered).")
           .Get();
  return *counter;
}

MetricsInterceptorFactory::MetricsInterceptorFactory(metrics::Registry* registry) {
  metrics::Registry& r = registry ? *registry : metrics::DefaultRegistry();
  calls_ = &r.AddCounter("ghl_gateway_grpc_calls_total",
                         "Finished gRPC calls by full method name and status code.",
                         {"method", "code"});
  open_streams_ = &r.AddGauge("ghl_gateway_open_streams",
                              "Streaming gRPC calls in progress.")
                       .Get();
}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(info, calls_, open_streams_);
}

absl::StatusOr<std::string> NormalizeMetricsListen(absl::string_view listen) {
  return NormalizeListenAddress("metrics-listen", listen);
}

MetricsServer::MetricsServer(metrics::Registry* registry)
    : registry_(registry ? registry : &metrics::DefaultRegistry()),
      server_(std::make_unique<httplib::Server>()) {
  // A scraper's idle keep-alive connection must not hold Stop() for long.
  server_->set_keep_alive_timeout(1);
  ListenExclusively(*server_);
}

MetricsServer::~MetricsServer() { Stop(); }

absl::Status MetricsServer::Start(const std::string& listen) {
  auto normalized = NormalizeMetricsListen(listen);
  if (!normalized.ok()) return normalized.status();
  server_->Get("/metrics", [registry = registry_](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(registry->Exposition(), "text/plain; version=0.0.4; charset=utf-8");
  });
  auto port = ServeInBackground(*server_, *normalized, "metrics-listen", &thread_);
  if (!port.ok()) return port.status();
  port_ = *port;
  return absl::OkStatus();
}

void MetricsServer::Stop() { StopServing(*server_, &thread_); }

}  // namespace ghl::server
