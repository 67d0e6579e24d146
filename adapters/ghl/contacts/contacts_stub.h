// ContactsStub: one method per GHL REST contacts operation. Builds the
// request (path, query, headers, JSON body), sends it once through the
// HttpTransport, maps an HTTP error through HttpStatusToStatus, and parses
// the JSON answer into proto types. No retries, no pagination: those live
// in ContactsConnection.
//
// Thread-safety: DefaultContactsStub is safe for concurrent use if its
// transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_STUB_H_
#define GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_STUB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/field_mask.pb.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/core/rate_budget.h"
#include "adapters/ghl/contacts/search_body.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/contact.pb.h"
#include "ghl/contacts/v1/contacts_service.pb.h"

namespace ghl::contacts {

/// The GHL API version every request declares.
inline constexpr char kGhlApiVersion[] = "2021-07-28";

/// GHL's rate-limit headers as last seen (absent values are -1).
using RateLimitInfo = ::ghl::RateLimitHeaders;

/// The `GET /contacts/` cursor: the last contact of the previous page.
struct ListCursor {
  int64_t start_after = 0;
  std::string start_after_id;
  bool operator==(const ListCursor& o) const {
    return start_after == o.start_after && start_after_id == o.start_after_id;
  }
};

/// One request of `GET /contacts/`.
struct ListContactsPageRequest {
  std::string location_id;
  std::string query;
  int limit = 100;
  /// Absent for the first page.
  std::optional<ListCursor> cursor;
};

/// One parsed page of `GET /contacts/`.
struct ListContactsPage {
  std::vector<ghl::contacts::v1::Contact> contacts;
  /// meta.total (or `count`), -1 when absent.
  int64_t total = -1;
  /// meta.total alone (-1 when absent): the count pagination is checked
  /// against (`count` is not reliably the total across GHL's responses).
  int64_t meta_total = -1;
  /// The cursor of the next page; absent on the last page.
  std::optional<ListCursor> next;
  RateLimitInfo rate_limit;
};

/// One request of `GET /contacts/business/{businessId}` (offset paged).
struct BusinessContactsPageRequest {
  std::string location_id;
  std::string business_id;
  std::string query;
  int limit = 100;
  /// Contacts to skip (the offset of this page).
  int64_t skip = 0;
};

/// Per-call settings.
struct CallOptions {
  absl::Duration timeout = absl::Seconds(30);
  /// Whether the request may safely reach GHL twice (reads, search, an
  /// upsert that matches); see http::HttpRequest::idempotent.
  bool idempotent = false;
  /// The caller's deadline (gRPC deadline); infinite when it set none.
  absl::Time deadline = absl::InfiniteFuture();
  /// True once the caller has gone away (may be empty).
  std::function<bool()> cancelled;
};

/// One method per REST operation of apps/contacts.json used so far.
class ContactsStub {
 public:
  virtual ~ContactsStub() = default;
  /// GET /contacts/{contactId}
  virtual absl::StatusOr<ghl::contacts::v1::Contact> GetContact(
      const CallOptions& options, const std::string& location_id, const std::string& contact_id) = 0;
  /// GET /contacts/ (one page)
  virtual absl::StatusOr<ListContactsPage> ListContacts(const CallOptions& options,
                                                        const ListContactsPageRequest& request) = 0;
  /// POST /contacts/
  virtual absl::StatusOr<ghl::contacts::v1::Contact> CreateContact(
      const CallOptions& options, const std::string& location_id,
      const ghl::contacts::v1::Contact& contact) = 0;
  /// PUT /contacts/{contactId}
  virtual absl::StatusOr<ghl::contacts::v1::Contact> UpdateContact(
      const CallOptions& options, const std::string& location_id,
      const ghl::contacts::v1::Contact& contact, const google::protobuf::FieldMask& mask) = 0;
  /// DELETE /contacts/{contactId}
  virtual absl::Status DeleteContact(const CallOptions& options, const std::string& location_id,
                                     const std::string& contact_id) = 0;

  // ---- Search, upsert, duplicates, business, followers, campaigns,
  // ---- workflows (issue 3). Requests are validated by the caller.

  /// POST /contacts/search (one page). An empty 200 body is an empty page.
  virtual absl::StatusOr<SearchPage> SearchContacts(const CallOptions& options,
                                                    const SearchPageRequest& request) = 0;
  /// POST /contacts/upsert
  virtual absl::StatusOr<ghl::contacts::v1::UpsertContactResponse> UpsertContact(
      const CallOptions& options, const ghl::contacts::v1::UpsertContactRequest& request) = 0;
  /// GET /contacts/search/duplicate (an empty or contact-less answer: no match)
  virtual absl::StatusOr<ghl::contacts::v1::FindDuplicateContactResponse> FindDuplicateContact(
      const CallOptions& options, const ghl::contacts::v1::FindDuplicateContactRequest& request) = 0;
  /// GET /contacts/business/{businessId} (one page; `next` is never set)
  virtual absl::StatusOr<ListContactsPage> ListBusinessContacts(
      const CallOptions& options, const BusinessContactsPageRequest& request) = 0;
  /// POST /contacts/{contactId}/followers
  virtual absl::StatusOr<ghl::contacts::v1::AddFollowersResponse> AddFollowers(
      const CallOptions& options, const ghl::contacts::v1::AddFollowersRequest& request) = 0;
  /// DELETE /contacts/{contactId}/followers
  virtual absl::StatusOr<ghl::contacts::v1::RemoveFollowersResponse> RemoveFollowers(
      const CallOptions& options, const ghl::contacts::v1::RemoveFollowersRequest& request) = 0;
  /// POST /contacts/{contactId}/campaigns/{campaignId}
  virtual absl::Status AddToCampaign(const CallOptions& options,
                                     const ghl::contacts::v1::AddToCampaignRequest& request) = 0;
  /// DELETE /contacts/{contactId}/campaigns/{campaignId}
  virtual absl::Status RemoveFromCampaign(
      const CallOptions& options, const ghl::contacts::v1::RemoveFromCampaignRequest& request) = 0;
  /// DELETE /contacts/{contactId}/campaigns/removeAll
  virtual absl::Status RemoveFromAllCampaigns(
      const CallOptions& options, const ghl::contacts::v1::RemoveFromAllCampaignsRequest& request) = 0;
  /// POST /contacts/{contactId}/workflow/{workflowId}
  virtual absl::Status AddToWorkflow(const CallOptions& options,
                                     const ghl::contacts::v1::AddToWorkflowRequest& request) = 0;
  /// DELETE /contacts/{contactId}/workflow/{workflowId}
  virtual absl::Status RemoveFromWorkflow(
      const CallOptions& options, const ghl::contacts::v1::RemoveFromWorkflowRequest& request) = 0;
  /// POST /contacts/bulk/business
  virtual absl::StatusOr<ghl::contacts::v1::BulkUpdateBusinessResponse> BulkUpdateBusiness(
      const CallOptions& options, const ghl::contacts::v1::BulkUpdateBusinessRequest& request) = 0;
  // ---- end of the issue 3 section.
};

/// Builds the production stub.
/// @param base_url e.g. https://services.leadconnectorhq.com (no trailing /).
std::shared_ptr<ContactsStub> MakeDefaultContactsStub(std::shared_ptr<http::HttpTransport> transport,
                                                      std::string base_url,
                                                      std::shared_ptr<auth::TokenSource> tokens);

/// Parses a `GET /contacts/` body. Exposed for tests and the benchmark.
/// @return UNAVAILABLE for malformed JSON (a truncated body may be transient),
///         INTERNAL for JSON of the wrong shape.
absl::StatusOr<ListContactsPage> ParseListContactsBody(const std::string& body);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_STUB_H_
