// SandboxService handlers that find contacts: search-contacts-advanced,
// get-duplicate-contact, upsert-contact and get-contacts-by-businessId.
//
// - Search (see contact_search.h for the body): answers 200
//   {contacts: [...], total} where each contact is its stored JSON plus a
//   `searchAfter` member (the spec leaves the 200 body undefined; this is
//   GHL's shape).
// - Duplicate lookup answers {contact: {...}} or {contact: null}: the first
//   contact of the location matching the given email / number in the
//   configured order (SandboxOptions::duplicate_match_order, default email
//   first, as the spec's description says).
// - Upsert (UpsertContactDto) answers 200 {new, contact, traceId}. Unless
//   the location allows duplicates and the body says
//   createNewIfDuplicateAllowed, it looks for an existing contact by the
//   first field of the configured order that the body gives and matches,
//   then the second. A match is updated with the body (like update-contact,
//   plus the create-only members gender and companyName); if the other field
//   belongs to a different contact, that field is ignored (not written), as
//   the spec's description says, so no duplicate arises. No match creates.
// - Contacts by business pages by `skip` / `limit` (number strings; limit
//   1..100, default 25; skip >= 0, default 0) in (dateAdded, id) order,
//   optionally narrowed by `query`, and answers {contacts, count} (count =
//   all matches) per ContactsSearchSuccessfulResponseDto.
#include <cmath>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/api_util.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/contact_search.h"
#include "tools/ghl-sandbox/sandbox_service.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using internal::Forbidden;
using internal::InternalError;
using internal::Json;
using internal::ParseObjectBody;
using internal::StringMember;
using internal::Unprocessable;
using internal::WithMember;

constexpr int64_t kBusinessDefaultLimit = 25;
constexpr int64_t kBusinessMaxLimit = 100;

// A number-string query parameter (class-validator IsNumberString + Min/Max).
std::optional<int64_t> NumberString(const std::string* text, const char* name, int64_t fallback,
                                    int64_t min, int64_t max, std::vector<std::string>* messages) {
  if (text == nullptr) return fallback;
  int64_t value = 0;
  double d = 0;
  if (!absl::SimpleAtoi(*text, &value)) {
    if (absl::SimpleAtod(*text, &d) && std::isfinite(d)) {
      messages->push_back(absl::StrCat(name, " must be an integer number"));
    } else {
      messages->push_back(absl::StrCat(name, " must be a number string"));
    }
    return std::nullopt;
  }
  if (value < min) {
    messages->push_back(absl::StrCat(name, " must not be less than ", min));
    return std::nullopt;
  }
  if (value > max) {
    messages->push_back(absl::StrCat(name, " must not be greater than ", max));
    return std::nullopt;
  }
  return value;
}

bool MatchesQuery(const ContactRecord& r, absl::string_view q) {
  return q.empty() || absl::StrContains(r.search_text, q) || absl::StrContains(r.email_lower, q) ||
         absl::StrContains(r.phone, q);
}

}  // namespace

HttpResponse SandboxService::SearchContacts(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id)
    return Forbidden(ctx.trace_id);

  std::shared_lock<std::shared_mutex> lock(store_mu_);
  SearchRequest search;
  const std::vector<std::string> messages =
      ParseSearchRequest(body, store_.FindLocation(ctx.grant->location_id), &search);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  const SearchPage page = searcher_.Search(store_, search);

  std::string out;
  size_t size = 64;
  for (const ContactRecord* r : page.contacts) size += r->json.size() + 80;
  out.reserve(size);
  out += "{\"contacts\":[";
  for (size_t i = 0; i < page.contacts.size(); ++i) {
    if (i > 0) out += ',';
    out += WithMember(page.contacts[i]->json, "searchAfter", page.search_after[i]);
  }
  absl::StrAppend(&out, "],\"total\":", page.total, "}");
  return Json(200, std::move(out));
}

HttpResponse SandboxService::GetDuplicateContact(const HttpRequest& request, Context& ctx) {
  const std::string* location = request.Query("locationId");
  if (location && !location->empty() && *location != ctx.grant->location_id) {
    return Forbidden(ctx.trace_id);
  }
  if (location == nullptr || location->empty()) {
    return Unprocessable({"locationId should not be empty"}, ctx.trace_id);
  }
  const std::string* email = request.Query("email");
  const std::string* number = request.Query("number");
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  const auto [contact, field] = FindDuplicate(*location, email ? *email : std::string(),
                                              number ? *number : std::string(), "");
  return Json(200, absl::StrCat("{\"contact\":", contact ? contact->json : "null", "}"));
}

HttpResponse SandboxService::UpsertContact(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id)
    return Forbidden(ctx.trace_id);

  std::unique_lock<std::shared_mutex> lock(store_mu_);
  const std::string& location_id = ctx.grant->location_id;
  const LocationInfo* location = store_.FindLocation(location_id);
  const std::vector<std::string> messages = ValidateContactDto(body, DtoKind::kUpsert, location);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  const auto create_new = body.FindMember("createNewIfDuplicateAllowed");
  const bool force_new = options_.allow_duplicate_contact && create_new != body.MemberEnd() &&
                         create_new->value.IsBool() && create_new->value.GetBool();
  const absl::string_view email = StringMember(body, "email");
  const absl::string_view phone = StringMember(body, "phone");
  const auto [match, field] = force_new ? std::pair<const ContactRecord*, std::string>{nullptr, ""}
                                        : FindDuplicate(location_id, email, phone, "");

  const std::string trace = absl::StrCat(",\"traceId\":\"", ctx.trace_id, "\"}");
  if (match == nullptr) {
    const std::string id = NewId();
    rapidjson::Document contact;
    BuildNewContact(body, location, id, NowIso(), &contact);
    std::string json = ToJson(contact);
    auto record = ContactRecord::FromValue(contact, json);
    if (!record.ok() || !store_.AddContact(*std::move(record)).ok())
      return InternalError(ctx.trace_id);
    store_.StartEmptyRelated(id);
    EmitEvent(kContactCreate, location_id, json);
    return Json(200, absl::StrCat("{\"new\":true,\"contact\":", json, trace));
  }

  // The other identifying field is dropped when it belongs to another
  // contact (GHL: "ignore the second field to prevent duplication").
  const char* other = field == "email" ? "phone" : "email";
  const absl::string_view other_value = field == "email" ? phone : email;
  if (!options_.allow_duplicate_contact && !other_value.empty()) {
    const auto [owner, unused] = FindDuplicate(location_id, field == "email" ? "" : email,
                                               field == "email" ? phone : "", match->id);
    if (owner != nullptr) body.EraseMember(other);
  }
  const std::string before = match->json;
  auto updated = RewriteContact(*match, [&](rapidjson::Document& contact) {
    ApplyContactUpdate(body, location, NowIso(), &contact, DtoKind::kUpsert);
  });
  if (!updated.ok()) return InternalError(ctx.trace_id);
  EmitContactChange(ContactChange::kUpdate, before, **updated);
  return Json(200, absl::StrCat("{\"new\":false,\"contact\":", (*updated)->json, trace));
}

HttpResponse SandboxService::ListContactsByBusiness(const HttpRequest& request, Context& ctx) {
  const std::string* location = request.Query("locationId");
  if (location && !location->empty() && *location != ctx.grant->location_id) {
    return Forbidden(ctx.trace_id);
  }
  std::vector<std::string> messages;
  if (location == nullptr || location->empty())
    messages.push_back("locationId should not be empty");
  const auto limit = NumberString(request.Query("limit"), "limit", kBusinessDefaultLimit, 1,
                                  kBusinessMaxLimit, &messages);
  const auto skip = NumberString(request.Query("skip"), "skip", 0, 0, INT64_MAX, &messages);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  const std::string* q = request.Query("query");
  const std::string query_lower = q ? Utf8ToLower(*q) : std::string();
  const absl::string_view business_id = ctx.params.Get("businessId");

  std::shared_lock<std::shared_mutex> lock(store_mu_);
  std::string out = "{\"contacts\":[";
  int64_t count = 0;
  int64_t written = 0;
  for (const ContactRecord* r : store_.Ordered(*location)) {
    if (r->business_id != business_id || !MatchesQuery(*r, query_lower)) continue;
    if (count >= *skip && written < *limit) {
      if (written > 0) out += ',';
      out += r->json;
      ++written;
    }
    ++count;
  }
  absl::StrAppend(&out, "],\"count\":", count, "}");
  return Json(200, std::move(out));
}

}  // namespace ghl::sandbox
