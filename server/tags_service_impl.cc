#include "server/tags_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/resource_validation.h"
#include "server/unary_call.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;

absl::Status ValidateBulk(const v1::BulkUpdateTagsRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  const bool remove = request.type() == v1::BULK_TAGS_UPDATE_TYPE_REMOVE;
  if (request.type() != v1::BULK_TAGS_UPDATE_TYPE_ADD && !remove) {
    return absl::InvalidArgumentError(
        "type: must be BULK_TAGS_UPDATE_TYPE_ADD or BULK_TAGS_UPDATE_TYPE_REMOVE");
  }
  if (request.remove_all_tags() && !remove) {
    return absl::InvalidArgumentError(
        "remove_all_tags: only with type BULK_TAGS_UPDATE_TYPE_REMOVE");
  }
  if (request.contact_ids().empty()) {
    return absl::InvalidArgumentError("contact_ids: must name at least one contact");
  }
  for (int i = 0; i < request.contact_ids_size(); ++i) {
    auto s = ValidateId(absl::StrCat("contact_ids[", i, "]"), request.contact_ids(i));
    if (!s.ok()) return s;
  }
  return ValidateTags("tags", request.tags(), /*may_be_empty=*/request.remove_all_tags());
}

}  // namespace

grpc::ServerUnaryReactor* TagsServiceImpl::AddTags(grpc::CallbackServerContext* context,
                                                   const v1::AddTagsRequest* request,
                                                   v1::AddTagsResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateTags("tags", request->tags()); !s.ok()) return s;
    auto added = connection_->AddTags(*request);
    if (!added.ok()) return added.status();
    *response = *std::move(added);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TagsServiceImpl::RemoveTags(grpc::CallbackServerContext* context,
                                                      const v1::RemoveTagsRequest* request,
                                                      v1::RemoveTagsResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateTags("tags", request->tags()); !s.ok()) return s;
    auto removed = connection_->RemoveTags(*request);
    if (!removed.ok()) return removed.status();
    *response = *std::move(removed);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TagsServiceImpl::BulkUpdateTags(grpc::CallbackServerContext* context,
                                                          const v1::BulkUpdateTagsRequest* request,
                                                          v1::BulkUpdateTagsResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateBulk(*request); !s.ok()) return s;
    auto updated = connection_->BulkUpdateTags(*request);
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

}  // namespace ghl::server
