#include "adapters/ghl/http/curl_http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "adapters/ghl/core/retry.h"

namespace ghl::http {
namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// State one transfer's callbacks write into.
struct Transfer {
  HttpResponse response;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  if (t->response.body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nitems;
  absl::string_view line(data, n);
  // A new status line (redirect or 100-continue) starts a fresh header set.
  if (absl::StartsWith(line, "HTTP/")) {
    t->response.headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == absl::string_view::npos) return n;
  std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  t->response.headers[name] = std::string(value);
  return n;
}

// Failures where the request surely never reached the server.
bool NeverSent(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return true;
    default:
      return false;
  }
}

class CurlHttpTransport final : public HttpTransport {
 public:
  explicit CurlHttpTransport(CurlOptions options) : options_(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlHttpTransport::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlHttpTransport::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }

  ~CurlHttpTransport() override {
    pool_.clear();
    curl_share_cleanup(share_);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    // The caller's deadline cuts the exchange's own timeout.
    absl::Duration timeout = request.timeout;
    bool cut_by_deadline = false;
    if (request.deadline != absl::InfiniteFuture()) {
      const absl::Duration left = request.deadline - DefaultClock().Now();
      if (left <= absl::ZeroDuration()) {
        return MarkNotSent(absl::DeadlineExceededError("the call's deadline passed before the GHL request was sent"));
      }
      if (left < timeout) {
        timeout = left;
        cut_by_deadline = true;
      }
    }
    EasyHandle handle = Acquire();
    CURL* h = handle.get();
    Transfer transfer;
    transfer.max_bytes = options_.max_response_bytes;

    Slist headers;
    for (const auto& [name, value] : request.headers) {
      std::string line = absl::StrCat(name, ": ", value);
      curl_slist* next = curl_slist_append(headers.get(), line.c_str());
      if (next == nullptr) return absl::ResourceExhaustedError("out of memory building headers");
      headers.release();
      headers.reset(next);
    }
    // libcurl adds "Expect: 100-continue" to large bodies; GHL does not need it.
    curl_slist* next = curl_slist_append(headers.get(), "Expect:");
    headers.release();
    headers.reset(next);

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout))));
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate/br as libcurl supports
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    // libcurl re-sends a request by itself when a reused connection dies
    // before any answer; for a write that may have reached GHL that is a
    // second write. A fresh connection leaves libcurl nothing to retry.
    const bool resend_safe = request.method == "GET" || request.idempotent;
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, resend_safe ? 0L : 1L);
    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }

    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    // Drop per-request pointers before the handle goes back to the pool.
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);

    if (rc != CURLE_OK) {
      Discard(std::move(handle));
      if (transfer.too_large) {
        // The same request would get the same answer: not worth a retry.
        return absl::InternalError(absl::StrCat("upstream response larger than ",
                                                options_.max_response_bytes,
                                                " bytes (the gateway's response size cap)"));
      }
      if (rc == CURLE_OPERATION_TIMEDOUT && cut_by_deadline) {
        return absl::DeadlineExceededError("the call's deadline passed while GHL was answering");
      }
      absl::Status error = absl::UnavailableError(
          absl::StrCat("HTTP transport error: ", curl_easy_strerror(rc)));
      return NeverSent(rc) ? MarkNotSent(std::move(error)) : error;
    }
    Release(std::move(handle));
    transfer.response.status_code = static_cast<int>(status);
    return std::move(transfer.response);
  }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlHttpTransport*>(user)->share_mu_[LockIndex(data)].Lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlHttpTransport*>(user)->share_mu_[LockIndex(data)].Unlock();
  }
  static int LockIndex(curl_lock_data data) {
    return data == CURL_LOCK_DATA_DNS ? 0 : data == CURL_LOCK_DATA_SSL_SESSION ? 1 : 2;
  }

  EasyHandle Acquire() {
    {
      absl::MutexLock lock(&pool_mu_);
      if (!pool_.empty()) {
        EasyHandle h = std::move(pool_.back());
        pool_.pop_back();
        return h;
      }
    }
    return EasyHandle(curl_easy_init());
  }

  void Release(EasyHandle h) {
    absl::MutexLock lock(&pool_mu_);
    if (pool_.size() < options_.max_pooled_handles) pool_.push_back(std::move(h));
  }

  // A handle whose transfer failed may hold a broken connection: drop it.
  void Discard(EasyHandle h) { h.reset(); }

  CurlOptions options_;
  CURLSH* share_ = nullptr;
  absl::Mutex share_mu_[3];
  absl::Mutex pool_mu_;
  std::vector<EasyHandle> pool_ ABSL_GUARDED_BY(pool_mu_);
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlHttpTransport(CurlOptions options) {
  return std::make_unique<CurlHttpTransport>(std::move(options));
}

absl::Status CheckBaseUrl(const std::string& url) {
  if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
    return absl::InvalidArgumentError("expected an http:// or https:// URL");
  }
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  if (!parsed) return absl::ResourceExhaustedError("out of memory parsing a URL");
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError("not a valid URL");
  }
  for (const auto& [part, name] : {std::pair{CURLUPART_QUERY, "a query"},
                                   std::pair{CURLUPART_FRAGMENT, "a fragment"},
                                   std::pair{CURLUPART_USER, "credentials"}}) {
    char* value = nullptr;
    if (curl_url_get(parsed.get(), part, &value, 0) == CURLUE_OK && value != nullptr) {
      curl_free(value);
      return absl::InvalidArgumentError(absl::StrCat("a base URL has no ", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace ghl::http
