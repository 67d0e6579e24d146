#include "adapters/ghl/http/request_context.h"

#include <utility>

namespace ghl::http {
namespace {

thread_local std::shared_ptr<RequestContext> current_context;

class RequestIdHttpTransport final : public HttpTransport {
 public:
  explicit RequestIdHttpTransport(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::shared_ptr<RequestContext> context = current_context;
    if (!context) return inner_->Send(request);
    HttpRequest tagged = request;
    tagged.headers.emplace_back(kRequestIdHeader, context->request_id());
    auto answer = inner_->Send(tagged);
    context->RecordUpstream(answer);
    return answer;
  }

  void SendAsync(HttpRequest request, std::function<void(absl::StatusOr<HttpResponse>)> done) override {
    std::shared_ptr<RequestContext> context = current_context;
    if (!context) return inner_->SendAsync(std::move(request), std::move(done));
    request.headers.emplace_back(kRequestIdHeader, context->request_id());
    inner_->SendAsync(std::move(request), [context, done = std::move(done)](absl::StatusOr<HttpResponse> answer) {
      context->RecordUpstream(answer);
      done(std::move(answer));
    });
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
};

}  // namespace

std::string TraceHeader(const HttpResponse& r) {
  for (const char* name : {"x-trace-id", "x-request-id", "x-amzn-trace-id"}) {
    std::string v = r.Header(name);
    if (!v.empty()) return v;
  }
  return {};
}

std::string RequestContext::upstream_trace_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return trace_id_;
}

void RequestContext::RecordUpstream(const absl::StatusOr<HttpResponse>& answer) {
  upstream_calls_.fetch_add(1);
  if (!answer.ok() || (answer->status_code >= 200 && answer->status_code < 300)) return;
  std::string trace = TraceHeader(*answer);
  if (trace.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  trace_id_ = std::move(trace);
}

std::shared_ptr<RequestContext> CurrentRequestContext() { return current_context; }

ScopedRequestContext::ScopedRequestContext(std::shared_ptr<RequestContext> context)
    : previous_(std::move(current_context)) {
  current_context = std::move(context);
}

ScopedRequestContext::~ScopedRequestContext() { current_context = std::move(previous_); }

std::shared_ptr<HttpTransport> MakeRequestIdHttpTransport(std::shared_ptr<HttpTransport> inner) {
  return std::make_shared<RequestIdHttpTransport>(std::move(inner));
}

}  // namespace ghl::http
