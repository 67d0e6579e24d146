#include "server/webhook_listener.h"

#include <httplib.h>

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
  ListenExclusively(*server_);
}

WebhookListener::~WebhookListener() { Stop(); }

absl::Status WebhookListener::Start(const std::string& listen) {
  server_->Post(kWebhookPath, [receiver = receiver_](const httplib::Request& req,
                                                     httplib::Response& res) {
    // Header lookup is case-insensitive; an absent header is "".
    const ghl::webhooks::DeliveryResult result = receiver->Handle(
        req.get_header_value("X-GHL-Signature"), req.get_header_value("x-wh-signature"), req.body);
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
