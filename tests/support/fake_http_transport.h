// FakeHttpTransport: a scripted HttpTransport for stub and connection tests.
// Each Send pops the next scripted outcome and records the request.
//
// Thread-safety: internally locked.
#ifndef GHL_TESTS_SUPPORT_FAKE_HTTP_TRANSPORT_H_
#define GHL_TESTS_SUPPORT_FAKE_HTTP_TRANSPORT_H_

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::testing {

class FakeHttpTransport : public ghl::http::HttpTransport {
 public:
  void AddResponse(int code, std::string body, std::map<std::string, std::string> headers = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    ghl::http::HttpResponse r;
    r.status_code = code;
    r.body = std::move(body);
    r.headers = std::move(headers);
    script_.emplace_back(std::move(r));
  }
  void AddError(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.emplace_back(std::move(status));
  }
  absl::StatusOr<ghl::http::HttpResponse> Send(const ghl::http::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (script_.empty()) return absl::InternalError("FakeHttpTransport: no scripted response left");
    auto out = std::move(script_.front());
    script_.pop_front();
    return out;
  }
  std::vector<ghl::http::HttpRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::deque<absl::StatusOr<ghl::http::HttpResponse>> script_;
  std::vector<ghl::http::HttpRequest> requests_;
};

}  // namespace ghl::testing

#endif  // GHL_TESTS_SUPPORT_FAKE_HTTP_TRANSPORT_H_
