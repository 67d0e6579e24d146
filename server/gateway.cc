#include "server/gateway.h"

#include <atomic>

#include <chrono>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "adapters/ghl/http/metrics_http_transport.h"
#include "adapters/ghl/http/paced_http_transport.h"
#include "adapters/ghl/http/request_context.h"
#include "adapters/ghl/webhooks/event_log.h"
#include "adapters/ghl/webhooks/webhook_receiver.h"
#include "adapters/ghl/webhooks/webhook_verifier.h"
#include "server/catalog_service_impl.h"
#include "server/call_log.h"
#include "server/caller_auth.h"
#include "server/contacts_service_impl.h"
#include "server/diagnostics_service_impl.h"
#include "server/events_service_impl.h"
#include "server/gateway_auth.h"
#include "server/metrics.h"
#include "server/resource_services.h"
#include "server/webhook_listener.h"
#include "server/worker_pool.h"

namespace ghl::server {

struct Gateway::State {
  std::unique_ptr<GatewayAuth> auth;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<ContactsServiceImpl> contacts;
  std::unique_ptr<ResourceServices> resources;  // tasks, notes, appointments, tags
  std::unique_ptr<CatalogServiceImpl> catalog;
  std::unique_ptr<DiagnosticsServiceImpl> diagnostics;
  std::shared_ptr<webhooks::EventLog> event_log;     // --event-log (may be null)
  std::unique_ptr<EventsServiceImpl> events;         // WatchEvents over event_log
  std::unique_ptr<WebhookListener> webhook_listener; // --webhook-listen
  // Set once the listener serves (CheckLocation may run while it starts).
  std::atomic<const WebhookListener*> webhook_ready{nullptr};
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<MetricsServer> metrics;  // --metrics-listen
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(const GatewayConfig& config,
                                                        std::shared_ptr<http::HttpTransport> transport,
                                                        std::shared_ptr<auth::TokenSource> tokens) {
  if (!transport) {
    http::CurlOptions curl;
    curl.max_response_bytes = static_cast<size_t>(config.max_response_mb) << 20;
    transport = http::MakeCurlHttpTransport(curl);
  }
  // Innermost: every request actually sent (retries too) carries the call's
  // X-Request-Id and is counted for its log line.
  transport = http::MakeRequestIdHttpTransport(std::move(transport));
  // Below pacing: the latency recorded is the upstream's, not a paced wait.
  transport = http::MakeMetricsHttpTransport(std::move(transport));
  std::shared_ptr<RateBudget> budget;
  if (config.pacing) {
    RateBudgetConfig budget_config;
    budget_config.max_per_interval = config.pacing_default_max;
    budget_config.interval = config.pacing_default_interval;
    budget_config.margin = config.pacing_margin;
    budget = std::make_shared<RateBudget>(budget_config);
    transport = http::MakePacedHttpTransport(std::move(transport), budget);
  }
  auto log_format = ParseLogFormat(config.log_format);
  if (!log_format.ok()) return log_format.status();
  auto log_level = ParseLogLevel(config.log_level);
  if (!log_level.ok()) return log_level.status();
  auto logger = CallLogger::Open(*log_format, *log_level, config.log_file);
  if (!logger.ok()) return logger.status();
  auto built_auth = BuildGatewayAuth(config, transport, std::move(tokens));
  if (!built_auth.ok()) return built_auth.status();
  tokens = (*built_auth)->tokens;
  auto stub = contacts::MakeDefaultContactsStub(transport, config.upstream, tokens);
  contacts::ConnectionOptions options;
  options.call_timeout = config.upstream_timeout;
  options.retry.max_attempts = config.retry_max_attempts;
  options.retry.max_elapsed = config.retry_max_elapsed;
  options.search_lookahead = config.search_prefetch_pages;
  options.initial_backoff = config.retry_initial_backoff;
  options.max_backoff = config.retry_max_backoff;
  auto connection = std::make_shared<contacts::ContactsConnection>(std::move(stub), options);

  std::unique_ptr<Gateway> gateway(new Gateway());
  gateway->state_ = std::make_unique<State>();
  State& s = *gateway->state_;
  s.auth = *std::move(built_auth);
  s.pool = std::make_unique<WorkerPool>(config.workers);
  s.contacts = std::make_unique<ContactsServiceImpl>(std::move(connection), s.pool.get());
  s.contacts->SetRateBudget(budget);
  s.resources = MakeResourceServices(transport, config.upstream, tokens, options, s.pool.get());
  if (!config.webhook.event_log.empty()) {
    auto log = webhooks::OpenSqliteEventLog(config.webhook.event_log);
    if (!log.ok()) {
      return absl::Status(log.status().code(),
                          absl::StrCat("--event-log: ", log.status().message()));
    }
    s.event_log = *std::move(log);
  }
  EventsServiceOptions events_options;
  events_options.heartbeat = config.webhook.watch_heartbeat;
  s.events = std::make_unique<EventsServiceImpl>(s.event_log, s.pool.get(), events_options);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this a second gateway on the same --listen port would silently
  // share it (SO_REUSEPORT) and take half the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(config.listen, s.auth->server_credentials, &gateway->port_);
  {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    // First: every call gets its request id before caller auth records the key id.
    creators.push_back(std::make_unique<CallLogInterceptorFactory>(*logger));
    creators.push_back(std::make_unique<MetricsInterceptorFactory>());
    if (s.auth->keys) {
      creators.push_back(std::make_unique<CallerAuthInterceptorFactory>(s.auth->keys));
    }
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  builder.RegisterService(s.contacts.get());
  s.resources->RegisterWith(&builder);
  s.catalog = std::make_unique<CatalogServiceImpl>();
  builder.RegisterService(s.catalog.get());
  // CheckLocation's view of the webhook listener: configured, reachable
  // (the gateway probes its own /healthz), and what the event log holds for
  // the location. The state outlives every call.
  WebhookStatusProvider webhook_status = NoWebhookListener();
  if (!config.webhook.listen.empty()) {
    webhook_status = [state = &s](const std::string& location_id) {
      WebhookStatus status;
      status.configured = true;
      if (const WebhookListener* listener = state->webhook_ready.load()) {
        status.url = listener->url();
        status.reachable = listener->ProbeHealthz(absl::Seconds(2));
      }
      if (state->event_log) {
        if (auto summary = state->event_log->Summarize(location_id); summary.ok()) {
          status.events_logged = summary->events;
          status.last_event_time = summary->last_receive_time;
        }
      }
      return status;
    };
  }
  s.diagnostics = std::make_unique<DiagnosticsServiceImpl>(
      std::make_shared<LocationDiagnostics>(transport, config.upstream, tokens, config.upstream_timeout,
                                            std::move(webhook_status)),
      s.pool.get());
  builder.RegisterService(s.diagnostics.get());
  builder.RegisterService(s.events.get());
  s.server = builder.BuildAndStart();
  if (!s.server || gateway->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config.listen));
  }
  if (!config.metrics_listen.empty()) {
    (void)ContactsStreamedCounter();  // scraped as 0 before the first stream
    s.metrics = std::make_unique<MetricsServer>();
    if (auto started = s.metrics->Start(config.metrics_listen); !started.ok()) {
      gateway->Shutdown(absl::ZeroDuration());
      return started;
    }
  }
  if (!config.webhook.listen.empty()) {
    if (auto started = gateway->StartWebhooks(config); !started.ok()) {
      gateway->Shutdown(absl::ZeroDuration());
      return started;
    }
  }
  s.server->GetHealthCheckService()->SetServingStatus(true);
  gateway->host_ = config.listen.substr(0, config.listen.rfind(':'));
  return gateway;
}

std::string Gateway::address() const { return absl::StrCat(host_, ":", port_); }

int Gateway::metrics_port() const {
  return state_ && state_->metrics ? state_->metrics->port() : 0;
}

absl::Status Gateway::StartWebhooks(const GatewayConfig& config) {
  State& s = *state_;
  if (!s.event_log) {
    return absl::InvalidArgumentError(
        "--webhook-listen needs --event-log FILE (an accepted webhook must survive a restart)");
  }
  // A config built in code (tests) may not have been resolved: GHL's keys.
  const webhooks::WebhookKeys keys =
      config.webhook.keys.ed25519.empty() && config.webhook.keys.rsa.empty()
          ? webhooks::WebhookKeys::GhlProduction()
          : config.webhook.keys;
  auto verifier = webhooks::WebhookVerifier::Create(keys);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook keys: ", verifier.status().message()));
  }
  webhooks::ReceiverOptions receiver_options;
  receiver_options.window = config.webhook.window;
  receiver_options.max_body_bytes = static_cast<size_t>(config.webhook.max_body_kb) << 10;
  auto receiver = std::make_shared<webhooks::WebhookReceiver>(
      std::shared_ptr<const webhooks::WebhookVerifier>(*std::move(verifier)), s.event_log,
      receiver_options);
  WebhookListenerOptions listener_options;
  listener_options.max_body_bytes = receiver_options.max_body_bytes;
  s.webhook_listener = std::make_unique<WebhookListener>(std::move(receiver), listener_options);
  if (auto started = s.webhook_listener->Start(config.webhook.listen); !started.ok()) return started;
  s.webhook_ready.store(s.webhook_listener.get());
  return absl::OkStatus();
}

int Gateway::webhook_port() const {
  return state_ && state_->webhook_listener ? state_->webhook_listener->port() : 0;
}

int Gateway::http_port() const {
  return state_ && state_->auth->callback ? state_->auth->callback->port() : 0;
}

void Gateway::Shutdown(absl::Duration grace) {
  if (!state_ || state_->shut_down) return;
  state_->shut_down = true;
  // Webhooks first: the port closes (GHL retries elsewhere or later) and the
  // deliveries in flight finish their appends before anything else stops.
  if (state_->webhook_listener) state_->webhook_listener->Stop();
  // A Start that could not listen left no server behind.
  if (state_->server) {
    state_->server->GetHealthCheckService()->SetServingStatus(false);
    // Streams end at their next page boundary with a resume token (issue 5).
    state_->contacts->StartDraining();
    // WatchEvents streams end at their next message with the offset to
    // resume after.
    state_->events->StartDraining();
    state_->server->Shutdown(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
    state_->server->Wait();
  }
  // Only now no reactor can post work any more.
  state_->pool.reset();
  if (state_->auth && state_->auth->callback) state_->auth->callback->Stop();
  if (state_->metrics) state_->metrics->Stop();
  // Nothing renews tokens any more: another gateway may take the state file.
  if (state_->auth) state_->auth->state_lock.reset();
}

Gateway::~Gateway() { Shutdown(); }

}  // namespace ghl::server
