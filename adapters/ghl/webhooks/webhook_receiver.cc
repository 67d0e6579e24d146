#include "adapters/ghl/webhooks/webhook_receiver.h"

#include <iostream>

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/webhooks/webhook_parser.h"
#include "google/protobuf/util/time_util.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr DeliveryOutcome kAllOutcomes[] = {
    DeliveryOutcome::kAccepted,       DeliveryOutcome::kDuplicate, DeliveryOutcome::kBadSignature,
    DeliveryOutcome::kStale,          DeliveryOutcome::kMalformed, DeliveryOutcome::kTooLarge,
    DeliveryOutcome::kLogUnavailable,
};

int HttpStatusOf(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kAccepted:
      return 200;
    case DeliveryOutcome::kDuplicate:
      return 409;
    case DeliveryOutcome::kBadSignature:
    case DeliveryOutcome::kStale:
      return 401;
    case DeliveryOutcome::kMalformed:
      return 400;
    case DeliveryOutcome::kTooLarge:
      return 413;
    case DeliveryOutcome::kLogUnavailable:
      return 429;
  }
  return 500;
}

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp FromTime(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

}  // namespace

const char* DeliveryOutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kAccepted:
      return "accepted";
    case DeliveryOutcome::kDuplicate:
      return "duplicate";
    case DeliveryOutcome::kBadSignature:
      return "bad_signature";
    case DeliveryOutcome::kStale:
      return "stale";
    case DeliveryOutcome::kMalformed:
      return "malformed";
    case DeliveryOutcome::kTooLarge:
      return "too_large";
    case DeliveryOutcome::kLogUnavailable:
      return "log_unavailable";
  }
  return "unknown";
}

WebhookReceiver::WebhookReceiver(std::shared_ptr<const WebhookVerifier> verifier,
                                 std::shared_ptr<EventLog> log, ReceiverOptions options,
                                 Clock* clock, metrics::Registry* registry)
    : verifier_(std::move(verifier)),
      log_(std::move(log)),
      options_(options),
      clock_(clock != nullptr ? clock : &DefaultClock()),
      deliveries_(&(registry != nullptr ? *registry : metrics::DefaultRegistry())
                       .AddCounter("ghl_gateway_webhook_deliveries_total",
                                   "Webhook deliveries received, by outcome.", {"outcome"})) {
  for (DeliveryOutcome outcome : kAllOutcomes) {
    deliveries_->WithLabels({DeliveryOutcomeName(outcome)});
  }
}

// How many webhookIds answered 429 are remembered (see the header).
constexpr size_t kMaxDeferred = 100000;

DeliveryResult WebhookReceiver::Handle(absl::string_view ghl_signature,
                                       absl::string_view wh_signature, absl::string_view raw_body) {
  // Every message is fixed text or a status message of our own code (the
  // verifier, parser and log never include body data).
  auto finish = [&](DeliveryOutcome outcome, std::string message, int64_t offset = 0) {
    deliveries_->WithLabels({DeliveryOutcomeName(outcome)}).Increment();
    DeliveryResult result;
    result.http_status = HttpStatusOf(outcome);
    result.outcome = outcome;
    result.message = std::move(message);
    result.offset = offset;
    return result;
  };
  if (raw_body.size() > options_.max_body_bytes) {
    return finish(DeliveryOutcome::kTooLarge,
                  absl::StrCat("body of ", raw_body.size(), " bytes is over the limit of ",
                               options_.max_body_bytes));
  }
  auto scheme = verifier_->Verify(ghl_signature, wh_signature, raw_body);
  if (!scheme.ok()) {
    return finish(DeliveryOutcome::kBadSignature,
                  absl::StrCat("signature rejected: ", scheme.status().message()));
  }
  auto event = ParseWebhookEvent(raw_body);
  if (!event.ok()) {
    return finish(DeliveryOutcome::kMalformed, std::string(event.status().message()));
  }
  const absl::Time now = clock_->Now();
  const std::string webhook_id = event->webhook_id();  // a copy: the event is moved below
  const auto was_deferred = [&] {
    if (webhook_id.empty()) return false;
    absl::MutexLock lock(&deferred_mu_);
    return deferred_.contains(webhook_id);
  };
  if (event->has_event_time()) {
    const absl::Duration skew = absl::AbsDuration(now - ToTime(event->event_time()));
    if (skew > options_.window && !was_deferred()) {
      return finish(
          DeliveryOutcome::kStale,
          absl::StrCat("timestamp is ", absl::FormatDuration(skew), " away from now, outside the ",
                       absl::FormatDuration(options_.window), " window"));
    }
  }
  *event->mutable_receive_time() = FromTime(now);
  event->set_signature_scheme(*scheme);
  auto appended = log_->Append(*std::move(event), raw_body);
  if (!appended.ok()) {
    // The log's message names the file and SQLite's reason (never the
    // body): for the operator's log, not for the sender.
    std::cerr << "ghl-gateway: webhook delivery answered 429: " << appended.status().message()
              << std::endl;
    if (!webhook_id.empty()) {
      absl::MutexLock lock(&deferred_mu_);
      if (deferred_.insert(webhook_id).second) {
        deferred_order_.push_back(webhook_id);
        if (deferred_order_.size() > kMaxDeferred) {
          deferred_.erase(deferred_order_.front());
          deferred_order_.pop_front();
        }
      }
    }
    return finish(DeliveryOutcome::kLogUnavailable, "event log unavailable, retry later");
  }
  if (appended->duplicate) {
    return finish(DeliveryOutcome::kDuplicate,
                  absl::StrCat("already received (offset ", appended->offset, ")"),
                  appended->offset);
  }
  return finish(DeliveryOutcome::kAccepted, absl::StrCat("logged at offset ", appended->offset),
                appended->offset);
}

}  // namespace ghl::webhooks
