#include "server/webhook_listener.h"

#include <httplib.h>

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http_listener.h"

namespace ghl::server {

WebhookListener::WebhookListener(std::shared_ptr<ghl::webhooks::WebhookReceiver> receiver,
                                 WebhookListenerOptions options)
    : receiver_(std::move(receiver)),
      options_(options),
      server_(std::make_unique<httplib::Server>()) {
  const int threads = options_.threads < 1 ? 1 : options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // An idle keep-alive connection holds a pool thread: keep that short so
  // queued deliveries get their turn and Stop() is not held for long.
  server_->set_keep_alive_timeout(2);
  // One byte over the receiver's cap still reaches it (and is counted as
  // too_large there); anything bigger is refused before it is read.
  server_->set_payload_max_length(options_.max_body_bytes + 1);
  // httplib inflates a gzip/deflate/br request body before the handler sees
  // it, and its length cap applies to the compressed bytes: a 1 MB gzip of
  // zeros, unsigned, made 1 GiB of memory per request. GHL signs and sends
  // the body as is, so a Content-Encoding is refused before anything is read.
  // A multipart body would go to httplib's form parser instead of the
  // handler's reader; GHL sends JSON.
  server_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && !absl::EqualsIgnoreCase(encoding, "identity")) {
      res.status = 415;
      res.set_header("Accept-Encoding", "identity");
      res.set_content("Content-Encoding is not accepted: send the body as signed\n",
                      "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.is_multipart_form_data()) {
      res.status = 415;
      res.set_content("multipart bodies are not accepted: send the JSON body as signed\n",
                      "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  ListenExclusively(*server_);
}

WebhookListener::~WebhookListener() { Stop(); }

absl::Status WebhookListener::Start(const std::string& listen) {
  // The body is read through a content reader so that the cap holds for
  // every framing: httplib's payload_max_length checks only Content-Length,
  // and a chunked body was read whole (60 MB, unsigned, went into memory).
  // At most one byte over the cap is kept: enough for the receiver to count
  // and refuse it as too large.
  server_->Post(kWebhookPath, [receiver = receiver_, cap = options_.max_body_bytes + 1](
                                  const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& content_reader) {
    std::string body;
    content_reader([&](const char* data, size_t length) {
      body.append(data, std::min(length, cap - body.size()));
      return body.size() < cap;
    });
    // Header lookup is case-insensitive; an absent header is "".
    const ghl::webhooks::DeliveryResult result = receiver->Handle(
        req.get_header_value("X-GHL-Signature"), req.get_header_value("x-wh-signature"), body);
    res.status = result.http_status;
    res.set_content(absl::StrCat(result.message, "\n"), "text/plain; charset=utf-8");
  });
  const auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "POST");
    res.set_content("use POST\n", "text/plain; charset=utf-8");
  };
  server_->Get(kWebhookPath, not_allowed);
  server_->Put(kWebhookPath, not_allowed);
  server_->Delete(kWebhookPath, not_allowed);
  server_->Patch(kWebhookPath, not_allowed);
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain; charset=utf-8");
  });
  auto port = ServeInBackground(*server_, listen, "webhook-listen", &thread_, /*backlog=*/1024);
  if (!port.ok()) return port.status();
  port_ = *port;
  host_ = listen.substr(0, listen.rfind(':'));
  return absl::OkStatus();
}

void WebhookListener::Stop() { StopServing(*server_, &thread_); }

namespace {
// A wildcard bind is reached on loopback from here; GHL needs the machine's
// public name (or the proxy's) instead.
std::string ReachableHost(const std::string& bound) {
  return bound.empty() || bound == "0.0.0.0" || bound == "[::]" ? "127.0.0.1" : bound;
}
}  // namespace

std::string WebhookListener::url() const {
  const std::string host = ReachableHost(host_);
  return absl::StrCat("http://", host, ":", port_, kWebhookPath);
}

bool WebhookListener::ProbeHealthz(absl::Duration timeout) const {
  if (port_ == 0) return false;
  const std::string host = ReachableHost(host_);
  httplib::Client client(host, port_);
  const auto micros = absl::ToInt64Microseconds(timeout);
  client.set_connection_timeout(micros / 1000000, micros % 1000000);
  client.set_read_timeout(micros / 1000000, micros % 1000000);
  const auto res = client.Get("/healthz");
  return res && res->status == 200;
}

}  // namespace ghl::server
