#include "tools/ghl-sandbox/sandbox_service.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/api_util.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/data_generator.h"
#include "tools/ghl-sandbox/dataset_loader.h"
#include "tools/ghl-sandbox/sandbox_oauth.h"

namespace ghl::sandbox {

namespace {

using internal::ContactNotFound;
using internal::Error;
using internal::Finish;
using internal::Forbidden;
using internal::InternalError;
using internal::Json;
using internal::ParseBody;
using internal::StringMember;
using internal::Unprocessable;
using internal::WriteString;
using Writer = internal::JsonWriter;

constexpr absl::string_view kApiVersion = "2021-07-28";
constexpr absl::string_view kReadScope = "contacts.readonly";
constexpr absl::string_view kWriteScope = "contacts.write";
constexpr size_t kMaxLimit = 100;
constexpr size_t kDefaultLimit = 20;

HttpResponse Duplicate(const ContactRecord& existing, absl::string_view field,
                       absl::string_view trace_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("statusCode");
  w.Int(400);
  w.Key("message");
  w.String("This location does not allow duplicated contacts.");
  w.Key("meta");
  w.StartObject();
  w.Key("contactName");
  WriteString(w, existing.display_name);
  w.Key("contactId");
  WriteString(w, existing.id);
  w.Key("matchingField");
  WriteString(w, field);
  w.EndObject();
  w.Key("traceId");
  WriteString(w, trace_id);
  w.EndObject();
  return Json(400, Finish(buffer));
}

HttpResponse NotFoundRoute(const HttpRequest& request, absl::string_view trace_id) {
  return Error(404, absl::StrCat("Cannot ", request.method, " ", request.path), "Not Found", trace_id);
}

bool HasScope(const TokenGrant& grant, absl::string_view scope) {
  for (const auto& s : grant.scopes) {
    if (s == scope) return true;
  }
  return false;
}

// Parses a numeric query parameter; appends class-validator messages.
std::optional<double> ParseNumber(const std::string& text, absl::string_view name,
                                  std::vector<std::string>* messages) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    messages->push_back(absl::StrCat(name, " must be a number conforming to the specified constraints"));
    return std::nullopt;
  }
  return value;
}

void AddRateLimitHeaders(const RateLimitDecision& d, HttpResponse* r) {
  r->headers.emplace_back("X-RateLimit-Limit-Daily", absl::StrCat(d.daily_limit));
  r->headers.emplace_back("X-RateLimit-Daily-Remaining", absl::StrCat(d.daily_remaining));
  r->headers.emplace_back("X-RateLimit-Interval-Milliseconds", absl::StrCat(d.interval_ms));
  r->headers.emplace_back("X-RateLimit-Max", absl::StrCat(d.max_per_interval));
  r->headers.emplace_back("X-RateLimit-Remaining", absl::StrCat(d.remaining));
}

}  // namespace

const std::string* HttpRequest::Header(absl::string_view lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? nullptr : &it->second;
}

const std::string* HttpRequest::Query(absl::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

SandboxService::SandboxService(SandboxOptions options)
    : options_(std::move(options)),
      limiter_(RateLimitConfig{options_.rate_limit_max, absl::Milliseconds(options_.rate_limit_interval_ms),
                               options_.rate_limit_daily}),
      id_rng_(MixSeed(options_.seed, uint64_t{1} << 63)) {
  for (const auto& grant : options_.tokens) tokens_.emplace(grant.token, grant);
  faults_.SetPlan(options_.faults);
  storm_remaining_.store(options_.storm_429 > 0 ? options_.storm_429 : 0);
  RegisterRoutes();
}

// One entry per operation of apps/contacts.json, with the scope of its
// `security`. See route_table.h for how paths match.
void SandboxService::RegisterRoutes() {
  const std::string r(kReadScope);
  const std::string w(kWriteScope);
  struct Entry {
    const char* method;
    const char* path;
    const char* operation_id;
    const std::string& scope;
    Handler handler;
  };
  const Entry entries[] = {
      {"POST", "/contacts/search", "search-contacts-advanced", r, &SandboxService::SearchContacts},
      {"GET", "/contacts/search/duplicate", "get-duplicate-contact", r,
       &SandboxService::GetDuplicateContact},
      {"GET", "/contacts/{contactId}/tasks", "get-all-tasks", r, &SandboxService::ListTasks},
      {"POST", "/contacts/{contactId}/tasks", "create-task", w, &SandboxService::CreateTask},
      {"GET", "/contacts/{contactId}/tasks/{taskId}", "get-task", r, &SandboxService::GetTask},
      {"PUT", "/contacts/{contactId}/tasks/{taskId}", "update-task", w,
       &SandboxService::UpdateTask},
      {"DELETE", "/contacts/{contactId}/tasks/{taskId}", "delete-task", w,
       &SandboxService::DeleteTask},
      {"PUT", "/contacts/{contactId}/tasks/{taskId}/completed", "update-task-completed", w,
       &SandboxService::CompleteTask},
      {"GET", "/contacts/{contactId}/appointments", "get-appointments-for-contact", r,
       &SandboxService::ListAppointments},
      {"POST", "/contacts/{contactId}/tags", "add-tags", w, &SandboxService::AddTags},
      {"DELETE", "/contacts/{contactId}/tags", "remove-tags", w, &SandboxService::RemoveTags},
      {"GET", "/contacts/{contactId}/notes", "get-all-notes", r, &SandboxService::ListNotes},
      {"POST", "/contacts/{contactId}/notes", "create-note", w, &SandboxService::CreateNote},
      {"GET", "/contacts/{contactId}/notes/{id}", "get-note", r, &SandboxService::GetNote},
      {"PUT", "/contacts/{contactId}/notes/{id}", "update-note", w, &SandboxService::UpdateNote},
      {"DELETE", "/contacts/{contactId}/notes/{id}", "delete-note", w, &SandboxService::DeleteNote},
      // No `security` in the spec: write scope (see the header comment).
      {"POST", "/contacts/bulk/tags/update/{type}", "create-association", w,
       &SandboxService::BulkUpdateTags},
      {"POST", "/contacts/bulk/business", "add-remove-contact-from-business", w,
       &SandboxService::BulkUpdateBusiness},
      {"GET", "/contacts/{contactId}", "get-contact", r, &SandboxService::GetContact},
      {"PUT", "/contacts/{contactId}", "update-contact", w, &SandboxService::UpdateContact},
      {"DELETE", "/contacts/{contactId}", "delete-contact", w, &SandboxService::DeleteContact},
      {"POST", "/contacts/upsert", "upsert-contact", w, &SandboxService::UpsertContact},
      {"GET", "/contacts/business/{businessId}", "get-contacts-by-businessId", r,
       &SandboxService::ListContactsByBusiness},
      {"POST", "/contacts/{contactId}/followers", "add-followers-contact", w,
       &SandboxService::AddFollowers},
      {"DELETE", "/contacts/{contactId}/followers", "remove-followers-contact", w,
       &SandboxService::RemoveFollowers},
      {"POST", "/contacts/{contactId}/campaigns/{campaignId}", "add-contact-to-campaign", w,
       &SandboxService::AddToCampaign},
      {"DELETE", "/contacts/{contactId}/campaigns/{campaignId}", "remove-contact-from-campaign", w,
       &SandboxService::RemoveFromCampaign},
      {"DELETE", "/contacts/{contactId}/campaigns/removeAll", "remove-contact-from-every-campaign",
       w, &SandboxService::RemoveFromAllCampaigns},
      {"POST", "/contacts/{contactId}/workflow/{workflowId}", "add-contact-to-workflow", w,
       &SandboxService::AddToWorkflow},
      {"DELETE", "/contacts/{contactId}/workflow/{workflowId}", "delete-contact-from-workflow", w,
       &SandboxService::RemoveFromWorkflow},
      {"POST", "/contacts/", "create-contact", w, &SandboxService::CreateContact},
      {"GET", "/contacts/", "get-contacts", r, &SandboxService::ListContacts},
  };
  for (const auto& e : entries) routes_.Add(e.method, e.path, e.operation_id, e.scope, e.handler);
}

std::vector<std::string> SandboxService::Memberships(MembershipKind kind,
                                                     absl::string_view contact_id) const {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  return store_.Memberships(kind, contact_id);
}

std::string SandboxService::ContactJson(absl::string_view contact_id) const {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  const ContactRecord* r = store_.Find(contact_id);
  return r ? r->json : std::string();
}

const ContactRecord* SandboxService::ContactFor(const Context& ctx, HttpResponse* error) const {
  const ContactRecord* record = store_.Find(ctx.params.Get("contactId"));
  if (record == nullptr) {
    *error = ContactNotFound(ctx.trace_id);
  } else if (record->location_id != ctx.grant->location_id) {
    *error = Forbidden(ctx.trace_id);
    return nullptr;
  }
  return record;
}

absl::StatusOr<const ContactRecord*> SandboxService::RewriteContact(
    const ContactRecord& existing, const std::function<void(rapidjson::Document&)>& edit) {
  rapidjson::Document contact;
  contact.Parse<rapidjson::kParseFullPrecisionFlag>(existing.json.data(), existing.json.size());
  if (contact.HasParseError() || !contact.IsObject()) {
    return absl::InternalError("stored contact is not a JSON object");
  }
  edit(contact);
  const std::string now = NowIso();
  auto updated = contact.FindMember("dateUpdated");
  if (updated != contact.MemberEnd()) {
    updated->value.SetString(now.data(), static_cast<rapidjson::SizeType>(now.size()),
                             contact.GetAllocator());
  } else {
    contact.AddMember("dateUpdated",
                      rapidjson::Value(now.data(), static_cast<rapidjson::SizeType>(now.size()),
                                       contact.GetAllocator()),
                      contact.GetAllocator());
  }
  auto record = ContactRecord::FromValue(contact, ToJson(contact));
  if (!record.ok()) return record.status();
  const std::string id = existing.id;
  absl::Status s = store_.ReplaceContact(*std::move(record));
  if (!s.ok()) return s;
  return store_.Find(id);
}

std::string SandboxService::NewId() {
  std::string id;
  do {
    id = RandomAlnumId(id_rng_);
  } while (store_.Find(id) != nullptr);
  return id;
}

std::string SandboxService::NowIso() const { return FormatIsoMillis(absl::ToUnixMillis(Now())); }

std::pair<const ContactRecord*, std::string> SandboxService::FindDuplicate(
    absl::string_view location_id, absl::string_view email, absl::string_view phone,
    absl::string_view exclude_id) const {
  for (const auto& field : options_.duplicate_match_order) {
    if (field == "email" && !email.empty()) {
      if (const ContactRecord* r =
              store_.FindByEmail(location_id, Utf8ToLower(email), exclude_id)) {
        return {r, "email"};
      }
    } else if (field == "phone" && !phone.empty()) {
      const auto normalized = NormalizePhone(phone);
      if (const ContactRecord* r = store_.FindByPhone(
              location_id, normalized ? *normalized : std::string(phone), exclude_id)) {
        return {r, "phone"};
      }
    }
  }
  return {nullptr, ""};
}

std::vector<SandboxOperation> SandboxService::Operations() const {
  std::vector<SandboxOperation> out;
  for (const auto& e : routes_.entries()) {
    out.push_back({e.method, e.path_template, e.operation_id, e.scope});
  }
  return out;
}

absl::StatusOr<std::unique_ptr<SandboxService>> SandboxService::Create(SandboxOptions options) {
  if (!options.data_dir.empty() && options.generate_contacts > 0) {
    return absl::InvalidArgumentError("use either a data directory or generated contacts, not both");
  }
  if (options.rate_limit_max < 1 || options.rate_limit_interval_ms < 1 || options.rate_limit_daily < 1) {
    return absl::InvalidArgumentError("rate limits must be positive");
  }
  if (options.generate_contacts < 0) {
    return absl::InvalidArgumentError("the number of generated contacts must not be negative");
  }
  if (options.duplicate_match_order.empty()) {
    return absl::InvalidArgumentError("the duplicate match order must name email and/or phone");
  }
  for (const auto& field : options.duplicate_match_order) {
    if (field != "email" && field != "phone") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown duplicate match field \"", field, "\" (use email, phone)"));
    }
  }
  for (size_t i = 0; i < options.tokens.size(); ++i) {
    if (options.tokens[i].token.empty() || options.tokens[i].location_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("token #", i + 1, " has an empty token or locationId"));
    }
  }
  std::unique_ptr<SandboxService> service(new SandboxService(std::move(options)));
  std::unique_lock<std::shared_mutex> lock(service->store_mu_);
  const SandboxOptions& opts = service->options_;
  if (!opts.data_dir.empty()) {
    auto summary = LoadDataset(opts.data_dir, &service->store_);
    if (!summary.ok()) return summary.status();
    service->summary_ = {summary->location_id, summary->contacts, summary->tasks, summary->notes,
                         summary->appointments};
  } else if (opts.generate_contacts > 0) {
    GeneratorOptions gen{opts.generate_contacts, opts.seed, opts.generate_location_id,
                         opts.typed_custom_values};
    absl::Status s = GenerateDataset(gen, &service->store_);
    if (!s.ok()) return s;
    service->summary_.location_id = opts.generate_location_id;
    service->summary_.contacts = service->store_.size();
  }
  service->oauth_ = std::make_unique<SandboxOAuth>(opts.oauth, service->summary_.location_id, opts.clock);
  auto webhooks = WebhookSender::Create(opts.webhooks);
  if (!webhooks.ok()) return webhooks.status();
  service->webhooks_ = *std::move(webhooks);
  return service;
}

SandboxService::~SandboxService() = default;

absl::Time SandboxService::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

void SandboxService::InjectStorm429(int count) {
  if (count > 0) storm_remaining_.fetch_add(count);
}

void SandboxService::EmitEvent(const char* type, absl::string_view location_id,
                               std::string resource_json) {
  webhooks_->Emit(type, location_id, std::move(resource_json), NowIso());
}

void SandboxService::EmitContactChange(ContactChange change, const std::string& before_json,
                                       const ContactRecord& after) {
  if (!webhooks_->Active()) return;  // spares the comparison
  for (const char* type : ContactChangeEvents(change, before_json, after.json)) {
    EmitEvent(type, after.location_id, after.json);
  }
}

bool SandboxService::TakeStormSlot() {
  int current = storm_remaining_.load();
  while (current > 0) {
    if (storm_remaining_.compare_exchange_weak(current, current - 1)) return true;
  }
  return false;
}

SandboxStats SandboxService::Stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  SandboxStats s = stats_;
  s.storm_remaining = storm_remaining_.load();
  s.faults = faults_.Counts();
  return s;
}

std::vector<SandboxService::ReceivedRequest> SandboxService::RecentRequests() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return {received_.begin(), received_.end()};
}

void SandboxService::Count(int status, bool rate_limited, bool storm) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  ++stats_.requests;
  ++stats_.by_status[status];
  if (rate_limited) ++stats_.rate_limited_429;
  if (storm) ++stats_.storm_429;
}

size_t SandboxService::ContactCount() const {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  return store_.size();
}

std::vector<std::string> SandboxService::RelatedRecords(RelatedKind kind,
                                                        absl::string_view contact_id) const {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  return store_.Related(kind, contact_id);
}

HttpResponse SandboxService::Handle(const HttpRequest& request) {
  if (absl::StartsWith(request.path, "/_sandbox/")) return HandleAdmin(request);
  if (SandboxOAuth::Serves(request.path)) {
    const std::string trace_id = NewTraceId();
    HttpResponse response = oauth_->Handle(request, trace_id);
    response.headers.emplace_back("X-Request-Id", trace_id);
    return response;
  }

  {
    const std::string* id = request.Header("x-request-id");
    std::lock_guard<std::mutex> lock(stats_mu_);
    received_.push_back({request.method, request.path, id ? *id : std::string()});
    if (received_.size() > kMaxRecordedRequests) received_.pop_front();
  }
  RouteMatch<Handler> route = routes_.Match(request.method, request.path);
  Context ctx;
  ctx.trace_id = NewTraceId();
  ctx.params = route.params;
  bool rate_limited = false;
  bool storm = false;
  HttpResponse response;
  if (route.entry == nullptr) {
    response = NotFoundRoute(request, ctx.trace_id);
  } else {
    if (const std::string* auth = request.Header("authorization")) {
      absl::string_view value = absl::StripAsciiWhitespace(*auth);
      if (value.size() > 7 && absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
        const auto it = tokens_.find(absl::StripAsciiWhitespace(value.substr(7)));
        if (it != tokens_.end()) {
          ctx.grant = &it->second;
        } else if ((ctx.oauth_grant = oauth_->Lookup(absl::StripAsciiWhitespace(value.substr(7))))) {
          ctx.grant = &*ctx.oauth_grant;
        }
      }
    }
    RateLimitDecision decision;
    const FaultDecision fault = faults_.Next();
    const bool answer_fault = fault.fault && (*fault.fault == FaultKind::k429 ||
                                              *fault.fault == FaultKind::k5xx ||
                                              *fault.fault == FaultKind::kTokenExpiry);
    bool rate_headers = true;
    if (TakeStormSlot()) {
      storm = true;
      if (ctx.grant) decision = limiter_.Peek(ctx.grant->location_id, Now());
      response = Error(429, "Too Many Requests", "", ctx.trace_id);
    } else if (answer_fault) {
      // Answered before the operation (and before GHL's limiter counts it).
      if (ctx.grant) decision = limiter_.Peek(ctx.grant->location_id, Now());
      if (*fault.fault == FaultKind::k429) {
        response = Error(429, "Too Many Requests", "", ctx.trace_id);
      } else if (*fault.fault == FaultKind::k5xx) {
        // A load balancer's or gateway's error: no rate-limit headers.
        rate_headers = false;
        response = Error(fault.status, fault.status == 503 ? "Service Unavailable" : "Internal server error",
                         "", ctx.trace_id);
      } else {
        response = Error(401, "Invalid JWT", "Unauthorized", ctx.trace_id);
      }
    } else if (ctx.grant == nullptr) {
      response = Error(401, "Invalid token: access token is invalid", "Unauthorized", ctx.trace_id);
    } else {
      decision = limiter_.Acquire(ctx.grant->location_id, Now());
      if (!decision.allowed) {
        rate_limited = true;
        response = Error(429, "Too Many Requests", "", ctx.trace_id);
      } else {
        response = HandleApi(*route.entry, request, ctx);
      }
    }
    if (ctx.grant && rate_headers) AddRateLimitHeaders(decision, &response);
    if (fault.fault && !answer_fault) {
      switch (*fault.fault) {
        case FaultKind::kMalformed:
          // Valid HTTP, broken JSON: half the body, then text no parser takes.
          response.body.resize(response.body.size() / 2);
          response.body += "<html>upstream connect error</html>";
          break;
        case FaultKind::kTruncated:
          response.delivery = HttpResponse::Delivery::kTruncate;
          break;
        case FaultKind::kReset:
          response.delivery = HttpResponse::Delivery::kReset;
          break;
        case FaultKind::kSlow:
          response.delivery = HttpResponse::Delivery::kSlow;
          response.bytes_per_second = fault.bytes_per_second;
          break;
        default:
          break;
      }
    }
    response.delay = fault.delay;
  }
  response.headers.emplace_back("X-Request-Id", ctx.trace_id);
  Count(response.status, rate_limited, storm);
  return response;
}

HttpResponse SandboxService::HandleApi(const RouteEntry<Handler>& route, const HttpRequest& request,
                                       Context& ctx) {
  const std::string* version = request.Header("version");
  if (version == nullptr || absl::StripAsciiWhitespace(*version) != kApiVersion) {
    return Error(400, "Version header was not found", "", ctx.trace_id);
  }
  if (!HasScope(*ctx.grant, route.scope)) {
    return Error(401, "The token is not authorized for this scope.", "Unauthorized", ctx.trace_id);
  }
  return (this->*route.handler)(request, ctx);
}

HttpResponse SandboxService::ListContacts(const HttpRequest& request, Context& ctx) {
  const std::string* location = request.Query("locationId");
  if (location && !location->empty() && *location != ctx.grant->location_id) {
    return Forbidden(ctx.trace_id);
  }
  std::vector<std::string> messages;
  if (location == nullptr || location->empty()) messages.push_back("locationId should not be empty");
  size_t limit = kDefaultLimit;
  if (const std::string* text = request.Query("limit")) {
    if (auto value = ParseNumber(*text, "limit", &messages)) {
      if (*value != std::floor(*value)) {
        messages.push_back("limit must be an integer number");
      } else if (*value > static_cast<double>(kMaxLimit)) {
        messages.push_back("limit must not be greater than 100");
      } else if (*value < 1) {
        messages.push_back("limit must not be less than 1");
      } else {
        limit = static_cast<size_t>(*value);
      }
    }
  }
  std::optional<int64_t> start_after;
  if (const std::string* text = request.Query("startAfter")) {
    if (!text->empty()) {
      if (auto value = ParseNumber(*text, "startAfter", &messages)) {
        start_after = static_cast<int64_t>(std::floor(*value));
      }
    }
  }
  std::string start_after_id;
  if (const std::string* text = request.Query("startAfterId")) start_after_id = *text;
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  ListQuery query;
  query.location_id = *location;
  query.limit = limit;
  if (const std::string* q = request.Query("query")) query.query_lower = Utf8ToLower(*q);

  std::shared_lock<std::shared_mutex> lock(store_mu_);
  if (start_after) {
    query.after = ListCursor{*start_after, std::nullopt};
    if (!start_after_id.empty()) query.after->id = start_after_id;
  } else if (!start_after_id.empty()) {
    const ContactRecord* anchor = store_.Find(start_after_id);
    if (anchor == nullptr || anchor->location_id != query.location_id) {
      return Unprocessable({"startAfterId must be a contact of this location when startAfter is not given"},
                           ctx.trace_id);
    }
    query.after = ListCursor{anchor->date_added_ms, anchor->id};
  }
  const ListResult result = store_.List(query);

  rapidjson::StringBuffer buffer;
  buffer.Reserve(result.page.size() * 1200 + 512);
  Writer w(buffer);
  w.StartObject();
  w.Key("contacts");
  w.StartArray();
  for (const ContactRecord* r : result.page) {
    w.RawValue(r->json.data(), r->json.size(), rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("count");
  w.Uint64(result.total);
  w.Key("meta");
  w.StartObject();
  w.Key("total");
  w.Uint64(result.total);
  const uint64_t current_page = result.before / limit + 1;
  const bool last = !result.has_more;
  w.Key("nextPageUrl");
  if (last) {
    w.Null();
  } else {
    const ContactRecord* tail = result.page.back();
    const std::string* host = request.Header("host");
    std::string url = absl::StrCat("http://", host ? *host : std::string("localhost"),
                                   "/contacts/?locationId=", UrlEncode(query.location_id),
                                   "&startAfter=", tail->date_added_ms,
                                   "&startAfterId=", UrlEncode(tail->id), "&limit=", limit);
    if (const std::string* q = request.Query("query")) absl::StrAppend(&url, "&query=", UrlEncode(*q));
    WriteString(w, url);
  }
  w.Key("startAfterId");
  if (last) {
    w.Null();
  } else {
    WriteString(w, result.page.back()->id);
  }
  w.Key("startAfter");
  if (last) {
    w.Null();
  } else {
    w.Int64(result.page.back()->date_added_ms);
  }
  w.Key("currentPage");
  w.Uint64(current_page);
  w.Key("nextPage");
  if (last) {
    w.Null();
  } else {
    w.Uint64(current_page + 1);
  }
  w.Key("prevPage");
  if (current_page > 1) {
    w.Uint64(current_page - 1);
  } else {
    w.Null();
  }
  w.EndObject();
  w.EndObject();
  return Json(200, Finish(buffer));
}

HttpResponse SandboxService::GetContact(const HttpRequest&, Context& ctx) {
  const absl::string_view contact_id = ctx.params.Get("contactId");
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  const ContactRecord* record = store_.Find(contact_id);
  if (record == nullptr) return ContactNotFound(ctx.trace_id);
  if (record->location_id != ctx.grant->location_id) return Forbidden(ctx.trace_id);
  return Json(200, absl::StrCat("{\"contact\":", record->json, "}"));
}

HttpResponse SandboxService::CreateContact(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseBody(request.body, &body, ctx.trace_id)) return *error;
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id) return Forbidden(ctx.trace_id);

  std::unique_lock<std::shared_mutex> lock(store_mu_);
  const LocationInfo* location = store_.FindLocation(ctx.grant->location_id);
  const std::vector<std::string> messages = ValidateContactDto(body, DtoKind::kCreate, location);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  if (!options_.allow_duplicate_contact) {
    const auto [other, field] = FindDuplicate(ctx.grant->location_id, StringMember(body, "email"),
                                              StringMember(body, "phone"), "");
    if (other != nullptr) return Duplicate(*other, field, ctx.trace_id);
  }
  const std::string id = NewId();

  rapidjson::Document contact;
  BuildNewContact(body, location, id, FormatIsoMillis(absl::ToUnixMillis(Now())), &contact);
  std::string json = ToJson(contact);
  auto record = ContactRecord::FromValue(contact, json);
  if (!record.ok()) return Error(500, "Internal server error", "", ctx.trace_id);
  if (!store_.AddContact(*std::move(record)).ok()) return InternalError(ctx.trace_id);
  store_.StartEmptyRelated(id);
  EmitEvent(kContactCreate, ctx.grant->location_id, json);
  return Json(201, absl::StrCat("{\"contact\":", json, "}"));
}

HttpResponse SandboxService::UpdateContact(const HttpRequest& request, Context& ctx) {
  const absl::string_view contact_id = ctx.params.Get("contactId");
  rapidjson::Document body;
  if (auto error = ParseBody(request.body, &body, ctx.trace_id)) return *error;
  if (!body.IsObject()) return Error(400, "Request body must be a JSON object", "Bad Request", ctx.trace_id);

  std::unique_lock<std::shared_mutex> lock(store_mu_);
  const ContactRecord* existing = store_.Find(contact_id);
  if (existing == nullptr) return ContactNotFound(ctx.trace_id);
  if (existing->location_id != ctx.grant->location_id) return Forbidden(ctx.trace_id);
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id) return Forbidden(ctx.trace_id);
  const LocationInfo* location = store_.FindLocation(existing->location_id);
  const std::vector<std::string> messages = ValidateContactDto(body, DtoKind::kUpdate, location);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  rapidjson::Document contact;
  contact.Parse<rapidjson::kParseFullPrecisionFlag>(existing->json.data(), existing->json.size());
  if (contact.HasParseError() || !contact.IsObject()) {
    return Error(500, "Internal server error", "", ctx.trace_id);
  }
  ApplyContactUpdate(body, location, FormatIsoMillis(absl::ToUnixMillis(Now())), &contact);
  std::string json = ToJson(contact);
  auto record = ContactRecord::FromValue(contact, json);
  if (!record.ok()) return Error(500, "Internal server error", "", ctx.trace_id);
  if (!options_.allow_duplicate_contact) {
    const bool email_changed =
        !record->email_lower.empty() && record->email_lower != existing->email_lower;
    const bool phone_changed = !record->phone.empty() && record->phone != existing->phone;
    const auto [other, field] =
        FindDuplicate(existing->location_id, email_changed ? record->email_lower : "",
                      phone_changed ? record->phone : "", existing->id);
    if (other != nullptr) return Duplicate(*other, field, ctx.trace_id);
  }
  const std::string before = existing->json;
  if (!store_.ReplaceContact(*std::move(record)).ok()) {
    return Error(500, "Internal server error", "", ctx.trace_id);
  }
  if (const ContactRecord* after = store_.Find(contact_id)) {
    EmitContactChange(ContactChange::kUpdate, before, *after);
  }
  return Json(200, absl::StrCat("{\"succeded\":true,\"contact\":", json, "}"));
}

HttpResponse SandboxService::DeleteContact(const HttpRequest&, Context& ctx) {
  const absl::string_view contact_id = ctx.params.Get("contactId");
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  const ContactRecord* existing = store_.Find(contact_id);
  if (existing == nullptr) return ContactNotFound(ctx.trace_id);
  if (existing->location_id != ctx.grant->location_id) return Forbidden(ctx.trace_id);
  std::string last = existing->json;
  store_.EraseContact(contact_id);
  EmitEvent(kContactDelete, ctx.grant->location_id, std::move(last));
  return Json(200, "{\"succeded\":true}");
}

HttpResponse SandboxService::HandleAdmin(const HttpRequest& request) {
  const absl::string_view path(request.path);
  if (request.method == "GET" && path == "/_sandbox/health") {
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok";
    return r;
  }
  if (request.method == "POST" && path == "/_sandbox/oauth/expire") {
    oauth_->ExpireAccessTokens();
    return Json(200, R"({"expired":true})");
  }
  if (request.method == "GET" && path == "/_sandbox/oauth/stats") {
    const SandboxOAuthStats s = oauth_->Stats();
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("tokenRequests");
    w.StartObject();
    for (const auto& [grant, n] : s.token_requests) {
      w.Key(grant.c_str());
      w.Uint64(n);
    }
    w.EndObject();
    w.Key("refreshesOk");
    w.Uint64(s.refreshes_ok);
    w.Key("invalidGrants");
    w.Uint64(s.invalid_grants);
    w.Key("locationTokens");
    w.Uint64(s.location_tokens);
    w.Key("installedLocations");
    w.Uint64(s.installed_locations);
    w.EndObject();
    return Json(200, Finish(buffer));
  }
  if (request.method == "GET" && path == "/_sandbox/requests") {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    for (const auto& r : RecentRequests()) {
      w.StartObject();
      w.Key("method");
      w.String(r.method.c_str(), static_cast<rapidjson::SizeType>(r.method.size()));
      w.Key("path");
      w.String(r.path.c_str(), static_cast<rapidjson::SizeType>(r.path.size()));
      w.Key("requestId");
      w.String(r.request_id.c_str(), static_cast<rapidjson::SizeType>(r.request_id.size()));
      w.EndObject();
    }
    w.EndArray();
    return Json(200, Finish(buffer));
  }
  if (request.method == "GET" && path == "/_sandbox/stats") {
    const SandboxStats s = Stats();
    const size_t contacts = ContactCount();
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("requests");
    w.Uint64(s.requests);
    w.Key("byStatus");
    w.StartObject();
    for (const auto& [status, count] : s.by_status) {
      const std::string key = absl::StrCat(status);
      w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      w.Uint64(count);
    }
    w.EndObject();
    w.Key("rateLimited429");
    w.Uint64(s.rate_limited_429);
    w.Key("storm429");
    w.Uint64(s.storm_429);
    w.Key("stormRemaining");
    w.Int(s.storm_remaining);
    w.Key("faults");
    w.StartObject();
    for (const auto& [kind, count] : s.faults) {
      w.Key(kind.c_str(), static_cast<rapidjson::SizeType>(kind.size()));
      w.Uint64(count);
    }
    w.EndObject();
    w.Key("contacts");
    w.Uint64(contacts);
    w.EndObject();
    return Json(200, Finish(buffer));
  }
  if (request.method == "POST" && path == "/_sandbox/storm429") {
    int count = 0;
    const std::string* text = request.Query("count");
    if (text == nullptr || !absl::SimpleAtoi(*text, &count) || count < 0) {
      return Error(400, "count must be a non-negative integer", "Bad Request", NewTraceId());
    }
    InjectStorm429(count);
    return Json(200, absl::StrCat("{\"stormRemaining\":", storm_remaining_.load(), "}"));
  }
  if (path == "/_sandbox/webhooks") {
    if (request.method == "POST" || request.method == "PUT") {
      absl::Status s = ConfigureWebhooksJson(request.body, *webhooks_);
      if (!s.ok()) return Error(400, std::string(s.message()), "Bad Request", NewTraceId());
    } else if (request.method != "GET") {
      return NotFoundRoute(request, NewTraceId());
    }
    return Json(200, WebhookStatsJson(webhooks_->Stats(), webhooks_->key_dir(),
                                      options_.webhooks.signature));
  }
  if (path == "/_sandbox/faults") {
    if (request.method == "PUT" || request.method == "POST") {
      auto plan = ParseFaultPlanJson(request.body);
      if (!plan.ok()) return Error(400, std::string(plan.status().message()), "Bad Request", NewTraceId());
      faults_.SetPlan(*std::move(plan));
    } else if (request.method == "DELETE") {
      faults_.SetPlan(FaultPlan{});
    } else if (request.method != "GET") {
      return NotFoundRoute(request, NewTraceId());
    }
    return Json(200, FaultPlanJson(faults_.Plan(), faults_.Counts(), faults_.Requests()));
  }
  return NotFoundRoute(request, NewTraceId());
}

}  // namespace ghl::sandbox
