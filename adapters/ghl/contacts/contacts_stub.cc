#include "adapters/ghl/contacts/contacts_stub.h"

#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/core/status.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::http::HttpRequest;
using ::ghl::http::HttpResponse;
using ::ghl::http::UrlEncode;

int64_t HeaderInt(const HttpResponse& r, const char* name) {
  int64_t v = -1;
  const std::string s = r.Header(name);
  if (s.empty() || !absl::SimpleAtoi(s, &v)) return -1;
  return v;
}

RateLimitInfo ReadRateLimit(const HttpResponse& r) {
  RateLimitInfo info;
  info.max = HeaderInt(r, "x-ratelimit-max");
  info.remaining = HeaderInt(r, "x-ratelimit-remaining");
  info.interval_ms = HeaderInt(r, "x-ratelimit-interval-milliseconds");
  info.daily_limit = HeaderInt(r, "x-ratelimit-limit-daily");
  info.daily_remaining = HeaderInt(r, "x-ratelimit-daily-remaining");
  return info;
}

std::string TraceHeader(const HttpResponse& r) {
  for (const char* name : {"x-trace-id", "x-request-id", "x-amzn-trace-id"}) {
    std::string v = r.Header(name);
    if (!v.empty()) return v;
  }
  return {};
}

absl::Status MalformedJson(const rapidjson::Document& doc, const std::string& body) {
  return absl::UnavailableError(absl::StrCat(
      "malformed JSON from GHL (", body.size(), " bytes, offset ", doc.GetErrorOffset(), "): ",
      rapidjson::GetParseError_En(doc.GetParseError())));
}

// The mapping rejects what no retry can fix (invalid UTF-8, absurd nesting):
// that is bad upstream data, INTERNAL, not the caller's INVALID_ARGUMENT.
absl::Status UnmappableContact(const absl::Status& s) {
  return absl::InternalError(absl::StrCat("GHL sent a contact that cannot be mapped: ", s.message()));
}

// Parses `body` into `doc`; a 2xx answer must be a JSON object.
absl::Status ParseObject(const std::string& body, rapidjson::Document* doc) {
  // Iterative: a hostile, deeply nested body cannot overflow the stack.
  doc->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(body.data(), body.size());
  if (doc->HasParseError()) return MalformedJson(*doc, body);
  if (!doc->IsObject()) return absl::InternalError("GHL answered with JSON that is not an object");
  return absl::OkStatus();
}

// Reads `{"contact": {...}}`.
absl::StatusOr<Contact> ContactMember(const std::string& body, const char* operation) {
  rapidjson::Document doc;
  if (auto s = ParseObject(body, &doc); !s.ok()) return s;
  auto it = doc.FindMember("contact");
  if (it == doc.MemberEnd() || !it->value.IsObject()) {
    return absl::InternalError(absl::StrCat("GHL ", operation, " response has no contact object"));
  }
  Contact contact;
  if (auto s = ContactFromJson(it->value, &contact); !s.ok()) return UnmappableContact(s);
  return contact;
}

std::optional<ListCursor> NextCursor(const rapidjson::Value& meta) {
  auto id = meta.FindMember("startAfterId");
  auto after = meta.FindMember("startAfter");
  if (id == meta.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0) {
    return std::nullopt;
  }
  if (after == meta.MemberEnd() || !after->value.IsNumber()) return std::nullopt;
  auto next_page = meta.FindMember("nextPage");
  if (next_page != meta.MemberEnd() && next_page->value.IsNull()) return std::nullopt;
  ListCursor cursor;
  cursor.start_after_id.assign(id->value.GetString(), id->value.GetStringLength());
  cursor.start_after = after->value.IsInt64() ? after->value.GetInt64()
                                              : static_cast<int64_t>(after->value.GetDouble());
  return cursor;
}

class DefaultContactsStub final : public ContactsStub {
 public:
  DefaultContactsStub(std::shared_ptr<http::HttpTransport> transport, std::string base_url,
                      std::shared_ptr<auth::TokenSource> tokens)
      : transport_(std::move(transport)), base_url_(std::move(base_url)), tokens_(std::move(tokens)) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  }

  absl::StatusOr<Contact> GetContact(const CallOptions& options, const std::string& location_id,
                                     const std::string& contact_id) override {
    auto response = Call(options, location_id, "GET", ContactUrl(contact_id), "");
    if (!response.ok()) return response.status();
    return ContactMember(response->body, "get-contact");
  }

  absl::StatusOr<ListContactsPage> ListContacts(const CallOptions& options,
                                                const ListContactsPageRequest& request) override {
    std::string url = absl::StrCat(base_url_, "/contacts/?locationId=", UrlEncode(request.location_id),
                                   "&limit=", request.limit);
    if (!request.query.empty()) absl::StrAppend(&url, "&query=", UrlEncode(request.query));
    if (request.cursor) {
      // GHL needs both halves of the cursor; either alone restarts the list.
      absl::StrAppend(&url, "&startAfterId=", UrlEncode(request.cursor->start_after_id),
                      "&startAfter=", request.cursor->start_after);
    }
    auto response = Call(options, request.location_id, "GET", url, "");
    if (!response.ok()) return response.status();
    auto page = ParseListContactsBody(response->body);
    if (!page.ok()) return page.status();
    page->rate_limit = ReadRateLimit(*response);
    return page;
  }

  absl::StatusOr<Contact> CreateContact(const CallOptions& options, const std::string& location_id,
                                        const Contact& contact) override {
    auto body = CreateContactBody(location_id, contact);
    if (!body.ok()) return body.status();
    auto response = Call(options, location_id, "POST", absl::StrCat(base_url_, "/contacts/"), *body);
    if (!response.ok()) return response.status();
    return ContactMember(response->body, "create-contact");
  }

  absl::StatusOr<Contact> UpdateContact(const CallOptions& options, const std::string& location_id,
                                        const Contact& contact,
                                        const google::protobuf::FieldMask& mask) override {
    auto body = UpdateContactBody(contact, mask);
    if (!body.ok()) return body.status();
    auto response = Call(options, location_id, "PUT", ContactUrl(contact.id()), *body);
    if (!response.ok()) return response.status();
    auto updated = ContactMember(response->body, "update-contact");
    if (!updated.ok()) {
      // The 2xx means GHL applied the update; say so, so nobody re-sends it.
      return absl::Status(updated.status().code(),
                          absl::StrCat("GHL applied the update but its answer was unusable: ",
                                       updated.status().message()));
    }
    return updated;
  }

  absl::Status DeleteContact(const CallOptions& options, const std::string& location_id,
                             const std::string& contact_id) override {
    auto response = Call(options, location_id, "DELETE", ContactUrl(contact_id), "");
    if (!response.ok()) return response.status();
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(response->body.data(), response->body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
      auto ok = doc.FindMember("succeded");
      if (ok != doc.MemberEnd() && ok->value.IsBool() && !ok->value.GetBool()) {
        return absl::InternalError("GHL answered delete-contact with succeded=false");
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string ContactUrl(const std::string& contact_id) const {
    return absl::StrCat(base_url_, "/contacts/", UrlEncode(contact_id));
  }

  // Sends one request with the location's token; non-2xx becomes a Status.
  absl::StatusOr<HttpResponse> Call(const CallOptions& options, const std::string& location_id,
                                    const char* method, std::string url, std::string body) {
    auto token = tokens_->GetToken(location_id);
    if (!token.ok()) return token.status();
    HttpRequest request;
    request.method = method;
    request.url = std::move(url);
    request.timeout = options.timeout;
    request.headers = {{"Authorization", absl::StrCat("Bearer ", *token)},
                       {"Version", kGhlApiVersion},
                       {"Accept", "application/json"}};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    auto response = transport_->Send(request);
    if (!response.ok()) return response.status();
    if (response->status_code < 200 || response->status_code >= 300) {
      return HttpStatusToStatus(response->status_code, response->body, TraceHeader(*response));
    }
    return response;
  }

  std::shared_ptr<http::HttpTransport> transport_;
  std::string base_url_;
  std::shared_ptr<auth::TokenSource> tokens_;
};

}  // namespace

absl::StatusOr<ListContactsPage> ParseListContactsBody(const std::string& body) {
  rapidjson::Document doc;
  if (auto s = ParseObject(body, &doc); !s.ok()) return s;
  ListContactsPage page;
  auto contacts = doc.FindMember("contacts");
  if (contacts != doc.MemberEnd()) {
    if (!contacts->value.IsArray()) {
      return absl::InternalError("GHL get-contacts response: `contacts` is not an array");
    }
    page.contacts.reserve(contacts->value.Size());
    size_t index = 0;
    for (const auto& item : contacts->value.GetArray()) {
      Contact contact;
      if (!item.IsObject()) {
        return absl::InternalError(
            absl::StrCat("GHL get-contacts response: contacts[", index, "] is not an object"));
      }
      if (auto s = ContactFromJson(item, &contact); !s.ok()) return UnmappableContact(s);
      page.contacts.push_back(std::move(contact));
      ++index;
    }
  }
  auto count = doc.FindMember("count");
  if (count != doc.MemberEnd() && count->value.IsNumber()) {
    page.total = static_cast<int64_t>(count->value.GetDouble());
  }
  auto meta = doc.FindMember("meta");
  if (meta != doc.MemberEnd() && meta->value.IsObject()) {
    auto total = meta->value.FindMember("total");
    if (total != meta->value.MemberEnd() && total->value.IsNumber()) {
      page.total = static_cast<int64_t>(total->value.GetDouble());
    }
    if (!page.contacts.empty()) page.next = NextCursor(meta->value);
  }
  return page;
}

std::shared_ptr<ContactsStub> MakeDefaultContactsStub(std::shared_ptr<http::HttpTransport> transport,
                                                      std::string base_url,
                                                      std::shared_ptr<auth::TokenSource> tokens) {
  return std::make_shared<DefaultContactsStub>(std::move(transport), std::move(base_url),
                                               std::move(tokens));
}

}  // namespace ghl::contacts
