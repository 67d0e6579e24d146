#include "adapters/ghl/http/paced_http_transport.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/retry.h"

namespace ghl::http {
namespace {

int64_t HeaderInt(const HttpResponse& r, const char* name) {
  int64_t v = -1;
  const std::string s = r.Header(name);
  if (s.empty() || !absl::SimpleAtoi(s, &v) || v < 0) return -1;
  return v;
}

class PacedHttpTransport final : public HttpTransport {
 public:
  PacedHttpTransport(std::shared_ptr<HttpTransport> inner, std::shared_ptr<RateBudget> budget,
                     PacingOptions options)
      : inner_(std::move(inner)), budget_(std::move(budget)), options_(options) {
    if (options_.clock == nullptr) options_.clock = &DefaultClock();
    if (options_.poll <= absl::ZeroDuration()) options_.poll = absl::Milliseconds(100);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (request.budget_key.empty()) return inner_->Send(request);
    Clock& clock = *options_.clock;
    const absl::Time now = clock.Now();
    auto slot = budget_->Reserve(request.budget_key, now);
    if (!slot.ok()) return MarkNotSent(slot.status());
    if (*slot > request.deadline) {
      budget_->Release(request.budget_key, *slot);
      return MarkNotSent(absl::DeadlineExceededError(absl::StrCat(
          "the GHL rate limit of location ", request.budget_key, " allows the next request in ",
          absl::FormatDuration(*slot - now), ", after the call's deadline")));
    }
    while (true) {
      const absl::Duration left = *slot - clock.Now();
      if (left <= absl::ZeroDuration()) break;
      if (request.cancelled && request.cancelled()) {
        budget_->Release(request.budget_key, *slot);
        return MarkNotSent(absl::CancelledError("cancelled while waiting for the GHL rate limit"));
      }
      clock.SleepFor(std::min(left, options_.poll));
    }
    auto response = inner_->Send(request);
    if (!response.ok()) {
      if (IsNotSent(response.status())) budget_->Release(request.budget_key, *slot);
      return response;
    }
    budget_->Observe(request.budget_key, clock.Now(), response->status_code,
                     ReadRateLimitHeaders(*response));
    return response;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::shared_ptr<RateBudget> budget_;
  PacingOptions options_;
};

}  // namespace

RateLimitHeaders ReadRateLimitHeaders(const HttpResponse& response) {
  RateLimitHeaders h;
  h.max = HeaderInt(response, "x-ratelimit-max");
  h.remaining = HeaderInt(response, "x-ratelimit-remaining");
  h.interval_ms = HeaderInt(response, "x-ratelimit-interval-milliseconds");
  h.daily_limit = HeaderInt(response, "x-ratelimit-limit-daily");
  h.daily_remaining = HeaderInt(response, "x-ratelimit-daily-remaining");
  return h;
}

std::shared_ptr<HttpTransport> MakePacedHttpTransport(std::shared_ptr<HttpTransport> inner,
                                                      std::shared_ptr<RateBudget> budget,
                                                      PacingOptions options) {
  return std::make_shared<PacedHttpTransport>(std::move(inner), std::move(budget), options);
}

}  // namespace ghl::http
