#include "server/contacts_more_validation.h"

#include <rapidjson/document.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_actions.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/search_body.h"
#include "server/request_validation.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::BusinessPosition;
using ::ghl::contacts::SearchPosition;

constexpr size_t kMaxTokenLength = 4096;
constexpr int kMaxFollowers = 100;
constexpr int kMaxBulkIds = 1000;
constexpr size_t kMaxBulkIdLength = 50;  // ContactsBusinessUpdate.ids[].maxLength
constexpr size_t kMaxQueryLength = 256;  // as ListContacts
constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit
constexpr size_t kMaxPhoneLength = 32;

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status ValidateReadMask(const google::protobuf::FieldMask& mask) {
  v1::Contact probe;
  auto s = ghl::contacts::ApplyReadMask(mask, &probe);
  if (!s.ok()) return Invalid("read_mask", s.message());
  return absl::OkStatus();
}

// Location and contact id, the pair every contact action names.
absl::Status ValidateContact(const std::string& location_id, const std::string& contact_id) {
  if (auto s = ValidateId("location_id", location_id); !s.ok()) return s;
  return ValidateId("contact_id", contact_id);
}

absl::Status ValidateIdList(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& ids,
                            int max_count) {
  if (ids.empty()) return Invalid(field, "must name at least one id");
  if (ids.size() > max_count) return Invalid(field, absl::StrCat("more than ", max_count, " ids"));
  for (int i = 0; i < ids.size(); ++i) {
    if (auto s = ValidateId(absl::StrCat(field, "[", i, "]"), ids[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateFollowers(const std::string& location_id, const std::string& contact_id,
                               const google::protobuf::RepeatedPtrField<std::string>& followers) {
  if (auto s = ValidateContact(location_id, contact_id); !s.ok()) return s;
  return ValidateIdList("followers", followers, kMaxFollowers);
}

absl::Status ValidateWorkflow(const std::string& location_id, const std::string& contact_id,
                              const std::string& workflow_id,
                              const google::protobuf::Timestamp* start) {
  if (auto s = ValidateContact(location_id, contact_id); !s.ok()) return s;
  if (auto s = ValidateId("workflow_id", workflow_id); !s.ok()) return s;
  // google.protobuf.Timestamp's range, 0001-01-01 to 9999-12-31.
  if (start != nullptr && (start->seconds() < -62135596800 || start->seconds() > 253402300799 ||
                           start->nanos() < 0 || start->nanos() > 999999999)) {
    return Invalid("event_start_time", "not a valid timestamp");
  }
  return absl::OkStatus();
}

// FNV-1a over the request's search-defining fields: tokens must not move
// between searches (a page number or searchAfter means nothing elsewhere).
uint64_t SearchFingerprint(const v1::SearchContactsRequest& request) {
  v1::SearchContactsRequest key;
  *key.mutable_filters() = request.filters();
  *key.mutable_sort() = request.sort();
  key.set_query(request.query());
  key.set_page_size(request.page_size());
  // No map fields: the default serialization is deterministic.
  return Fingerprint(key.SerializeAsString());
}

absl::Status MalformedToken() {
  return Invalid("resume_token", "malformed (pass back a token this service issued)");
}

bool IsJsonArray(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  return !doc.HasParseError() && doc.IsArray() && !doc.Empty();
}

}  // namespace

absl::Status ValidateRequest(const v1::SearchContactsRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (auto s = ghl::contacts::SearchPageLimit(request.page_size()); !s.ok()) return s.status();
  if (auto s = ghl::contacts::ValidateSearchQuery(request); !s.ok()) return s;
  return ValidateReadMask(request.read_mask());
}

absl::Status ValidateRequest(const v1::ListBusinessContactsRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (auto s = ValidateId("business_id", request.business_id()); !s.ok()) return s;
  if (auto s = PageSize(request.page_size()); !s.ok()) return s.status();
  if (request.query().size() > kMaxQueryLength) {
    return Invalid("query", absl::StrCat("longer than ", kMaxQueryLength, " characters"));
  }
  return ValidateReadMask(request.read_mask());
}

absl::Status ValidateRequest(const v1::UpsertContactRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  const v1::Contact& contact = request.contact();
  if (contact.has_location_id() && contact.location_id() != request.location_id()) {
    return Invalid("contact.location_id", "differs from location_id");
  }
  // GHL matches an upsert by email and phone; with neither it always creates,
  // and then a retried upsert would create a second contact.
  if (contact.email().empty() && contact.phone().empty()) {
    return Invalid("contact.email",
                   "an upsert matches on email or phone: set at least one (or use CreateContact)");
  }
  if (auto body = ghl::contacts::UpsertContactBody(request); !body.ok()) {
    return Invalid("contact", body.status().message());
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::FindDuplicateContactRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (request.email().empty() && request.phone().empty()) {
    return Invalid("email", "at least one of email and phone must be set");
  }
  if (request.email().size() > kMaxEmailLength) {
    return Invalid("email", absl::StrCat("longer than ", kMaxEmailLength, " characters"));
  }
  if (request.phone().size() > kMaxPhoneLength) {
    return Invalid("phone", absl::StrCat("longer than ", kMaxPhoneLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::AddFollowersRequest& request) {
  return ValidateFollowers(request.location_id(), request.contact_id(), request.followers());
}

absl::Status ValidateRequest(const v1::RemoveFollowersRequest& request) {
  return ValidateFollowers(request.location_id(), request.contact_id(), request.followers());
}

absl::Status ValidateRequest(const v1::AddToCampaignRequest& request) {
  if (auto s = ValidateContact(request.location_id(), request.contact_id()); !s.ok()) return s;
  return ValidateId("campaign_id", request.campaign_id());
}

absl::Status ValidateRequest(const v1::RemoveFromCampaignRequest& request) {
  if (auto s = ValidateContact(request.location_id(), request.contact_id()); !s.ok()) return s;
  return ValidateId("campaign_id", request.campaign_id());
}

absl::Status ValidateRequest(const v1::RemoveFromAllCampaignsRequest& request) {
  return ValidateContact(request.location_id(), request.contact_id());
}

absl::Status ValidateRequest(const v1::AddToWorkflowRequest& request) {
  return ValidateWorkflow(request.location_id(), request.contact_id(), request.workflow_id(),
                          request.has_event_start_time() ? &request.event_start_time() : nullptr);
}

absl::Status ValidateRequest(const v1::RemoveFromWorkflowRequest& request) {
  return ValidateWorkflow(request.location_id(), request.contact_id(), request.workflow_id(),
                          request.has_event_start_time() ? &request.event_start_time() : nullptr);
}

absl::Status ValidateRequest(const v1::BulkUpdateBusinessRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (auto s = ValidateIdList("contact_ids", request.contact_ids(), kMaxBulkIds); !s.ok()) return s;
  for (int i = 0; i < request.contact_ids_size(); ++i) {
    if (request.contact_ids(i).size() > kMaxBulkIdLength) {
      return Invalid(absl::StrCat("contact_ids[", i, "]"),
                     absl::StrCat("longer than ", kMaxBulkIdLength, " characters"));
    }
  }
  switch (request.target_case()) {
    case v1::BulkUpdateBusinessRequest::kBusinessId:
      return ValidateId("business_id", request.business_id());
    case v1::BulkUpdateBusinessRequest::kRemoveFromBusiness:
      if (!request.remove_from_business()) {
        return Invalid("remove_from_business", "must be true when set (or set business_id)");
      }
      return absl::OkStatus();
    case v1::BulkUpdateBusinessRequest::TARGET_NOT_SET:
      break;
  }
  return Invalid("business_id",
                 "set business_id, or remove_from_business to take the contacts out");
}

std::string EncodeSearchToken(const v1::SearchContactsRequest& request,
                              const SearchPosition& position) {
  v1::SearchContactsCursor cursor;
  cursor.set_location_id(request.location_id());
  cursor.set_request_fingerprint(SearchFingerprint(request));
  cursor.set_next_page(position.next_page);
  cursor.set_search_after(position.search_after);
  cursor.set_pages_delivered(position.pages_delivered);
  cursor.set_contacts_delivered(position.contacts_delivered);
  cursor.set_done(position.done);
  return EncodeCursorToken(cursor);
}

absl::StatusOr<SearchPosition> DecodeSearchToken(const v1::SearchContactsRequest& request,
                                                 int page_limit) {
  SearchPosition position;
  if (request.resume_token().empty()) return position;
  v1::SearchContactsCursor cursor;
  if (!DecodeCursorToken(request.resume_token(), kMaxTokenLength, &cursor)) return MalformedToken();
  if (cursor.location_id() != request.location_id() ||
      cursor.request_fingerprint() != SearchFingerprint(request)) {
    return Invalid("resume_token",
                   "was issued for another location_id, filters, sort, query or page_size");
  }
  const bool by_page = cursor.next_page() > 0;
  const bool by_search_after = !cursor.search_after().empty();
  const bool consistent =
      cursor.pages_delivered() >= 0 && cursor.contacts_delivered() >= 0 &&
      cursor.next_page() >= 0 && (cursor.done() || by_page != by_search_after) &&
      int64_t{cursor.next_page()} * page_limit <= ghl::contacts::kSearchPageNumberCap &&
      (!by_search_after || IsJsonArray(cursor.search_after()));
  if (!consistent) return Invalid("resume_token", "inconsistent position");
  position.next_page = cursor.next_page();
  position.search_after = cursor.search_after();
  position.pages_delivered = cursor.pages_delivered();
  position.contacts_delivered = cursor.contacts_delivered();
  position.done = cursor.done();
  return position;
}

std::string EncodeBusinessToken(const v1::ListBusinessContactsRequest& request, int page_size,
                                const BusinessPosition& position) {
  v1::ListBusinessContactsCursor cursor;
  cursor.set_location_id(request.location_id());
  cursor.set_business_id(request.business_id());
  cursor.set_query(request.query());
  cursor.set_page_size(page_size);
  cursor.set_skip(position.skip);
  cursor.set_pages_delivered(position.pages_delivered);
  cursor.set_contacts_delivered(position.contacts_delivered);
  cursor.set_done(position.done);
  return EncodeCursorToken(cursor);
}

absl::StatusOr<BusinessPosition> DecodeBusinessToken(const v1::ListBusinessContactsRequest& request,
                                                     int page_size) {
  BusinessPosition position;
  if (request.resume_token().empty()) return position;
  v1::ListBusinessContactsCursor cursor;
  if (!DecodeCursorToken(request.resume_token(), kMaxTokenLength, &cursor)) return MalformedToken();
  if (cursor.location_id() != request.location_id() ||
      cursor.business_id() != request.business_id() || cursor.query() != request.query() ||
      cursor.page_size() != page_size) {
    return Invalid("resume_token",
                   "was issued for another location_id, business_id, query or page_size");
  }
  if (cursor.skip() < 0 || cursor.pages_delivered() < 0 || cursor.contacts_delivered() < 0) {
    return Invalid("resume_token", "inconsistent position");
  }
  position.skip = cursor.skip();
  position.pages_delivered = cursor.pages_delivered();
  position.contacts_delivered = cursor.contacts_delivered();
  position.done = cursor.done();
  return position;
}

}  // namespace ghl::server
