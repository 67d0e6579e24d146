#include "tools/ghl-sandbox/webhook_sender.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/webhooks/webhook_signer.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/text_util.h"
#include "tools/ghl-sandbox/webhook_events.h"

namespace ghl::sandbox {
namespace {

std::chrono::microseconds ToChrono(absl::Duration d) {
  return std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

// One attempt's outcome: the HTTP status (-1: no answer) and Retry-After.
struct Attempt {
  int status = -1;
  std::string retry_after;
  std::string error;  // httplib's error name when status is -1
};

}  // namespace

absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url) {
  absl::string_view scheme;
  for (absl::string_view s : {"http://", "https://"}) {
    if (absl::StartsWithIgnoreCase(url, s)) scheme = s;
  }
  if (scheme.empty()) {
    return absl::InvalidArgumentError("webhook URL must start with http:// or https://");
  }
  const absl::string_view rest = url.substr(scheme.size());
  const size_t slash = rest.find_first_of("/?");
  const absl::string_view authority = rest.substr(0, slash);
  if (authority.empty() || absl::StrContains(authority, '@') || absl::StrContains(authority, ' ')) {
    return absl::InvalidArgumentError("webhook URL needs a host (http://host:port/path)");
  }
  if (const size_t colon = authority.rfind(':');
      colon != absl::string_view::npos && authority.back() != ']') {
    int port = 0;
    if (!absl::SimpleAtoi(authority.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return absl::InvalidArgumentError("webhook URL has an invalid port");
    }
  }
  WebhookUrl out;
  out.origin = absl::StrCat(absl::AsciiStrToLower(scheme), authority);
  out.path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.path.front() == '?') out.path.insert(0, "/");
  return out;
}

absl::Duration WebhookRetryDelay(const WebhookOptions& options, int attempt,
                                 absl::string_view retry_after) {
  double seconds = 0;
  const absl::string_view text = absl::StripAsciiWhitespace(retry_after);
  if (!text.empty() && absl::SimpleAtod(text, &seconds) && std::isfinite(seconds) && seconds >= 0) {
    return std::min(absl::Seconds(seconds), options.max_backoff);
  }
  absl::Duration delay = options.initial_backoff;
  for (int i = 1; i < attempt && delay < options.max_backoff; ++i) delay *= 2;
  return std::min(delay, options.max_backoff);
}

WebhookSender::WebhookSender(WebhookOptions options)
    : options_(std::move(options)),
      key_dir_(options_.key_dir.empty() ? DefaultWebhookKeyDir() : options_.key_dir) {}

absl::StatusOr<std::unique_ptr<WebhookSender>> WebhookSender::Create(WebhookOptions options) {
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("webhook max attempts must be at least 1");
  }
  if (options.initial_backoff < absl::ZeroDuration() ||
      options.max_backoff < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("webhook backoff must not be negative");
  }
  if (options.queue_capacity < 1 || options.delivery_threads < 1) {
    return absl::InvalidArgumentError("webhook queue capacity and threads must be positive");
  }
  std::unique_ptr<WebhookSender> sender(new WebhookSender(options));
  if (!options.url.empty()) {
    absl::Status s = sender->Configure(options.url, std::nullopt);
    if (!s.ok()) return s;
  } else if (!options.key_dir.empty()) {
    // A key dir given without a URL: its keys exist from the start, so a
    // gateway can be started on them before POST /_sandbox/webhooks sets the
    // URL (tools/quickstart does that, since the URL's port comes later).
    std::lock_guard<std::mutex> lock(sender->mu_);
    absl::Status s = sender->LoadKeysLocked();
    if (!s.ok()) return s;
  }
  for (int i = 0; i < options.delivery_threads; ++i) {
    sender->shards_.push_back(std::make_unique<Shard>());
  }
  for (auto& shard : sender->shards_) {
    Shard* s = shard.get();
    WebhookSender* self = sender.get();
    shard->thread = std::thread([self, s] { self->Run(s); });
  }
  return sender;
}

WebhookSender::~WebhookSender() { Stop(); }

absl::Status WebhookSender::LoadKeysLocked() {
  if (signer_ != nullptr) return absl::OkStatus();
  auto keys = webhooks::LoadOrCreateKeyDir(key_dir_);
  if (!keys.ok()) return keys.status();
  const bool ed = options_.signature != WebhookSignature::kRsa;
  const bool rsa = options_.signature != WebhookSignature::kEd25519;
  auto signer = webhooks::WebhookSigner::Create(ed ? keys->ed25519.private_pem : "",
                                                rsa ? keys->rsa.private_pem : "");
  if (!signer.ok()) return signer.status();
  signer_ = std::shared_ptr<const webhooks::WebhookSigner>(std::move(*signer));
  return absl::OkStatus();
}

absl::Status WebhookSender::Configure(std::optional<std::string> url, std::optional<bool> enabled) {
  std::optional<WebhookUrl> parsed;
  if (url && !url->empty()) {
    auto p = ParseWebhookUrl(*url);
    if (!p.ok()) return p.status();
    parsed = *std::move(p);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (parsed) {
    absl::Status s = LoadKeysLocked();
    if (!s.ok()) return s;
  }
  if (url) {
    url_ = *url;
    parsed_url_ = std::move(parsed);
  }
  if (enabled) enabled_ = *enabled;
  return absl::OkStatus();
}

void WebhookSender::Emit(absl::string_view type, absl::string_view location_id,
                         std::string resource_json, std::string timestamp) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || !enabled_ || !parsed_url_ || shards_.empty()) {
    ++stats_.not_queued;
    return;
  }
  if (pending_ >= options_.queue_capacity) {
    ++stats_.failed_final["queue_full"];
    std::cerr << "ghl-sandbox: webhook " << type << " dropped: the queue is full ("
              << options_.queue_capacity << " events)\n";
    return;
  }
  Event event{std::string(type), std::string(location_id), std::move(resource_json),
              std::move(timestamp), NewTraceId()};
  Shard& shard = *shards_[std::hash<std::string>{}(event.location_id) % shards_.size()];
  shard.queue.push_back(std::move(event));
  ++pending_;
  ++stats_.queued;
  ++stats_.by_type[std::string(type)];
  cv_.notify_all();
}

void WebhookSender::Run(Shard* shard) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !shard->queue.empty(); });
    if (shard->queue.empty()) return;  // stopping, nothing left
    Event event = std::move(shard->queue.front());
    shard->queue.pop_front();
    lock.unlock();
    Deliver(event);
    lock.lock();
    --pending_;
  }
}

void WebhookSender::Final(const Event& event, const std::string& reason, int attempts,
                          absl::string_view detail) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.failed_final[reason];
  }
  // Type and webhookId only: the body holds personal data.
  std::cerr << "ghl-sandbox: webhook " << event.type << " " << event.webhook_id
            << " not delivered after " << attempts << " attempt(s): " << reason
            << (detail.empty() ? "" : " (") << detail << (detail.empty() ? "" : ")") << "\n";
}

void WebhookSender::Deliver(const Event& event) {
  auto body = WebhookBody(event.type, event.location_id, event.resource_json, event.timestamp,
                          event.webhook_id);
  std::shared_ptr<const webhooks::WebhookSigner> signer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    signer = signer_;
  }
  if (!body.ok() || signer == nullptr) return Final(event, "sign_error", 0);
  httplib::Headers headers;
  if (signer->has_ed25519()) {
    auto sig = signer->SignEd25519(*body);
    if (!sig.ok()) return Final(event, "sign_error", 0);
    headers.emplace("X-GHL-Signature", *sig);
  }
  if (signer->has_rsa()) {
    auto sig = signer->SignRsa(*body);
    if (!sig.ok()) return Final(event, "sign_error", 0);
    headers.emplace("x-wh-signature", *sig);
  }

  for (int attempt = 1;; ++attempt) {
    std::optional<WebhookUrl> url;
    bool stopping = false;
    bool past_grace = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (enabled_) url = parsed_url_;
      stopping = stopping_;
      past_grace = stopping_ && absl::Now() >= stop_deadline_;
    }
    if (!url) return Final(event, "disabled", attempt - 1);
    // A receiver that hangs must not hold shutdown for (events x timeout).
    if (past_grace) return Final(event, "shutdown", attempt - 1);
    Attempt result;
    {
      httplib::Client client(url->origin);
      // At shutdown an attempt is the last one; keep it short.
      const absl::Duration timeout = stopping ? std::min(options_.attempt_timeout, absl::Seconds(2))
                                              : options_.attempt_timeout;
      client.set_connection_timeout(ToChrono(timeout));
      client.set_read_timeout(ToChrono(timeout));
      client.set_write_timeout(ToChrono(timeout));
      auto res = client.Post(url->path, headers, *body, "application/json");
      if (res) {
        result.status = res->status;
        result.retry_after = res->get_header_value("Retry-After");
      } else {
        result.error = httplib::to_string(res.error());
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.sent;
      stats_.last_status = result.status;
      if (result.status >= 200 && result.status < 300) {
        ++stats_.delivered_2xx;
        return;
      }
    }
    if (result.status < 0) return Final(event, "connection", attempt, result.error);
    if (result.status != 429) return Final(event, absl::StrCat("http_", result.status), attempt);
    if (attempt >= options_.max_attempts) return Final(event, "attempts_exhausted", attempt);
    if (stopping) return Final(event, "shutdown", attempt);
    const absl::Duration delay = WebhookRetryDelay(options_, attempt, result.retry_after);
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++stats_.retried_429;
      // Stop() cuts the wait short: the next attempt is then the last.
      cv_.wait_for(lock, ToChrono(delay), [&] { return stopping_; });
    }
  }
}

bool WebhookSender::Active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !stopping_ && enabled_ && parsed_url_.has_value();
}

WebhookStats WebhookSender::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WebhookStats s = stats_;
  s.enabled = enabled_ && parsed_url_.has_value();
  s.url = url_;
  s.pending = pending_;
  return s;
}

void WebhookSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    stop_deadline_ = absl::Now() + options_.shutdown_grace;
  }
  cv_.notify_all();
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) shard->thread.join();
  }
}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteText(Writer& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteCounts(Writer& w, const char* key, const std::map<std::string, uint64_t>& counts) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, n] : counts) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(n);
  }
  w.EndObject();
}

}  // namespace

std::string WebhookStatsJson(const WebhookStats& stats, absl::string_view key_dir,
                             WebhookSignature signature) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("enabled");
  w.Bool(stats.enabled);
  w.Key("url");
  WriteText(w, stats.url);
  w.Key("keyDir");
  WriteText(w, key_dir);
  w.Key("signature");
  w.String(WebhookSignatureName(signature));
  w.Key("queued");
  w.Uint64(stats.queued);
  w.Key("notQueued");
  w.Uint64(stats.not_queued);
  w.Key("pending");
  w.Uint64(stats.pending);
  w.Key("sent");
  w.Uint64(stats.sent);
  w.Key("delivered2xx");
  w.Uint64(stats.delivered_2xx);
  w.Key("retried429");
  w.Uint64(stats.retried_429);
  WriteCounts(w, "failedFinal", stats.failed_final);
  w.Key("lastStatus");
  w.Int(stats.last_status);
  WriteCounts(w, "byType", stats.by_type);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::Status ConfigureWebhooksJson(absl::string_view body, WebhookSender& sender) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(
        "body must be a JSON object {\"url\": \"http://...\", \"enabled\": true}");
  }
  std::optional<std::string> url;
  std::optional<bool> enabled;
  for (const auto& m : doc.GetObject()) {
    const absl::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "url") {
      if (!m.value.IsString()) return absl::InvalidArgumentError("url must be a string");
      url.emplace(m.value.GetString(), m.value.GetStringLength());
    } else if (name == "enabled") {
      if (!m.value.IsBool()) return absl::InvalidArgumentError("enabled must be a boolean");
      enabled = m.value.GetBool();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown member \"", name, "\" (use url, enabled)"));
    }
  }
  return sender.Configure(std::move(url), enabled);
}

}  // namespace ghl::sandbox
