#include "tools/ghl-sandbox/sandbox.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

constexpr size_t kMaxBodyBytes = 16 << 20;
constexpr size_t kKeepAliveMaxRequests = 10000;
// cpp-httplib's idle keep-alive wait does not notice stop(), so this bounds
// how long Stop() can take while a client holds an idle connection.
constexpr time_t kKeepAliveIdleSeconds = 1;

HttpRequest FromHttplib(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [key, value] : req.params) r.query.emplace_back(key, value);
  for (const auto& [key, value] : req.headers) r.headers.emplace(absl::AsciiStrToLower(key), value);
  r.body = req.body;
  return r;
}

void ToHttplib(HttpResponse out, httplib::Response& res) {
  // Injected latency: this worker thread answers late, like a slow upstream.
  if (out.delay > absl::ZeroDuration()) absl::SleepFor(out.delay);
  res.status = out.status;
  for (const auto& [key, value] : out.headers) res.set_header(key, value);
  if (out.delivery == HttpResponse::Delivery::kNormal) {
    res.set_content(std::move(out.body), out.content_type.c_str());
    return;
  }
  // The faults that break the transfer itself: the answer announces the
  // whole body (Content-Length), and returning false from the provider
  // makes cpp-httplib drop the connection mid-answer.
  auto body = std::make_shared<std::string>(std::move(out.body));
  const HttpResponse::Delivery delivery = out.delivery;
  const int64_t bps = std::max<int64_t>(1, out.bytes_per_second);
  res.set_content_provider(
      body->size(), out.content_type.c_str(),
      [body, delivery, bps](size_t offset, size_t length, httplib::DataSink& sink) {
        switch (delivery) {
          case HttpResponse::Delivery::kReset:
            return false;
          case HttpResponse::Delivery::kTruncate: {
            const size_t half = body->size() / 2;
            if (offset >= half) return false;
            sink.write(body->data() + offset, half - offset);
            return true;
          }
          case HttpResponse::Delivery::kSlow: {
            // A tenth of a second's worth at a time.
            const size_t chunk = std::min<size_t>(length, static_cast<size_t>(std::max<int64_t>(1, bps / 10)));
            absl::SleepFor(absl::Milliseconds(100));
            return sink.write(body->data() + offset, chunk);
          }
          case HttpResponse::Delivery::kNormal:
            break;
        }
        return sink.write(body->data() + offset, length);
      });
}

// cpp-httplib sets SO_REUSEPORT, so binding a port another server listens on
// "succeeds" and the kernel splits connections between the two. So before
// binding, see whether anything accepts connections there. (A bind probe
// would also refuse a port whose only users are the dying connections of a
// killed sandbox, for up to a minute; a connect probe does not.)
absl::Status ProbePortFree(const std::string& host, int port) {
  std::string probe_host = host;
  if (probe_host.empty() || probe_host == "0.0.0.0") probe_host = "127.0.0.1";
  if (probe_host == "::") probe_host = "::1";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(probe_host.c_str(), service.c_str(), &hints, &result) != 0 || result == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot resolve host ", host));
  }
  absl::Status status = absl::OkStatus();
  const int fd = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  if (fd >= 0) {
    // An address of this machine answers at once; bound the rare case that
    // does not.
    timeval timeout{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, result->ai_addr, result->ai_addrlen) == 0) {
      status = absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port,
                                                   " (another server is listening there)"));
    }
    close(fd);
  }
  freeaddrinfo(result);
  return status;
}

}  // namespace

Sandbox::Sandbox(SandboxOptions options) : options_(std::move(options)) {}

Sandbox::~Sandbox() { Stop(); }

absl::Status Sandbox::Start() {
  if (started_) return absl::FailedPreconditionError("the sandbox was already started");
  started_ = true;
  auto service = SandboxService::Create(options_);
  if (!service.ok()) return service.status();
  service_ = *std::move(service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    service_->InjectStorm429(pending_storm_);
    pending_storm_ = 0;
    live_service_ = service_.get();
  }

  server_ = std::make_unique<httplib::Server>();
  const size_t threads = static_cast<size_t>(std::max(1, options_.worker_threads));
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(kKeepAliveMaxRequests);
  server_->set_keep_alive_timeout(kKeepAliveIdleSeconds);
  // Headers and body go out in separate writes; without TCP_NODELAY each
  // response can stall ~40 ms on the client's delayed ACK.
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(kMaxBodyBytes);
  SandboxService* svc = service_.get();
  const httplib::Server::Handler handler = [svc](const httplib::Request& req, httplib::Response& res) {
    ToHttplib(svc->Handle(FromHttplib(req)), res);
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  server_->Patch(".*", handler);
  server_->Options(".*", handler);
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(absl::StrCat(R"({"statusCode":500,"message":"Internal server error","traceId":")",
                                     NewTraceId(), R"("})"),
                        "application/json; charset=utf-8");
      });

  int port = options_.port;
  if (port != 0) {
    absl::Status free = ProbePortFree(options_.host, port);
    if (!free.ok()) return free;
  }
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (!server_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  port_.store(port);
  httplib::Server* server = server_.get();
  thread_ = std::thread([server] { server->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError("the HTTP server did not start within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return absl::OkStatus();
}

void Sandbox::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
  // No change can happen any more: the last attempts of pending webhooks.
  service_->webhooks().Stop();
}

void Sandbox::InjectStorm429(int count) {
  if (count <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (live_service_ != nullptr) {
    live_service_->InjectStorm429(count);
  } else {
    pending_storm_ += count;
  }
}

SandboxStats Sandbox::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (live_service_ != nullptr) return live_service_->Stats();
  SandboxStats stats;
  stats.storm_remaining = std::max(0, options_.storm_429) + pending_storm_;
  return stats;
}

}  // namespace ghl::sandbox
