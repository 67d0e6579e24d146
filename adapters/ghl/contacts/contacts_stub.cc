#include "adapters/ghl/contacts/contacts_stub.h"

#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_actions.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/rest_call.h"
#include "adapters/ghl/core/status.h"
#include "adapters/ghl/http/paced_http_transport.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::http::HttpRequest;
using ::ghl::http::HttpResponse;
using ::ghl::http::UrlEncode;

// An unusable 2xx answer names GHL's trace id, so it can be found upstream.
template <typename T>
absl::StatusOr<T> Traced(absl::StatusOr<T> result, const HttpResponse& response) {
  if (result.ok()) return result;
  return WithUpstreamTrace(result.status(), TraceHeader(response));
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
      : rest_(std::move(transport), std::move(base_url), std::move(tokens)) {}

  absl::StatusOr<Contact> GetContact(const CallOptions& options, const std::string& location_id,
                                     const std::string& contact_id) override {
    auto response = Call(options, location_id, "GET", ContactPath(contact_id), "");
    if (!response.ok()) return response.status();
    return Traced(ContactMember(response->body, "get-contact"), *response);
  }

  absl::StatusOr<ListContactsPage> ListContacts(const CallOptions& options,
                                                const ListContactsPageRequest& request) override {
    std::string path = absl::StrCat("/contacts/?locationId=", UrlEncode(request.location_id),
                                   "&limit=", request.limit);
    if (!request.query.empty()) absl::StrAppend(&path, "&query=", UrlEncode(request.query));
    if (request.cursor) {
      // GHL needs both halves of the cursor; either alone restarts the list.
      absl::StrAppend(&path, "&startAfterId=", UrlEncode(request.cursor->start_after_id),
                      "&startAfter=", request.cursor->start_after);
    }
    auto response = Call(options, request.location_id, "GET", path, "");
    if (!response.ok()) return response.status();
    auto page = Traced(ParseListContactsBody(response->body), *response);
    if (!page.ok()) return page.status();
    page->rate_limit = http::ReadRateLimitHeaders(*response);
    return page;
  }

  absl::StatusOr<Contact> CreateContact(const CallOptions& options, const std::string& location_id,
                                        const Contact& contact) override {
    auto body = CreateContactBody(location_id, contact);
    if (!body.ok()) return body.status();
    auto response = Call(options, location_id, "POST", absl::StrCat("/contacts/"), *body);
    if (!response.ok()) return response.status();
    return Traced(ContactMember(response->body, "create-contact"), *response);
  }

  absl::StatusOr<Contact> UpdateContact(const CallOptions& options, const std::string& location_id,
                                        const Contact& contact,
                                        const google::protobuf::FieldMask& mask) override {
    auto body = UpdateContactBody(contact, mask);
    if (!body.ok()) return body.status();
    auto response = Call(options, location_id, "PUT", ContactPath(contact.id()), *body);
    if (!response.ok()) return response.status();
    auto updated = Traced(ContactMember(response->body, "update-contact"), *response);
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
    auto response = Call(options, location_id, "DELETE", ContactPath(contact_id), "");
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

  // ---- Search, upsert, duplicates, business, followers, campaigns,
  // ---- workflows (issue 3). Bodies and answers: contact_actions.h and
  // ---- search_body.h.

  absl::StatusOr<SearchPage> SearchContacts(const CallOptions& options,
                                            const SearchPageRequest& request) override {
    auto body = SearchBody(request);
    if (!body.ok()) return body.status();
    auto response = Call(options, request.request.location_id(), "POST",
                         absl::StrCat("/contacts/search"), *body);
    if (!response.ok()) return response.status();
    return Traced(ParseSearchBody(response->body), *response);
  }

  absl::StatusOr<v1::UpsertContactResponse> UpsertContact(
      const CallOptions& options, const v1::UpsertContactRequest& request) override {
    auto body = UpsertContactBody(request);
    if (!body.ok()) return body.status();
    auto response = Call(options, request.location_id(), "POST",
                         absl::StrCat("/contacts/upsert"), *body);
    if (!response.ok()) return response.status();
    return AppliedUnlessUsable(Traced(ParseUpsertContactBody(response->body), *response), "upsert");
  }

  absl::StatusOr<v1::FindDuplicateContactResponse> FindDuplicateContact(
      const CallOptions& options, const v1::FindDuplicateContactRequest& request) override {
    auto response =
        Call(options, request.location_id(), "GET",
             absl::StrCat("/contacts/search/duplicate?", DuplicateContactQuery(request)), "");
    if (!response.ok()) return response.status();
    return ParseDuplicateContactBody(response->body);
  }

  absl::StatusOr<ListContactsPage> ListBusinessContacts(
      const CallOptions& options, const BusinessContactsPageRequest& request) override {
    // The spec types limit and skip as strings; on the wire they are digits.
    std::string path = absl::StrCat("/contacts/business/", UrlEncode(request.business_id),
                                   "?locationId=", UrlEncode(request.location_id),
                                   "&limit=", request.limit, "&skip=", request.skip);
    if (!request.query.empty()) absl::StrAppend(&path, "&query=", UrlEncode(request.query));
    auto response = Call(options, request.location_id, "GET", path, "");
    if (!response.ok()) return response.status();
    auto page = ParseListContactsBody(response->body);
    if (!page.ok()) return page.status();
    page->next.reset();  // offset paged: the caller counts
    page->rate_limit = http::ReadRateLimitHeaders(*response);
    return page;
  }

  absl::StatusOr<v1::AddFollowersResponse> AddFollowers(
      const CallOptions& options, const v1::AddFollowersRequest& request) override {
    auto response = Call(options, request.location_id(), "POST",
                         ContactSubUrl(request.contact_id(), "/followers"),
                         FollowersBody(request.followers()));
    if (!response.ok()) return response.status();
    return AppliedUnlessUsable(ParseAddFollowersBody(response->body), "follower change");
  }

  absl::StatusOr<v1::RemoveFollowersResponse> RemoveFollowers(
      const CallOptions& options, const v1::RemoveFollowersRequest& request) override {
    auto response = Call(options, request.location_id(), "DELETE",
                         ContactSubUrl(request.contact_id(), "/followers"),
                         FollowersBody(request.followers()));
    if (!response.ok()) return response.status();
    return AppliedUnlessUsable(ParseRemoveFollowersBody(response->body), "follower change");
  }

  absl::Status AddToCampaign(const CallOptions& options, const v1::AddToCampaignRequest& request) override {
    // AddContactToCampaignDto has no properties, but a body is required.
    return Action(options, request.location_id(), "POST",
                  ContactSubUrl(request.contact_id(), "/campaigns/", request.campaign_id()), "{}",
                  "add-contact-to-campaign");
  }

  absl::Status RemoveFromCampaign(const CallOptions& options,
                                  const v1::RemoveFromCampaignRequest& request) override {
    return Action(options, request.location_id(), "DELETE",
                  ContactSubUrl(request.contact_id(), "/campaigns/", request.campaign_id()), "",
                  "remove-contact-from-campaign");
  }

  absl::Status RemoveFromAllCampaigns(const CallOptions& options,
                                      const v1::RemoveFromAllCampaignsRequest& request) override {
    return Action(options, request.location_id(), "DELETE",
                  ContactSubUrl(request.contact_id(), "/campaigns/removeAll"), "",
                  "remove-contact-from-every-campaign");
  }

  absl::Status AddToWorkflow(const CallOptions& options, const v1::AddToWorkflowRequest& request) override {
    return Action(options, request.location_id(), "POST",
                  ContactSubUrl(request.contact_id(), "/workflow/", request.workflow_id()),
                  WorkflowBody(request.has_event_start_time() ? &request.event_start_time() : nullptr),
                  "add-contact-to-workflow");
  }

  absl::Status RemoveFromWorkflow(const CallOptions& options,
                                  const v1::RemoveFromWorkflowRequest& request) override {
    return Action(options, request.location_id(), "DELETE",
                  ContactSubUrl(request.contact_id(), "/workflow/", request.workflow_id()),
                  WorkflowBody(request.has_event_start_time() ? &request.event_start_time() : nullptr),
                  "delete-contact-from-workflow");
  }

  absl::StatusOr<v1::BulkUpdateBusinessResponse> BulkUpdateBusiness(
      const CallOptions& options, const v1::BulkUpdateBusinessRequest& request) override {
    auto response = Call(options, request.location_id(), "POST",
                         absl::StrCat("/contacts/bulk/business"),
                         BulkUpdateBusinessBody(request));
    if (!response.ok()) return response.status();
    return AppliedUnlessUsable(ParseBulkUpdateBusinessBody(response->body), "business update");
  }
  // ---- end of the issue 3 section.

 private:
  // /contacts/{contactId}<suffix>[<id>], ids percent-encoded.
  std::string ContactSubUrl(const std::string& contact_id, const char* suffix,
                            const std::string& id = "") const {
    return absl::StrCat(ContactPath(contact_id), suffix, UrlEncode(id));
  }

  // A write answered `{succeded}` (campaigns, workflows).
  absl::Status Action(const CallOptions& options, const std::string& location_id, const char* method,
                      const std::string& path, std::string body, const char* operation) {
    auto response = Call(options, location_id, method, path, std::move(body));
    if (!response.ok()) return response.status();
    return CheckSucceded(response->body, operation);
  }

  // A 2xx means GHL applied the write: if its answer is unusable, say so,
  // so nobody re-sends it.
  template <typename T>
  static absl::StatusOr<T> AppliedUnlessUsable(absl::StatusOr<T> parsed, const char* what) {
    if (parsed.ok()) return parsed;
    return absl::Status(parsed.status().code(),
                        absl::StrCat("GHL applied the ", what, " but its answer was unusable: ",
                                     parsed.status().message()));
  }

  std::string ContactPath(const std::string& contact_id) const {
    return absl::StrCat("/contacts/", UrlEncode(contact_id));
  }

  // Sends one request with the location's token; non-2xx becomes a Status.
  absl::StatusOr<HttpResponse> Call(const CallOptions& options, const std::string& location_id,
                                    const char* method, const std::string& path, std::string body) {
    return rest_.Send(options, location_id, method, path, std::move(body));
  }

  GhlRestCall rest_;
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
      page.meta_total = page.total;
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
