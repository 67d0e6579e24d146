#include "adapters/ghl/contacts/tags_stub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "adapters/ghl/contacts/rest_call.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;

std::string TagsPath(const std::string& contact_id) {
  return absl::StrCat("/contacts/", http::UrlEncode(contact_id), "/tags");
}

// A write's whole answer through `mapper`; once GHL answered 2xx the write
// is applied, whatever the answer looks like.
template <typename T>
absl::StatusOr<T> WriteAnswer(const absl::StatusOr<http::HttpResponse>& response,
                              const json::JsonMapper& mapper, const char* operation) {
  if (!response.ok()) return response.status();
  T out;
  auto status = ReadAnswer(response->body, mapper, operation, &out);
  if (!status.ok()) return AppliedButUnusable(status, operation);
  return out;
}

class DefaultTagsStub final : public TagsStub {
 public:
  explicit DefaultTagsStub(GhlRestCall rest) : rest_(std::move(rest)) {}

  absl::StatusOr<v1::AddTagsResponse> AddTags(const CallOptions& options,
                                              const v1::AddTagsRequest& request) override {
    return WriteAnswer<v1::AddTagsResponse>(
        rest_.Send(options, request.location_id(), "POST", TagsPath(request.contact_id()),
                   TagsBody(request.tags())),
        AddTagsResponseJson(), "add-tags");
  }

  absl::StatusOr<v1::RemoveTagsResponse> RemoveTags(const CallOptions& options,
                                                    const v1::RemoveTagsRequest& request) override {
    return WriteAnswer<v1::RemoveTagsResponse>(
        rest_.Send(options, request.location_id(), "DELETE", TagsPath(request.contact_id()),
                   TagsBody(request.tags())),
        RemoveTagsResponseJson(), "remove-tags");
  }

  absl::StatusOr<v1::BulkUpdateTagsResponse> BulkUpdateTags(
      const CallOptions& options, const v1::BulkUpdateTagsRequest& request) override {
    const std::string type = BulkTagsUpdateTypeName(request.type());
    if (type.empty()) return absl::InvalidArgumentError("type: must be ADD or REMOVE");
    return WriteAnswer<v1::BulkUpdateTagsResponse>(
        rest_.Send(options, request.location_id(), "POST",
                   absl::StrCat("/contacts/bulk/tags/update/", type), BulkUpdateTagsBody(request)),
        BulkUpdateTagsResponseJson(), "create-association");
  }

 private:
  GhlRestCall rest_;
};

}  // namespace

std::shared_ptr<TagsStub> MakeDefaultTagsStub(std::shared_ptr<http::HttpTransport> transport,
                                              std::string base_url,
                                              std::shared_ptr<auth::TokenSource> tokens) {
  return std::make_shared<DefaultTagsStub>(
      GhlRestCall(std::move(transport), std::move(base_url), std::move(tokens)));
}

}  // namespace ghl::contacts
