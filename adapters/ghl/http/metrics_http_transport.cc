#include "adapters/ghl/http/metrics_http_transport.h"

#include <algorithm>
#include <iterator>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "adapters/ghl/http/paced_http_transport.h"

namespace ghl::http {
namespace {

// The fixed path words of GHL's contacts and OAuth APIs (apps/contacts.json,
// apps/oauth.json). Every other segment is an id, even one that looks like
// a word (a workflow id "welcome"): a label must never carry a caller's
// value, or callers could grow the series without bound.
bool IsFixedWord(absl::string_view segment) {
  static constexpr absl::string_view kWords[] = {
      "appointments", "bulk",   "business", "campaigns", "completed", "contacts",
      "duplicate",    "followers", "notes", "removeAll", "search",    "tags",
      "tasks",        "update", "upsert",   "workflow",  "oauth",     "token",
      "locationToken", "installedLocations"};
  return std::find(std::begin(kWords), std::end(kWords), segment) != std::end(kWords);
}

class MetricsHttpTransport final : public HttpTransport {
 public:
  MetricsHttpTransport(std::shared_ptr<HttpTransport> inner, metrics::Registry& r)
      : inner_(std::move(inner)),
        requests_(r.AddCounter("ghl_gateway_upstream_requests_total",
                               "Upstream (GHL) HTTP requests by method, path template and HTTP "
                               "status (error: no HTTP answer).",
                               {"method", "path", "status"})),
        latency_(r.AddHistogram("ghl_gateway_upstream_request_duration_seconds",
                                "Upstream (GHL) request latency by method and path template.",
                                {"method", "path"}, metrics::LatencyBuckets())),
        rate_limited_(r.AddCounter("ghl_gateway_upstream_rate_limited_total",
                                   "Upstream 429 answers by location.", {"location"})),
        remaining_(r.AddGauge("ghl_gateway_rate_limit_remaining",
                              "The last X-RateLimit-Remaining GHL sent, by location.",
                              {"location"})) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    const absl::Time start = absl::Now();
    absl::StatusOr<HttpResponse> response = inner_->Send(request);
    Record(request, response, absl::Now() - start);
    return response;
  }

  void SendAsync(HttpRequest request,
                 std::function<void(absl::StatusOr<HttpResponse>)> done) override {
    const absl::Time start = absl::Now();
    std::string method = request.method;
    std::string url = request.url;
    std::string location = request.budget_key;
    inner_->SendAsync(std::move(request), [this, start, method = std::move(method),
                                           url = std::move(url), location = std::move(location),
                                           done = std::move(done)](
                                              absl::StatusOr<HttpResponse> response) {
      Record(method, url, location, response, absl::Now() - start);
      done(std::move(response));
    });
  }

 private:
  void Record(const HttpRequest& request, const absl::StatusOr<HttpResponse>& response,
              absl::Duration took) {
    Record(request.method, request.url, request.budget_key, response, took);
  }
  void Record(const std::string& method, const std::string& url, const std::string& location,
              const absl::StatusOr<HttpResponse>& response, absl::Duration took) {
    const std::string path = UpstreamPathTemplate(url);
    const std::string status =
        response.ok() ? absl::StrCat(response->status_code) : std::string("error");
    requests_.WithLabels({method, path, status}).Increment();
    latency_.WithLabels({method, path}).Observe(absl::ToDoubleSeconds(took));
    if (!response.ok() || location.empty()) return;
    if (response->status_code == 429) rate_limited_.WithLabels({location}).Increment();
    const RateLimitHeaders limits = ReadRateLimitHeaders(*response);
    if (limits.remaining >= 0) remaining_.WithLabels({location}).Set(limits.remaining);
  }

  std::shared_ptr<HttpTransport> inner_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& latency_;
  metrics::Family<metrics::Counter>& rate_limited_;
  metrics::Family<metrics::Gauge>& remaining_;
};

}  // namespace

std::string UpstreamPathTemplate(absl::string_view url) {
  absl::string_view path = url;
  if (size_t scheme = path.find("://"); scheme != absl::string_view::npos) {
    path.remove_prefix(scheme + 3);
    size_t slash = path.find('/');
    path = slash == absl::string_view::npos ? absl::string_view("/") : path.substr(slash);
  }
  if (size_t q = path.find_first_of("?#"); q != absl::string_view::npos) path = path.substr(0, q);
  std::string out;
  for (absl::string_view segment : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&out, "/", IsFixedWord(segment) ? segment : absl::string_view("{id}"));
  }
  if (path.size() > 1 && path.back() == '/') out += "/";  // GHL's "/contacts/" is its own path
  return out.empty() ? "/" : out;
}

std::shared_ptr<HttpTransport> MakeMetricsHttpTransport(std::shared_ptr<HttpTransport> inner,
                                                        metrics::Registry* registry) {
  return std::make_shared<MetricsHttpTransport>(
      std::move(inner), registry ? *registry : metrics::DefaultRegistry());
}

}  // namespace ghl::http
