#include "server/diagnostics_service_impl.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/core/status.h"
#include "adapters/ghl/http/paced_http_transport.h"
#include "server/grpc_status.h"
#include "server/request_validation.h"
#include "server/unary_call.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kReadScope[] = "contacts.readonly";

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const absl::Duration since = t - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(since - absl::Seconds(seconds))));
}

void CheckCredential(const auth::CredentialDescription& d, const std::string& location,
                     v1::CheckLocationResponse* out) {
  v1::CredentialCheck* c = out->mutable_credential();
  c->set_present(d.present);
  if (!d.present) {
    out->add_problems(absl::StrCat("The gateway holds no credential for location ", location,
                                   ": add its private-integration token (--tokens-file) or "
                                   "connect it with OAuth (ghlctl auth)."));
    return;
  }
  c->set_kind(d.kind);
  for (const auto& s : d.scopes) c->add_scopes(s);
  if (d.expires_at != absl::InfiniteFuture() && d.expires_at != absl::InfinitePast()) {
    SetTimestamp(d.expires_at, c->mutable_expire_time());
  }
  if (!d.reauthorization_reason.empty()) {
    out->add_problems(absl::StrCat("The credential of location ", location,
                                   " needs a new authorization (ghlctl auth): ",
                                   d.reauthorization_reason, "."));
  }
  if (!d.scopes.empty() && std::find(d.scopes.begin(), d.scopes.end(), kReadScope) == d.scopes.end()) {
    out->add_problems(absl::StrCat("The credential of location ", location, " lacks the scope ",
                                   kReadScope, " (it has: ", absl::StrJoin(d.scopes, " "), ")."));
  }
}

void CheckRateLimit(const std::map<std::string, std::string>& headers, v1::CheckLocationResponse* out) {
  http::HttpResponse answer;
  answer.headers = headers;
  const RateLimitHeaders h = http::ReadRateLimitHeaders(answer);
  v1::RateLimitCheck* r = out->mutable_rate_limit();
  r->set_reported(h.max >= 0 || h.remaining >= 0 || h.daily_limit >= 0 || h.daily_remaining >= 0);
  r->set_max(std::max<int64_t>(h.max, 0));
  r->set_remaining(std::max<int64_t>(h.remaining, 0));
  r->set_interval_ms(std::max<int64_t>(h.interval_ms, 0));
  r->set_daily_limit(std::max<int64_t>(h.daily_limit, 0));
  r->set_daily_remaining(std::max<int64_t>(h.daily_remaining, 0));
  if (h.max > 0 && h.remaining >= 0 && h.remaining < h.max * kLowHeadroomShare) {
    out->add_problems(absl::StrCat("Rate-limit headroom is low: ", h.remaining, " of ", h.max,
                                   " requests left in the current ", h.interval_ms,
                                   " ms interval."));
  }
  if (h.daily_limit > 0 && h.daily_remaining >= 0 &&
      h.daily_remaining < h.daily_limit * kLowHeadroomShare) {
    out->add_problems(absl::StrCat("Daily rate-limit headroom is low: ", h.daily_remaining, " of ",
                                   h.daily_limit, " requests left today."));
  }
}

// The contact of a GET answer ({contact}) or the first of a search answer
// ({contacts: [...]}); false when the answer has none.
absl::StatusOr<bool> ReadContact(const std::string& body, bool search, v1::Contact* out) {
  rapidjson::Document doc;
  if (auto s = contacts::ParseAnswer(body, &doc); !s.ok()) return s;
  const rapidjson::Value* item = nullptr;
  if (search) {
    auto it = doc.FindMember("contacts");
    if (it == doc.MemberEnd() || !it->value.IsArray()) {
      return absl::InternalError("GHL search response has no contacts array");
    }
    if (it->value.Empty()) return false;
    item = &it->value[0];
  } else {
    auto it = doc.FindMember("contact");
    if (it == doc.MemberEnd()) return absl::InternalError("GHL get-contact response has no contact object");
    item = &it->value;
  }
  if (!item->IsObject()) return absl::InternalError("GHL answered a contact that is not an object");
  if (auto s = contacts::ContactFromJson(*item, out); !s.ok()) {
    return absl::InternalError(absl::StrCat("GHL's contact cannot be mapped: ", s.message()));
  }
  return true;
}

void CheckWebhook(const WebhookStatus& w, const std::string& location, v1::CheckLocationResponse* out) {
  v1::WebhookCheck* c = out->mutable_webhook();
  c->set_configured(w.configured);
  c->set_reachable(w.reachable);
  c->set_url(w.url);
  c->set_events_logged(w.events_logged);
  if (w.last_event_time != absl::InfinitePast()) SetTimestamp(w.last_event_time, c->mutable_last_event_time());
  if (!w.configured) {
    out->add_problems(
        "No webhook listener is configured (--webhook-listen): GHL's events cannot reach the "
        "gateway.");
  } else if (!w.reachable) {
    out->add_problems(absl::StrCat("The webhook listener ", w.url,
                                   " did not answer the gateway's probe (GET /healthz)."));
  } else if (w.events_logged == 0) {
    out->add_problems(absl::StrCat("No webhook event of location ", location,
                                   " has been received yet: check the app's webhook URL is ",
                                   w.url, "."));
  }
}

}  // namespace

WebhookStatusProvider NoWebhookListener() {
  return [](const std::string&) { return WebhookStatus{}; };
}

LocationDiagnostics::LocationDiagnostics(std::shared_ptr<http::HttpTransport> transport,
                                         std::string base_url,
                                         std::shared_ptr<auth::TokenSource> tokens,
                                         absl::Duration timeout, WebhookStatusProvider webhooks)
    : tokens_(tokens),
      rest_(std::move(transport), std::move(base_url), std::move(tokens)),
      timeout_(timeout),
      webhooks_(webhooks ? std::move(webhooks) : NoWebhookListener()) {}

absl::StatusOr<v1::CheckLocationResponse> LocationDiagnostics::Check(
    const v1::CheckLocationRequest& request, contacts::CallOptions options) const {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (!request.contact_id().empty()) {
    if (auto s = ValidateId("contact_id", request.contact_id()); !s.ok()) return s;
  }
  const std::string& location = request.location_id();
  v1::CheckLocationResponse out;
  const auth::CredentialDescription credential = tokens_->Describe(location);
  CheckCredential(credential, location, &out);

  if (credential.present) {
    options.timeout = timeout_;
    options.idempotent = true;  // a read, or a search (idempotent)
    const bool search = request.contact_id().empty();
    std::map<std::string, std::string> headers;
    auto answer = search ? rest_.Send(options, location, "POST", "/contacts/search",
                                      absl::StrCat(R"({"locationId":")", location, R"(","pageLimit":1})"),
                                      &headers)
                         : rest_.Send(options, location, "GET",
                                      absl::StrCat("/contacts/", http::UrlEncode(request.contact_id())),
                                      "", &headers);
    CheckRateLimit(headers, &out);
    absl::Status read = answer.status();
    bool found = false;
    if (answer.ok()) {
      auto contact = ReadContact(answer->body, search, out.mutable_contact());
      if (contact.ok()) {
        found = *contact;
      } else {
        read = WithUpstreamTrace(contact.status(), contacts::TraceHeader(*answer));
      }
    }
    out.mutable_credential()->set_read_ok(read.ok());
    if (!found) out.clear_contact();
    if (!read.ok()) {
      out.add_problems(absl::StrCat("Reading ",
                                    search ? "a contact" : absl::StrCat("contact ", request.contact_id()),
                                    " of location ", location, " failed: ", read.message()));
    }
  }
  CheckWebhook(webhooks_(location), location, &out);
  return out;
}

grpc::ServerUnaryReactor* DiagnosticsServiceImpl::CheckLocation(
    grpc::CallbackServerContext* context, const v1::CheckLocationRequest* request,
    v1::CheckLocationResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, context, request, response]() -> absl::Status {
    contacts::CallOptions options;
    options.deadline = FromGrpcDeadline(context->deadline());
    options.cancelled = [context] { return context->IsCancelled(); };
    auto checked = diagnostics_->Check(*request, std::move(options));
    if (!checked.ok()) return checked.status();
    *response = *std::move(checked);
    return absl::OkStatus();
  });
}

}  // namespace ghl::server
