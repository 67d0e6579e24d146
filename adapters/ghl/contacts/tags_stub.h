// TagsStub: one method per GHL REST operation on contact tags (add-tags,
// remove-tags, create-association = the bulk tag update). Tags travel as
// JSON arrays, never joined into one string (a tag may contain a comma).
// Sends each request once through GhlRestCall; no retries (TagsConnection
// decides, and never repeats a write that may have been applied).
//
// Requests are the gRPC request messages, validated by the caller (the
// contact id is still percent-encoded into the path).
//
// Thread-safety: the default stub is safe for concurrent use if its
// transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_TAGS_STUB_H_
#define GHL_ADAPTERS_GHL_CONTACTS_TAGS_STUB_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/tags_service.pb.h"

namespace ghl::contacts {

/// The tag operations of apps/contacts.json.
class TagsStub {
 public:
  virtual ~TagsStub() = default;
  /// POST /contacts/{contactId}/tags
  virtual absl::StatusOr<ghl::contacts::v1::AddTagsResponse> AddTags(
      const CallOptions& options, const ghl::contacts::v1::AddTagsRequest& request) = 0;
  /// DELETE /contacts/{contactId}/tags (with a JSON body)
  virtual absl::StatusOr<ghl::contacts::v1::RemoveTagsResponse> RemoveTags(
      const CallOptions& options, const ghl::contacts::v1::RemoveTagsRequest& request) = 0;
  /// POST /contacts/bulk/tags/update/{type}
  /// @return INVALID_ARGUMENT for an UNSPECIFIED type (no request is sent).
  virtual absl::StatusOr<ghl::contacts::v1::BulkUpdateTagsResponse> BulkUpdateTags(
      const CallOptions& options, const ghl::contacts::v1::BulkUpdateTagsRequest& request) = 0;
};

/// Builds the production stub.
/// @param base_url e.g. https://services.leadconnectorhq.com.
std::shared_ptr<TagsStub> MakeDefaultTagsStub(std::shared_ptr<http::HttpTransport> transport,
                                              std::string base_url,
                                              std::shared_ptr<auth::TokenSource> tokens);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_TAGS_STUB_H_
